"""Manual and generated tasks, snoozing, notifications, digests and the reminder job."""

import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from casebridge.accounts.models import Role
from casebridge.contacts.models import Contact
from casebridge.core import clock
from casebridge.tasks import rules, selectors, services
from casebridge.tasks.models import Notification, Task, TaskSource, TaskStatus

NEW_YORK = ZoneInfo("America/New_York")


def _add(world, actor=None, **data):
    values = {"title": "Call the landlord", "due_at": timezone.now() + timedelta(days=2)}
    values.update(data)
    return services.task_add(
        actor=actor or world.north.case_manager, person=world.north.client, data=values
    )


def test_a_task_for_someone_else_notifies_them(world):
    supervisor = world.north.users[Role.SUPERVISOR]
    task = _add(world, assignee=supervisor, priority="high")
    assert task.assignee == supervisor and task.source == TaskSource.MANUAL
    assert Notification.objects.get().user == supervisor
    assert "Northclient" not in Notification.objects.get().title


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": "  "}, "title"),
        ({"due_at": timezone.now() - timedelta(days=3)}, "due_at"),
        ({"priority": "whenever"}, "priority"),
    ],
)
def test_bad_tasks_are_refused(world, data, field):
    with pytest.raises(ValidationError) as exc:
        _add(world, **data)
    assert field in exc.value.message_dict
    assert not Task.objects.exists()


def test_assignee_must_be_care_staff_of_the_agency(world):
    with pytest.raises(ValidationError) as exc:
        _add(world, assignee=world.south.case_manager)
    assert "assignee" in exc.value.message_dict


def test_snoozed_tasks_wait_with_their_reason(world, monkeypatch):
    task = _add(world, due_at=timezone.now() + timedelta(hours=1))
    assert list(selectors.my_open_tasks(user=world.north.case_manager)) == [task]
    with pytest.raises(ValidationError) as exc:
        services.task_snooze(
            actor=world.north.case_manager, task=task, until=timezone.now(), reason=""
        )
    assert set(exc.value.message_dict) == {"until", "reason"}
    with pytest.raises(ValidationError):
        services.task_snooze(
            actor=world.north.case_manager,
            task=task,
            until=timezone.now() + timedelta(days=120),
            reason="x",
        )
    services.task_snooze(
        actor=world.north.case_manager,
        task=task,
        until=timezone.now() + timedelta(days=2),
        reason="Person in hospital",
    )
    assert list(selectors.my_open_tasks(user=world.north.case_manager)) == []
    snoozed = selectors.task_list(user=world.north.case_manager, view="snoozed")
    assert [t.snooze_reason for t in snoozed] == ["Person in hospital"]
    later = timezone.now() + timedelta(days=3)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert list(selectors.my_open_tasks(user=world.north.case_manager)) == [task]


def test_done_once(world):
    task = _add(world)
    services.task_complete(actor=world.north.case_manager, task=task, note="Sorted")
    assert task.status == TaskStatus.DONE and task.completion_note == "Sorted"
    with pytest.raises(ValidationError):
        services.task_complete(actor=world.north.case_manager, task=task)


def test_other_agencies_cannot_touch_tasks(world, client):
    task = _add(world)
    client.force_login(world.south.case_manager)
    assert client.post(f"/tasks/{task.pk}/done/").status_code == 404
    assert (
        client.post(f"/api/tasks/{task.pk}/done", "{}", content_type="application/json").status_code
        == 404
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


def test_task_pages_and_api(world, client):
    client.force_login(world.north.case_manager)
    url = f"/people/{world.north.client.pk}/tasks/new/"
    response = client.post(url, {"title": "", "due_at": "2026-13-45T99:00", "priority": "routine"})
    assert response.status_code == 200 and not Task.objects.exists()
    due = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        url,
        {
            "title": "Bring ID papers",
            "due_at": due,
            "priority": "high",
            "assignee": str(world.north.case_manager.pk),
        },
    )
    assert response.status_code == 302
    task = Task.objects.get()
    assert "Bring ID papers" in client.get("/tasks/").content.decode()
    response = client.post(
        f"/tasks/{task.pk}/snooze/",
        {
            "until": (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
            "reason": "Away",
        },
    )
    assert response.status_code == 302
    assert "Bring ID papers" not in client.get("/tasks/").content.decode()
    assert "Bring ID papers" in client.get("/tasks/?view=snoozed").content.decode()
    api = client.get("/api/tasks?view=snoozed").json()
    assert api["count"] == 1 and api["items"][0]["snooze_reason"] == "Away"
    created = client.post(
        "/api/tasks",
        json.dumps(
            {
                "person_id": str(world.north.client.pk),
                "title": "API task",
                "due_at": timezone.now().isoformat(),
            }
        ),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content


# --- generated tasks ----------------------------------------------------------------------


def test_generated_tasks_follow_standards_and_never_double(world):
    world.north.program.contact_standard = {"contacts_per_month": 4, "face_to_face_within_days": 14}
    world.north.program.save()
    today = date(2026, 11, 20)  # enrollment started 2026-01-10: no contact, no assessment
    created = rules.generate_due_tasks(today=today)
    assert created == Task.objects.count()
    north = Task.objects.filter(person=world.north.client)
    sources = sorted(north.values_list("source", flat=True))
    assert sources.count(TaskSource.CONTACT_DUE) == 2  # monthly pace and face to face
    assert TaskSource.REASSESSMENT_DUE in sources
    assert all(t.assignee == world.north.case_manager for t in north)
    assert rules.generate_due_tasks(today=today) == 0
    # Done this month stays done; next month the monthly check comes back.
    for task in north:
        services.task_complete(actor=world.north.case_manager, task=task)
    assert rules.generate_due_tasks(today=today) == 0
    rules.generate_due_tasks(today=date(2026, 12, 20))
    december = north.filter(status=TaskStatus.OPEN, source=TaskSource.CONTACT_DUE)
    assert [t.dedupe_key.endswith("2026-12") for t in december].count(True) == 1


def test_no_contact_task_when_the_standard_is_met(world):
    world.north.program.contact_standard = {"contacts_per_month": 1, "face_to_face_within_days": 14}
    world.north.program.save()
    Contact.objects.create(
        person=world.north.client,
        agency=world.north.agency,
        enrollment=world.north.enrollment,
        staff=world.north.case_manager,
        occurred_at=datetime(2026, 11, 18, 10, tzinfo=NEW_YORK),
        contact_type="face_to_face",
        location="office",
    )
    rules.generate_due_tasks(today=date(2026, 11, 20))
    north = Task.objects.filter(person=world.north.client)
    assert not north.filter(source=TaskSource.CONTACT_DUE).exists()
    assert Task.objects.filter(person=world.south.client, source=TaskSource.CONTACT_DUE).exists()


def test_digest_counts_without_names(world):
    world.north.case_manager.email = "cm@north.example.org"
    world.north.case_manager.save()
    _add(world, due_at=timezone.now() + timedelta(minutes=5))
    assert rules.send_digests() == 1
    assert mail.outbox[0].to == ["cm@north.example.org"]
    assert "1 task(s)" in mail.outbox[0].body and "Northclient" not in mail.outbox[0].body


def test_reminder_jobs_are_queued_in_the_database_and_run_by_the_worker(transactional_db, world):
    """Committed for real: the worker uses (and closes) its own database connection."""
    from django_tasks_db.models import DBTaskResult

    call_command("run_reminders")
    assert DBTaskResult.objects.count() == 2
    assert not Task.objects.exists()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    assert Task.objects.filter(source=TaskSource.REASSESSMENT_DUE).exists()


def test_reminder_command_runs_in_process(world):
    call_command("run_reminders", "--now")
    assert Task.objects.exists()


# --- notifications ------------------------------------------------------------------------


def test_bell_and_mark_read(world, client):
    _add(world, assignee=world.north.users[Role.SUPERVISOR])
    client.force_login(world.north.users[Role.SUPERVISOR])
    assert "1 new notification" in client.get("/notifications/").content.decode()
    client.post("/notifications/read/")
    assert Notification.objects.get().read_at is not None
    assert "1 new notification" not in client.get("/notifications/").content.decode()


def test_a_repeated_dedupe_key_returns_none_and_keeps_one_task(world):
    def make():
        return services.task_create(
            actor=None,
            person=world.north.client,
            agency_id=world.north.agency.pk,
            assignee=world.north.case_manager,
            title="Generated",
            due_at=timezone.now(),
            source=TaskSource.CONTACT_DUE,
            dedupe_key="contact_due:test",
        )

    assert make() is not None
    assert make() is None
    assert Task.objects.filter(dedupe_key="contact_due:test").count() == 1


def test_care_plan_tasks_follow_the_active_plan(world):
    from casebridge.plans import services as plans

    north = world.north
    rules.generate_due_tasks(today=date(2026, 11, 20))
    first = Task.objects.get(person=north.client, source=TaskSource.PLAN_REVIEW_DUE)
    assert first.title == "Write the care plan with the person"  # started in January, no plan
    plan = plans.plan_create(actor=north.case_manager, enrollment=north.enrollment)
    plans.goal_add(
        actor=north.case_manager, plan=plan, data={"domain": "housing", "statement": "A home"}
    )
    plans.plan_activate(actor=north.case_manager, plan=plan)
    plan.refresh_from_db()
    before_review = plan.next_review_on - timedelta(days=3)
    rules.generate_due_tasks(today=before_review)
    review = Task.objects.get(
        dedupe_key=f"plan_review_due:{north.enrollment.pk}:{plan.next_review_on}"
    )
    assert review.title == "Care plan review due"
