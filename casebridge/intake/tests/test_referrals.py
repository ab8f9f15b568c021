import datetime
import itertools
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from casebridge.accounts.models import Role
from casebridge.core.errors import TransitionError
from casebridge.core.models import AuditEvent
from casebridge.enrollments.models import Enrollment, EnrollmentStatus
from casebridge.intake import eligibility, selectors, services
from casebridge.intake.models import ALLOWED_TRANSITIONS, Referral, ReferralStatus
from casebridge.people.models import Person


def _referral(world, **fields):
    values = {
        "first_name": "Dana",
        "last_name": "Whitehorse",
        "source_type": "hospital",
        "reason": "Discharged from psychiatric unit, no housing",
        "urgency": "urgent",
        "program": world.north.program,
        "referrer_email": "planner@hospital.example.org",
        "date_of_birth": datetime.date(1979, 2, 3),
    }
    values.update(fields)
    return services.referral_create(
        actor=world.north.users[Role.INTAKE_WORKER], agency=world.north.agency, **values
    )


def _force(referral, status):
    Referral.objects.filter(pk=referral.pk).update(status=status)
    referral.refresh_from_db()
    return referral


def _move(actor, referral, to_status):
    if to_status == ReferralStatus.SCREENING:
        return services.referral_start_screening(actor=actor, referral=referral)
    if to_status == ReferralStatus.WAITLISTED:
        return services.referral_waitlist(actor=actor, referral=referral)
    if to_status == ReferralStatus.ACCEPTED:
        return services.referral_accept(actor=actor, referral=referral)
    if to_status == ReferralStatus.DECLINED:
        return services.referral_decline(actor=actor, referral=referral, reason="not_eligible")
    if to_status == ReferralStatus.WITHDRAWN:
        return services.referral_withdraw(actor=actor, referral=referral, note="Moved away")
    return services._transition(actor=actor, referral=referral, to_status=to_status)


@pytest.mark.parametrize(
    "from_status,to_status", list(itertools.product(ReferralStatus.values, repeat=2))
)
def test_state_machine_exhaustively(world, from_status, to_status):
    intake = world.north.users[Role.INTAKE_WORKER]
    referral = _force(_referral(world), from_status)
    before = AuditEvent.objects.count()
    if to_status in ALLOWED_TRANSITIONS[from_status]:
        assert _move(intake, referral, to_status).status == to_status
        assert AuditEvent.objects.count() > before
    else:
        with pytest.raises(TransitionError):
            _move(intake, referral, to_status)
        referral.refresh_from_db()
        assert referral.status == from_status
        assert AuditEvent.objects.count() == before


def test_double_submit_creates_one_referral(world):
    first = _referral(world, submission_key="form-123")
    second = _referral(world, submission_key="form-123")
    assert first.pk == second.pk
    assert Referral.objects.count() == 1
    assert AuditEvent.objects.filter(object_id=str(first.pk)).count() == 1


def test_accept_creates_person_and_enrollment_in_one_go(world, django_capture_on_commit_callbacks):
    intake = world.north.users[Role.INTAKE_WORKER]
    referral = _referral(world)
    services.referral_start_screening(actor=intake, referral=referral)
    with django_capture_on_commit_callbacks(execute=True):
        accepted = services.referral_accept(
            actor=intake, referral=referral, primary_case_manager=world.north.case_manager
        )
    assert accepted.status == ReferralStatus.ACCEPTED and accepted.decided_at
    enrollment = accepted.enrollment
    assert enrollment.status == EnrollmentStatus.PENDING
    assert enrollment.person.legal_last_name == "Whitehorse"
    assert enrollment.primary_case_manager == world.north.case_manager
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert referral.reference in message.subject and "accepted" in message.subject
    assert "Whitehorse" not in message.body and "psychiatric" not in message.body


def test_accept_is_atomic_when_enrollment_fails(world):
    intake = world.north.users[Role.INTAKE_WORKER]
    referral = services.referral_start_screening(actor=intake, referral=_referral(world))
    counts = (Person.objects.count(), Enrollment.objects.count(), AuditEvent.objects.count())
    with (
        mock.patch(
            "casebridge.intake.services.enrollment_create", side_effect=RuntimeError("db down")
        ),
        pytest.raises(RuntimeError),
    ):
        services.referral_accept(actor=intake, referral=referral)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SCREENING and referral.enrollment is None
    assert (
        Person.objects.count(),
        Enrollment.objects.count(),
        AuditEvent.objects.count(),
    ) == counts
    assert mail.outbox == []


def test_full_program_needs_a_waitlist_offer(world):
    intake = world.north.users[Role.INTAKE_WORKER]
    program = world.north.program
    program.capacity = 1  # the North client's enrollment fills it
    program.save()
    referral = services.referral_start_screening(actor=intake, referral=_referral(world))
    with pytest.raises(ValidationError, match="full"):
        services.referral_accept(actor=intake, referral=referral)
    services.referral_waitlist(actor=intake, referral=referral)
    with pytest.raises(ValidationError, match="no free place"):
        services.referral_offer_slot(actor=intake, referral=referral)
    program.capacity = 2
    program.save()
    referral = Referral.objects.get(pk=referral.pk)
    services.referral_offer_slot(actor=intake, referral=referral)
    assert selectors.program_capacity(program).available == 0
    assert (
        services.referral_accept(actor=intake, referral=referral).status == ReferralStatus.ACCEPTED
    )


def test_screening_passes_fails_and_unknowns_and_suggests_programs(world):
    program, other = world.north.program, world.north.other_program
    program.eligibility_criteria = [
        {"fact": "age", "label": "Aged 18 to 64", "min": 18, "max": 64},
        {"fact": "homeless", "label": "Homeless", "equals": True},
        {"fact": "ed_visits_6m", "label": "2+ ED visits", "min": 2},
        {"fact": "county", "label": "Harbor County", "in": ["Harbor"]},
    ]
    program.save()
    other.eligibility_criteria = [{"fact": "age", "min": 18}]
    other.save()
    intake = world.north.users[Role.INTAKE_WORKER]
    referral = _referral(world, facts={"homeless": True, "ed_visits_6m": 1})
    screening = selectors.referral_screening(referral)
    assert [r.outcome for r in screening.results] == ["pass", "pass", "fail", "unknown"]
    assert screening.outcome == eligibility.FAIL
    assert [p for p, _ in screening.suggestions] == [other]
    services.referral_update_screening(
        actor=intake, referral=referral, facts={"ed_visits_6m": 3, "county": "harbor"}
    )
    assert selectors.referral_screening(referral).outcome == eligibility.PASS


def test_bad_screening_facts_are_rejected(world):
    intake = world.north.users[Role.INTAKE_WORKER]
    referral = _referral(world)
    with pytest.raises(ValidationError, match="must be a int"):
        services.referral_update_screening(actor=intake, referral=referral, facts={"age": "old"})
    with pytest.raises(ValidationError, match="Unknown screening fact"):
        services.referral_update_screening(actor=intake, referral=referral, facts={"shoe_size": 9})


def test_priority_is_a_transparent_weighted_sum(world):
    program = world.north.program
    program.waitlist_weights = {
        "urgency": 10,
        "vulnerability": 3,
        "days_waiting": 0.5,
        "utilisation": 4,
    }
    program.save()
    referral = _referral(world, urgency="emergent", facts={"vulnerability": 7, "ed_visits_6m": 3})
    Referral.objects.filter(pk=referral.pk).update(
        received_at=referral.received_at - datetime.timedelta(days=10)
    )
    referral.refresh_from_db()
    score, parts = selectors.referral_priority(referral)
    assert {p.factor: p.points for p in parts} == {
        "urgency": 20,
        "vulnerability": 21,
        "days_waiting": 5,
        "utilisation": 12,
    }
    assert score == 58


def test_waitlist_orders_by_priority(world):
    intake = world.north.users[Role.INTAKE_WORKER]
    low = _referral(world, urgency="routine", first_name="Low")
    high = _referral(world, urgency="emergent", first_name="High")
    for referral in (low, high):
        services.referral_start_screening(actor=intake, referral=referral)
        services.referral_waitlist(actor=intake, referral=referral)
    names = [
        r.first_name for _, r, _ in selectors.waitlist(user=intake, program=world.north.program)
    ]
    assert names == ["High", "Low"]


def test_other_agencies_never_see_referrals(world):
    referral = _referral(world)
    for user in world.south.users.values():
        assert not Referral.objects.visible_to(user).filter(pk=referral.pk).exists()
    assert not Referral.objects.visible_to(world.north.users[Role.DATA_ANALYST]).exists()
    assert not Referral.objects.visible_to(world.north.case_manager).exists()
    intake = world.north.users[Role.INTAKE_WORKER]
    services.referral_assign(actor=intake, referral=referral, assignee=world.north.case_manager)
    assert Referral.objects.visible_to(world.north.case_manager).filter(pk=referral.pk).exists()


def test_metrics(world):
    intake = world.north.users[Role.INTAKE_WORKER]
    accepted = services.referral_start_screening(actor=intake, referral=_referral(world))
    services.referral_accept(actor=intake, referral=accepted)
    services.referral_decline(actor=intake, referral=_referral(world), reason="no_contact")
    _referral(world)
    metrics = selectors.intake_metrics(user=intake)
    assert (metrics.received, metrics.decided, metrics.accepted) == (3, 2, 1)
    assert metrics.acceptance_rate == 50
    assert metrics.median_days_to_decision == 0.0
