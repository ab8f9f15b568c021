"""Flags on every page, safety-plan versions, crisis alerts and follow-ups that fire once."""

import json
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from casebridge.accounts.models import Role
from casebridge.core.errors import LockedError
from casebridge.crisis import services
from casebridge.crisis.models import FrozenRecordError, SafetyPlan
from casebridge.tasks.models import Notification, Task

SECTIONS = {
    "warning_signs": "Not sleeping, skipping meals",
    "help": "My sister Ana",
    "professionals": "988; Dr Osei 555-0199",
    "reasons": "My dog Lulu",
}


@pytest.fixture
def emails(world):
    world.north.case_manager.email = "cm@north.example.org"
    world.north.case_manager.save()
    supervisor = world.north.users[Role.SUPERVISOR]
    supervisor.email = "sup@north.example.org"
    supervisor.save()


def _crisis(world, actor=None, **data):
    values = {
        "kind": "mental_health",
        "occurred_at": timezone.now() - timedelta(hours=2),
        "description": "Called the crisis line, very distressed.",
    }
    values.update(data)
    return services.crisis_record(
        actor=actor or world.north.users[Role.PROGRAM_MANAGER],
        person=world.north.client,
        data=values,
    )


def test_a_crisis_alerts_the_team_once_and_sets_the_follow_up(
    world, emails, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        event = _crisis(world)
    notified = sorted(n.user.username for n in Notification.objects.all())
    assert notified == ["north_cm", "north_sup"]
    assert "Northclient" not in Notification.objects.first().title
    assert len(mail.outbox) == 1 and sorted(mail.outbox[0].to) == [
        "cm@north.example.org",
        "sup@north.example.org",
    ]
    assert "Northclient" not in mail.outbox[0].body
    task = Task.objects.get()
    assert task.assignee == world.north.case_manager and task.priority == "urgent"
    assert "72 hours" in task.title
    assert abs((task.due_at - (timezone.now() + timedelta(hours=72))).total_seconds()) < 60
    # Editing the event (outcome) alerts nobody again and adds no task.
    with django_capture_on_commit_callbacks(execute=True):
        services.crisis_update(
            actor=world.north.case_manager, event=event, changes={"outcome": "Stable"}
        )
    assert Notification.objects.count() == 2 and len(mail.outbox) == 1
    assert Task.objects.count() == 1


def test_hospital_admission_follow_up_comes_with_the_discharge_date(world):
    world.north.program.contact_standard = {"post_crisis_contact_hours": 48}
    world.north.program.save()
    event = _crisis(world, kind="hospital")
    assert Task.objects.get().title.startswith("Visit or call while the person is in")
    services.crisis_update(
        actor=world.north.case_manager,
        event=event,
        changes={"released_on": timezone.localdate() + timedelta(days=1)},
    )
    release_task = Task.objects.get(dedupe_key__startswith="post_release:")
    assert "48 hours" in release_task.title
    # Saving the same date again creates nothing more.
    services.crisis_update(
        actor=world.north.case_manager, event=event, changes={"response": "Visited"}
    )
    assert Task.objects.count() == 2


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "alien"}, "kind"),
        ({"occurred_at": timezone.now() + timedelta(days=1)}, "occurred_at"),
        ({"description": "  "}, "description"),
        ({"kind": "eviction", "released_on": date(2026, 1, 1)}, "released_on"),
    ],
)
def test_bad_crisis_reports_are_refused(world, data, field):
    with pytest.raises(ValidationError) as exc:
        _crisis(world, **data)
    assert field in exc.value.message_dict
    assert not Task.objects.exists() and not Notification.objects.exists()


def test_flags_show_on_every_page_about_the_person(world, client):
    from casebridge.contacts import services as contacts

    services.flag_set(
        actor=world.north.case_manager,
        person=world.north.client,
        kind="not_alone",
        note="Dog in the flat; visit in pairs",
        review_on=timezone.localdate() + timedelta(days=30),
    )
    contact = contacts.contact_record(
        actor=world.north.case_manager,
        person=world.north.client,
        data={"occurred_at": timezone.now(), "contact_type": "phone", "location": "remote"},
    )
    pk = world.north.client.pk
    client.force_login(world.north.case_manager)
    for url in [
        f"/people/{pk}/",
        f"/people/{pk}/contacts/",
        f"/people/{pk}/contacts/new/",
        f"/contacts/{contact.pk}/",
        f"/people/{pk}/timeline/",
        f"/assessments/person/{pk}/",
        f"/crisis/person/{pk}/",
        f"/people/{pk}/tasks/new/",
    ]:
        body = client.get(url).content.decode()
        assert "Do not visit alone" in body and "visit in pairs" in body, url
    client.force_login(world.north.users[Role.INTAKE_WORKER])
    assert "Do not visit alone" in client.get(f"/people/{pk}/").content.decode()
    client.force_login(world.south.case_manager)
    assert client.get(f"/api/persons/{pk}/flags").status_code == 404


def test_risk_flags_alert_and_flags_do_not_double(world):
    review = timezone.localdate() + timedelta(days=30)
    services.flag_set(
        actor=world.north.users[Role.SUPERVISOR],
        person=world.north.client,
        kind="suicide_risk",
        review_on=review,
    )
    assert [n.user for n in Notification.objects.all()] == [world.north.case_manager]
    with pytest.raises(ValidationError) as exc:
        services.flag_set(
            actor=world.north.case_manager,
            person=world.north.client,
            kind="suicide_risk",
            review_on=review,
        )
    assert "kind" in exc.value.message_dict
    flag = world.north.client.flags.get()
    with pytest.raises(ValidationError):
        services.flag_clear(actor=world.north.case_manager, flag=flag, reason="")
    services.flag_clear(actor=world.north.case_manager, flag=flag, reason="Reviewed, no risk")
    services.flag_set(
        actor=world.north.case_manager,
        person=world.north.client,
        kind="suicide_risk",
        review_on=review,
    )
    assert world.north.client.flags.count() == 2


def test_safety_plan_versions_freeze_when_current(world):
    with pytest.raises(ValidationError):
        services.safety_plan_activate(
            actor=world.north.case_manager,
            plan=services.safety_plan_draft(
                actor=world.north.case_manager,
                person=world.north.client,
                sections={"reasons": "My dog"},
            ),
        )
    first = services.safety_plan_draft(
        actor=world.north.case_manager, person=world.north.client, sections=SECTIONS
    )
    assert first.version == 1  # the draft is reused, not duplicated
    services.safety_plan_activate(actor=world.north.case_manager, plan=first)
    with pytest.raises(LockedError):
        services.safety_plan_activate(actor=world.north.case_manager, plan=first)
    first.sections = {**SECTIONS, "reasons": "changed"}
    with pytest.raises(FrozenRecordError):
        first.save()
    with pytest.raises(FrozenRecordError):
        SafetyPlan.objects.filter(pk=first.pk).update(sections={})
    second = services.safety_plan_draft(
        actor=world.north.case_manager,
        person=world.north.client,
        sections={**SECTIONS, "coping": "Walk the dog"},
    )
    assert second.version == 2
    services.safety_plan_activate(actor=world.north.case_manager, plan=second)
    first.refresh_from_db()
    assert first.status == "superseded"
    assert {key: text for key, text in first.sections.items() if text} == SECTIONS
    assert SafetyPlan.objects.get(status="active") == second
    with pytest.raises(ValidationError) as exc:
        services.safety_plan_draft(
            actor=world.north.case_manager, person=world.north.client, sections={"x": "y"}
        )
    assert "sections.x" in exc.value.message_dict


def test_safety_plan_pages_print_and_record_the_copy(world, client):
    client.force_login(world.north.case_manager)
    pk = world.north.client.pk
    response = client.post(f"/crisis/person/{pk}/safety-plan/", {**SECTIONS, "action": "activate"})
    assert response.status_code == 302
    plan = SafetyPlan.objects.get()
    page = client.get(f"/crisis/safety-plans/{plan.pk}/").content.decode()
    assert "My sister Ana" in page and "988" in page and "My safety plan" in page
    client.post(f"/crisis/safety-plans/{plan.pk}/", {"how": "Printed at the home visit"})
    plan.refresh_from_db()
    assert plan.shared_how == "Printed at the home visit" and plan.shared_at
    # A plan missing who to call keeps what was typed and says what to add.
    response = client.post(
        f"/crisis/person/{pk}/safety-plan/", {"reasons": "Typed reason", "action": "activate"}
    )
    assert response.status_code == 200 and "Typed reason" in response.content.decode()


def test_crisis_pages_and_api(world, client):
    client.force_login(world.north.case_manager)
    pk = world.north.client.pk
    when = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/crisis/person/{pk}/report/",
        {"kind": "overdose", "occurred_at": when, "description": "Narcan given by friend"},
    )
    assert response.status_code == 302
    api = client.get(f"/api/persons/{pk}/crisis-events").json()
    assert api[0]["kind"] == "overdose"
    timeline = client.get(f"/people/{pk}/timeline/?kind=crisis").content.decode()
    assert "Overdose" in timeline
    created = client.post(
        f"/api/persons/{pk}/crisis-events",
        json.dumps(
            {"kind": "eviction", "occurred_at": timezone.now().isoformat(), "description": "x"}
        ),
        content_type="application/json",
    )
    assert created.status_code == 201
    bad = client.post(
        f"/api/persons/{pk}/crisis-events",
        json.dumps({"kind": "eviction", "occurred_at": "yesterday", "description": "x"}),
        content_type="application/json",
    )
    assert bad.status_code == 422
    client.force_login(world.south.case_manager)
    assert client.get(f"/crisis/person/{pk}/").status_code == 404
    assert client.get(f"/api/crisis-events/{created.json()['id']}").status_code == 404
