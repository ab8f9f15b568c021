import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from casebridge.core import audit
from casebridge.core.models import AuditAction, AuditEvent
from casebridge.enrollments import services as enrollment_services
from casebridge.people import services as people_services
from tests.factories import person


def _events_for(obj):
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


def test_each_write_makes_exactly_one_event_per_object(world):
    cm = world.north.case_manager
    p = people_services.person_create(
        actor=cm, legal_first_name="Kofi", legal_last_name="Mensah", phone="555-0199"
    )
    assert list(_events_for(p).values_list("action", flat=True)) == [AuditAction.CREATE]

    people_services.person_update(actor=cm, person=p, phone="555-0123", preferred_name="K")
    events = list(_events_for(p).order_by("sequence"))
    assert [e.action for e in events] == [AuditAction.CREATE, AuditAction.UPDATE]
    assert events[1].data == {"fields": ["phone", "preferred_name"]}
    assert events[1].actor == cm
    assert events[1].person_id == p.pk

    # Saving without a change writes nothing and records nothing.
    people_services.person_update(actor=cm, person=p, phone="555-0123")
    assert _events_for(p).count() == 2

    enrollment = enrollment_services.enrollment_create(
        actor=cm, person=p, program=world.north.program, primary_case_manager=cm
    )
    enrollment_services.enrollment_activate(actor=cm, enrollment=enrollment)
    assert list(_events_for(enrollment).order_by("sequence").values_list("action", "data")) == [
        (AuditAction.CREATE, {"status": "pending"}),
        (
            AuditAction.TRANSITION,
            {
                "from": "pending",
                "to": "active",
                "fields": ["start_date", "status", "status_changed_at"],
            },
        ),
    ]


def test_audit_event_never_holds_identifiers(world):
    cm = world.north.case_manager
    p = people_services.person_create(
        actor=cm, legal_first_name="Ines", legal_last_name="Duarte", ssn="987-65-4321"
    )
    people_services.person_update(actor=cm, person=p, ssn="987-65-4322")
    for event in _events_for(p):
        assert "4321" not in str(event.data) and "4322" not in str(event.data)


def test_failed_write_leaves_no_event(world):
    cm = world.north.case_manager
    before = AuditEvent.objects.count()
    with pytest.raises(Exception):  # noqa: B017 - any validation error will do
        people_services.person_create(actor=cm, legal_first_name="", legal_last_name="")
    assert AuditEvent.objects.count() == before


def test_event_rolls_back_with_its_transaction(world):
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(actor=None, action=AuditAction.UPDATE, object_type="x.y", object_id="1")
        raise RuntimeError("the write failed")
    assert AuditEvent.objects.count() == before


def test_record_outside_a_transaction_is_refused(transactional_db):
    with pytest.raises(RuntimeError):
        audit.record(actor=None, action=AuditAction.UPDATE, object_type="x.y", object_id="1")


def test_orm_cannot_update_or_delete_audit_rows(world):
    people_services.person_create(
        actor=world.north.case_manager, legal_first_name="A", legal_last_name="B"
    )
    event = AuditEvent.objects.last()
    event.reason = "changed"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="changed")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


def _write_some_events(world):
    cm = world.north.case_manager
    for i in range(3):
        people_services.person_create(actor=cm, legal_first_name=f"P{i}", legal_last_name="Chain")


def test_audit_verify_passes_on_an_intact_chain(world, capsys):
    _write_some_events(world)
    call_command("audit_verify")
    assert "intact: 3 events" in capsys.readouterr().out


@pytest.mark.parametrize("column,value", [("reason", "'nothing to see'"), ("action", "'view'")])
def test_tampering_with_a_row_breaks_audit_verify(world, column, value):
    _write_some_events(world)
    middle = AuditEvent.objects.order_by("sequence")[1]
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {column} = {value} WHERE sequence = %s", [middle.sequence]
        )
    with pytest.raises(CommandError, match="broken"):
        call_command("audit_verify")


def test_deleting_a_row_breaks_audit_verify(world):
    _write_some_events(world)
    first = AuditEvent.objects.order_by("sequence").first()
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {AuditEvent._meta.db_table} WHERE sequence = %s", [first.sequence]
        )
    assert list(audit.verify_chain())


def test_viewing_a_face_sheet_is_audited(world, client):
    cm = world.north.case_manager
    client.force_login(cm)
    response = client.get(f"/people/{world.north.client.pk}/")
    assert response.status_code == 200
    view = AuditEvent.objects.filter(action=AuditAction.VIEW).last()
    assert view.person_id == world.north.client.pk
    assert view.actor == cm
    assert view.source == "web"
    assert view.ip_address == "127.0.0.1"


def test_events_link_to_person(world):
    p = person(world.north.agency, legal_first_name="Linked")
    people_services.person_update(
        actor=world.north.users["agency_admin"], person=p, pronouns="they/them"
    )
    assert AuditEvent.objects.filter(person_id=p.pk).count() == 1
