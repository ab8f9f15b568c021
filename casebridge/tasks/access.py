"""A task is visible to its assignee, and to anyone who may see assessments of the person in
the task's agency (care roles), since tasks carry clinical context."""

from django.db.models import Q

from casebridge.assessments.access import _of_visible_person
from casebridge.core.access import policy
from casebridge.tasks.models import Task


@policy.rule(Task)
def own_or_care_team(principal, grant):
    q = Q(agency_id=grant.agency_id, assignee=principal.user)
    care = _of_visible_person(principal, grant)
    return q | care if care is not None else q
