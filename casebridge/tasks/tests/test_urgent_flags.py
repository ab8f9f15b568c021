import pytest
from django.core import mail

from casebridge.accounts.models import Role
from casebridge.assessments import services as assessments
from casebridge.tasks.models import Task, TaskPriority, TaskStatus


@pytest.fixture
def instruments(db):
    assessments.instruments_load_bundled()


def _phq9(world, actor, item9, capture):
    response = assessments.assessment_start(
        actor=actor, person=world.north.client, instrument_code="phq9"
    )
    answers = {f"q{i}": 0 for i in range(1, 9)} | {"q9": item9}
    if item9:
        answers["difficulty"] = 1
    with capture(execute=True):
        assessments.assessment_save(actor=actor, response=response, answers=answers, submit=True)
    return response


def test_positive_item9_creates_an_urgent_task_and_alerts_cm_and_supervisor(
    world, instruments, django_capture_on_commit_callbacks
):
    north = world.north
    for user, address in [
        (north.case_manager, "cm@north.example.org"),
        (north.users[Role.SUPERVISOR], "sup@north.example.org"),
    ]:
        user.email = address
        user.save()
    assessor = north.users[Role.PROGRAM_MANAGER]
    _phq9(world, assessor, 1, django_capture_on_commit_callbacks)
    task = Task.objects.get()
    assert task.priority == TaskPriority.URGENT and task.assignee == north.case_manager
    assert task.source == "assessment:suicide_risk" and task.status == TaskStatus.OPEN
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == ["cm@north.example.org", "sup@north.example.org"]
    assert "Northclient" not in mail.outbox[0].body


def test_no_flag_no_task_no_mail(world, instruments, django_capture_on_commit_callbacks):
    _phq9(world, world.north.case_manager, 0, django_capture_on_commit_callbacks)
    assert not Task.objects.exists() and mail.outbox == []


def test_the_task_shows_on_the_caseload_and_can_be_done(
    world, instruments, client, django_capture_on_commit_callbacks
):
    _phq9(world, world.north.case_manager, 2, django_capture_on_commit_callbacks)
    client.force_login(world.north.case_manager)
    page = client.get("/caseload/").content.decode()
    assert "Follow up now: Thoughts of death or self-harm" in page
    task = Task.objects.get()
    assert client.post(f"/tasks/{task.pk}/done/").status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    client.force_login(world.south.case_manager)
    assert client.post(f"/tasks/{task.pk}/done/").status_code == 404
