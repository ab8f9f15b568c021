"""Care plans are clinical records: visible to care roles of the recording agency when the person
is visible to them. Goals, steps, progress, reviews and agreements are visible exactly when their
plan is."""

from django.db.models import Exists, OuterRef, Q

from casebridge.assessments.access import _of_visible_person
from casebridge.core.access import policy
from casebridge.plans.models import CarePlan, Goal, GoalProgress, PlanAgreement, PlanReview, Step

policy.rule(CarePlan)(_of_visible_person)


def _of_visible_plan(principal, grant):
    q = _of_visible_person(principal, grant)
    if q is None:
        return None
    return Q(Exists(CarePlan.objects.filter(q, pk=OuterRef("plan_id"))))


for _model in (Goal, Step, GoalProgress, PlanReview, PlanAgreement):
    policy.rule(_model)(_of_visible_plan)
