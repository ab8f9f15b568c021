import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from casebridge.accounts.models import Role
from casebridge.assessments.models import NeedStatus
from casebridge.core.errors import LockedError, TransitionError
from casebridge.core.models import AuditAction, AuditEvent
from casebridge.plans import services
from casebridge.plans.models import (
    GOAL_TRANSITIONS,
    PLAN_TRANSITIONS,
    STEP_TRANSITIONS,
    Achievement,
    CarePlan,
    FrozenPlanError,
    Goal,
    GoalProgress,
    GoalStatus,
    PlanStatus,
    Step,
    StepStatus,
)
from casebridge.plans.tests.conftest import signature_png
from casebridge.tasks.models import Task


def _plan(world, needs=()):
    return services.plan_create(
        actor=world.north.case_manager, enrollment=world.north.enrollment, needs=needs
    )


def _active(world, needs):
    plan = _plan(world, needs)
    return services.plan_activate(actor=world.north.case_manager, plan=plan)


def test_plan_from_needs_makes_proposed_goals_and_marks_needs_in_plan(world, needs):
    plan = _plan(world, needs)
    goals = list(plan.goals.order_by("position"))
    assert [g.statement for g in goals] == ["No stable housing", "No income"]
    assert [g.status for g in goals] == [GoalStatus.PROPOSED] * 2
    assert goals[0].priority == "high" and goals[0].domain == "housing"
    assert list(goals[0].needs.all()) == [needs[0]]
    for need in needs:
        need.refresh_from_db()
        assert need.status == NeedStatus.IN_PLAN
    events = AuditEvent.objects.filter(person_id=world.north.client.pk)
    assert events.filter(object_type="plans.careplan", action=AuditAction.CREATE).count() == 1
    assert events.filter(object_type="plans.goal", action=AuditAction.CREATE).count() == 2
    assert events.filter(object_type="assessments.need", action=AuditAction.UPDATE).count() == 2


def test_only_care_roles_of_the_agency_make_plans(world):
    for user in (world.north.users[Role.INTAKE_WORKER], world.south.case_manager):
        with pytest.raises(PermissionDenied):
            services.plan_create(actor=user, enrollment=world.north.enrollment)
    assert not CarePlan.objects.exists()


def test_activation_activates_goals_and_schedules_review(world, needs):
    plan = _active(world, needs)
    assert plan.status == PlanStatus.ACTIVE and plan.activated_at
    assert plan.next_review_on is not None
    assert set(plan.goals.values_list("status", flat=True)) == {GoalStatus.ACTIVE}


def test_a_plan_without_goals_cannot_be_activated(world):
    plan = _plan(world)
    with pytest.raises(TransitionError):
        services.plan_activate(actor=world.north.case_manager, plan=plan)


def test_only_one_open_plan_per_enrollment_in_the_service(world, needs):
    _active(world, needs)
    with pytest.raises(TransitionError):
        _plan(world)


def test_only_one_active_plan_per_enrollment_in_the_database(world, needs):
    plan = _active(world, needs)
    with pytest.raises(IntegrityError), transaction.atomic():
        CarePlan.objects.create(
            person=plan.person,
            agency=plan.agency,
            enrollment=plan.enrollment,
            version=2,
            status=PlanStatus.ACTIVE,
            created_by=world.north.case_manager,
        )


def test_new_version_carries_goals_forward_and_replaces_the_old_one(world, needs):
    cm = world.north.case_manager
    plan = _active(world, needs)
    first, second = plan.goals.order_by("position")
    services.step_add(
        actor=cm, plan=plan, data={"goal": first, "action": "View flats", "performer": "person"}
    )
    services.goal_transition(actor=cm, goal=second, to_status=GoalStatus.CANCELLED, reason="x")
    services.progress_record(actor=cm, goal=first, data={"achievement": Achievement.IMPROVING})

    new = services.plan_new_version(actor=cm, plan=plan)
    assert new.version == 2 and new.previous_id == plan.pk and new.status == PlanStatus.DRAFT
    carried = list(new.goals.all())
    assert [g.statement for g in carried] == ["No stable housing"]  # the cancelled one stays
    assert carried[0].carried_from_id == first.pk
    assert carried[0].achievement == Achievement.IMPROVING
    assert list(carried[0].needs.all()) == [needs[0]]
    assert [s.action for s in carried[0].steps.all()] == ["View flats"]
    with pytest.raises(TransitionError):  # one draft at a time
        services.plan_new_version(actor=cm, plan=plan)

    services.plan_activate(actor=cm, plan=new)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.COMPLETED and plan.end_reason == "replaced"
    assert CarePlan.objects.filter(enrollment=plan.enrollment, status="active").get() == new

    # The previous version is read-only history, through services and the ORM.
    with pytest.raises(LockedError):
        services.goal_add(actor=cm, plan=plan, data={"domain": "food", "statement": "Eat"})
    with pytest.raises(LockedError):
        services.goal_transition(actor=cm, goal=first, to_status=GoalStatus.ON_HOLD)
    with pytest.raises(FrozenPlanError):
        Goal.objects.filter(pk=first.pk).update(status=GoalStatus.ON_HOLD)
    first.refresh_from_db()
    first.statement = "changed"
    with pytest.raises(FrozenPlanError):
        first.save()
    plan.summary = "changed"
    with pytest.raises(FrozenPlanError):
        plan.save()
    # attainment history follows the goal across versions
    from casebridge.plans.selectors import goal_history

    history = goal_history(user=cm, goal=carried[0])
    assert [e.achievement for e in history] == [Achievement.IMPROVING]


def test_agreement_freezes_the_plan(world, needs):
    cm = world.north.case_manager
    plan = _plan(world, needs)
    goal = plan.goals.first()
    services.plan_agree(
        actor=cm, plan=plan, method="signature", signer_name="Ana", signature=signature_png()
    )
    plan.refresh_from_db()
    assert plan.agreed_at is not None and plan.agreement.signature_png

    # services refuse (LockedError, API 409)
    with pytest.raises(LockedError):
        services.goal_update(actor=cm, goal=goal, changes={"statement": "Something else"})
    with pytest.raises(LockedError):
        services.goal_add(actor=cm, plan=plan, data={"domain": "food", "statement": "Eat"})
    with pytest.raises(LockedError):
        services.step_add(
            actor=cm, plan=plan, data={"goal": goal, "action": "x", "performer": "person"}
        )
    with pytest.raises(LockedError):
        services.plan_agree(actor=cm, plan=plan, method="verbal", signer_name="A", witness_name="B")
    # and so does the ORM, whichever way it is asked
    goal.refresh_from_db()
    goal.statement = "Edited behind the service's back"
    with pytest.raises(FrozenPlanError):
        goal.save()
    with pytest.raises(FrozenPlanError):
        Goal.objects.filter(pk=goal.pk).update(statement="x")
    with pytest.raises(FrozenPlanError):
        Goal.objects.filter(pk=goal.pk).delete()
    with pytest.raises(FrozenPlanError):
        Goal.objects.create(plan=plan, person=plan.person, agency=plan.agency, domain="food")
    with pytest.raises(FrozenPlanError):
        CarePlan.objects.filter(pk=plan.pk).update(summary="x")
    fresh = CarePlan.objects.get(pk=plan.pk)
    fresh.summary = "x"
    with pytest.raises(FrozenPlanError):
        fresh.save()
    with pytest.raises(FrozenPlanError):
        plan.agreement.save()
    assert Goal.objects.get(pk=goal.pk).statement == "No stable housing"

    # tracking still moves on: activation, goal lifecycle, progress
    services.plan_activate(actor=cm, plan=plan)
    goal.refresh_from_db()
    assert goal.status == GoalStatus.ACTIVE
    services.progress_record(actor=cm, goal=goal, data={"achievement": Achievement.ACHIEVED})
    goal.refresh_from_db()
    assert goal.status == GoalStatus.ACHIEVED and goal.achievement == Achievement.ACHIEVED


@pytest.mark.parametrize(
    "kwargs,field",
    [
        ({"method": "verbal", "signer_name": "Ana"}, "witness_name"),
        ({"method": "signature", "signer_name": "Ana"}, "signature"),
        (
            {"method": "signature", "signer_name": "Ana", "signature": "data:image/png;base64,xx"},
            "signature",
        ),
        (
            {
                "method": "signature",
                "signer_name": "Ana",
                "signature": "data:image/png;base64,R0lGODlhAQABAAAAACw=",
            },
            "signature",
        ),
        (
            {"method": "signature", "signer_name": "Ana", "signature": signature_png(blank=True)},
            "signature",
        ),
        (
            {
                "method": "signature",
                "signer_name": "Ana",
                "signature": "data:image/png;base64," + "A" * 400_000,
            },
            "signature",
        ),
        ({"method": "signature", "signer_name": " ", "signature": signature_png()}, "signer_name"),
    ],
)
def test_agreement_input_is_checked(world, needs, kwargs, field):
    plan = _plan(world, needs)
    with pytest.raises(ValidationError) as exc:
        services.plan_agree(actor=world.north.case_manager, plan=plan, **kwargs)
    assert field in exc.value.message_dict
    plan.refresh_from_db()
    assert plan.agreed_at is None


def test_verbal_agreement_with_witness(world, needs):
    plan = _plan(world, needs)
    agreement = services.plan_agree(
        actor=world.north.case_manager,
        plan=plan,
        method="verbal",
        signer_name="Ana",
        witness_name="Jo Witness",
    )
    assert agreement.witness_name == "Jo Witness" and not agreement.signature_png
    assert AuditEvent.objects.filter(object_id=str(agreement.pk), action="create").count() == 1
    assert AuditEvent.objects.filter(object_id=str(plan.pk), action="update").count() == 1


def test_supervisor_sign_off_required_by_program(world, needs):
    cm, supervisor = world.north.case_manager, world.north.users[Role.SUPERVISOR]
    program = world.north.program
    program.plan_signoff_required = True
    program.save()
    plan = _plan(world, needs)
    with pytest.raises(TransitionError):
        services.plan_activate(actor=cm, plan=plan)
    with pytest.raises(TransitionError):  # signs off the agreed version only
        services.plan_sign_off(actor=supervisor, plan=plan)
    services.plan_agree(actor=cm, plan=plan, method="verbal", signer_name="A", witness_name="W")
    with pytest.raises(PermissionDenied):
        services.plan_sign_off(actor=cm, plan=plan)
    services.plan_sign_off(actor=supervisor, plan=plan)
    services.plan_activate(actor=cm, plan=plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE and plan.signed_off_by == supervisor


@pytest.mark.parametrize("start", list(PLAN_TRANSITIONS))
@pytest.mark.parametrize("target", list(PlanStatus.values))
def test_plan_state_machine_is_exhaustive(world, needs, start, target):
    plan = _plan(world, needs)
    CarePlan.objects.filter(pk=plan.pk).update(status=start)
    plan.refresh_from_db()
    allowed = target in PLAN_TRANSITIONS[start]
    try:
        services.plan_transition(
            actor=world.north.case_manager, plan=plan, to_status=target, reason="because"
        )
    except TransitionError:
        assert not allowed
    else:
        assert allowed
        plan.refresh_from_db()
        assert plan.status == target


@pytest.mark.parametrize("start", list(GOAL_TRANSITIONS))
@pytest.mark.parametrize("target", list(GoalStatus.values))
def test_goal_lifecycle_is_exhaustive(world, needs, start, target):
    plan = _plan(world, needs)
    goal = plan.goals.first()
    Goal.objects.filter(pk=goal.pk).update(status=start)
    goal.refresh_from_db()
    try:
        services.goal_transition(actor=world.north.case_manager, goal=goal, to_status=target)
    except TransitionError:
        assert target not in GOAL_TRANSITIONS[start]
    else:
        assert target in GOAL_TRANSITIONS[start]
        goal.refresh_from_db()
        assert goal.status == target
        if target == GoalStatus.ACHIEVED:
            assert goal.achievement == Achievement.ACHIEVED


def test_step_lifecycle_and_task(world, needs):
    cm = world.north.case_manager
    plan = _plan(world, needs)
    goal = plan.goals.first()
    import datetime

    from casebridge.core import clock

    step = services.step_add(
        actor=cm,
        plan=plan,
        data={
            "goal": goal,
            "action": "Apply for housing",
            "performer": "case_manager",
            "due_on": clock.today() + datetime.timedelta(days=7),
        },
        create_task=True,
    )
    task = Task.objects.get(pk=step.task_id)
    assert task.source == "plan_step" and task.assignee == cm
    assert step.performer_user == cm
    services.step_transition(actor=cm, step=step, to_status=StepStatus.DONE)
    with pytest.raises(TransitionError):
        services.step_transition(actor=cm, step=step, to_status=StepStatus.IN_PROGRESS)
    assert StepStatus.DONE in STEP_TRANSITIONS[StepStatus.PLANNED]
    assert Step.objects.get(pk=step.pk).status == StepStatus.DONE


def test_step_input_is_checked(world, needs):
    plan = _plan(world, needs)
    with pytest.raises(ValidationError) as exc:
        services.step_add(
            actor=world.north.case_manager,
            plan=plan,
            data={"goal": None, "action": "", "performer": "provider"},
            create_task=True,
        )
    assert {"goal", "action", "performer_name", "due_on"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError) as exc:
        services.step_add(
            actor=world.north.case_manager,
            plan=plan,
            data={
                "goal": plan.goals.first(),
                "action": "x",
                "performer": "staff",
                "performer_user": world.south.case_manager,
            },
        )
    assert "performer_user" in exc.value.message_dict


def test_progress_needs_an_active_plan_and_is_append_only(world, needs):
    cm = world.north.case_manager
    plan = _plan(world, needs)
    goal = plan.goals.first()
    with pytest.raises(ValidationError):
        services.progress_record(actor=cm, goal=goal, data={"achievement": "improving"})
    services.plan_activate(actor=cm, plan=plan)
    goal.refresh_from_db()
    entry = services.progress_record(
        actor=cm, goal=goal, data={"achievement": "improving", "value": "2 viewings"}
    )
    goal.refresh_from_db()
    assert goal.achievement == "improving"
    with pytest.raises(FrozenPlanError):
        GoalProgress.objects.filter(pk=entry.pk).update(note="x")
    with pytest.raises(FrozenPlanError):
        entry.delete()
    assert AuditEvent.objects.filter(object_id=str(entry.pk)).count() == 1
    assert (
        AuditEvent.objects.filter(object_id=str(goal.pk), action="update").count() == 1
    )  # the achievement change


def test_review_sets_next_date(world, needs):
    cm = world.north.case_manager
    plan = _active(world, needs)
    with pytest.raises(ValidationError) as exc:
        services.plan_review(actor=cm, plan=plan, notes="")
    assert "notes" in exc.value.message_dict
    review = services.plan_review(actor=cm, plan=plan, notes="Went well")
    plan.refresh_from_db()
    assert plan.next_review_on == review.next_review_on
    assert (review.next_review_on - review.reviewed_on).days == 90
