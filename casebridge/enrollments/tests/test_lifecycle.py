import datetime
import itertools

import pytest
from django.core.exceptions import ValidationError

from casebridge.core.errors import TransitionError
from casebridge.core.models import AuditEvent
from casebridge.enrollments import services
from casebridge.enrollments.models import ALLOWED_TRANSITIONS, EnrollmentStatus
from tests.factories import enroll, person

PLAN = {
    "reason": "goals_met",
    "destination": 410,
    "aftercare": "Primary care at the clinic on 5th Street.",
    "who_to_call": "Clinic front desk 555-0199; 988 in a crisis.",
    "summary": "Housed since March; goals met.",
}
# A discharge writes the final plan, the status change and two follow-up tasks.
EVENTS = {EnrollmentStatus.DISCHARGED: 4}


def _move(actor, enrollment, to_status):
    if to_status == EnrollmentStatus.ACTIVE:
        return services.enrollment_activate(actor=actor, enrollment=enrollment)
    if to_status == EnrollmentStatus.ON_HOLD:
        return services.enrollment_hold(actor=actor, enrollment=enrollment, reason="In hospital")
    if to_status == EnrollmentStatus.DISCHARGED:
        return services.enrollment_discharge(actor=actor, enrollment=enrollment, **PLAN)
    return services.enrollment_transition(actor=actor, enrollment=enrollment, to_status=to_status)


@pytest.mark.parametrize(
    "from_status,to_status", list(itertools.product(EnrollmentStatus.values, repeat=2))
)
def test_every_move_is_allowed_or_rejected_exactly_as_the_table_says(world, from_status, to_status):
    cm = world.north.case_manager
    p = person(world.north.agency, legal_first_name="Move")
    enrollment = enroll(p, world.north.other_program, case_manager=cm, status=from_status)
    if from_status == EnrollmentStatus.DISCHARGED:
        enrollment.end_date = datetime.date(2026, 2, 1)
        enrollment.save()
    events_before = AuditEvent.objects.count()
    if to_status in ALLOWED_TRANSITIONS[from_status]:
        result = _move(cm, enrollment, to_status)
        assert result.status == to_status
        assert AuditEvent.objects.count() == events_before + EVENTS.get(to_status, 1)
    else:
        with pytest.raises(TransitionError):
            _move(cm, enrollment, to_status)
        enrollment.refresh_from_db()
        assert enrollment.status == from_status
        assert AuditEvent.objects.count() == events_before


def test_create_enrollment_and_reject_second_open_one(world):
    cm = world.north.case_manager
    p = person(world.north.agency, created_by=cm, legal_first_name="New")
    enrollment = services.enrollment_create(
        actor=cm, person=p, program=world.north.program, primary_case_manager=cm
    )
    assert enrollment.status == EnrollmentStatus.PENDING
    assert enrollment.team_id == world.north.team.pk
    with pytest.raises(ValidationError) as excinfo:
        services.enrollment_create(actor=cm, person=p, program=world.north.program)
    assert "program" in excinfo.value.message_dict


def test_discharge_needs_reason_and_destination(world):
    cm = world.north.case_manager
    with pytest.raises(ValidationError) as excinfo:
        services.enrollment_discharge(
            actor=cm, enrollment=world.north.enrollment, reason="bogus", destination=None
        )
    assert "reason" in excinfo.value.message_dict
    world.north.enrollment.refresh_from_db()
    assert world.north.enrollment.status == EnrollmentStatus.ACTIVE
