"""A contact records progress on the care-plan goals worked on, in the same transaction."""

import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from casebridge.contacts import services
from casebridge.contacts.models import Contact
from casebridge.plans import services as plans
from casebridge.plans.models import GoalProgress


@pytest.fixture
def goal(world):
    north = world.north
    plan = plans.plan_create(actor=north.case_manager, enrollment=north.enrollment)
    goal = plans.goal_add(
        actor=north.case_manager,
        plan=plan,
        data={"domain": "housing", "statement": "Get my own apartment"},
    )
    plans.plan_activate(actor=north.case_manager, plan=plan)
    goal.refresh_from_db()
    return goal


def _data(**extra):
    return {
        "occurred_at": timezone.now() - timedelta(minutes=10),
        "contact_type": "face_to_face",
        "location": "home_visit",
        **extra,
    }


def test_progress_is_recorded_with_the_contact(world, goal):
    contact = services.contact_record(
        actor=world.north.case_manager,
        person=world.north.client,
        data=_data(),
        goal_progress=[{"goal": goal, "achievement": "improving", "note": "Viewed a flat"}],
    )
    entry = GoalProgress.objects.get()
    assert entry.contact == contact and entry.achievement == "improving"
    goal.refresh_from_db()
    assert goal.achievement == "improving"


def test_a_bad_progress_row_loses_the_whole_contact(world, goal):
    with pytest.raises(ValidationError):
        services.contact_record(
            actor=world.north.case_manager,
            person=world.north.client,
            data=_data(),
            goal_progress=[{"goal": goal, "achievement": "teleported"}],
        )
    assert not Contact.objects.exists() and not GoalProgress.objects.exists()


def test_the_form_offers_the_active_goals(world, goal, client):
    client.force_login(world.north.case_manager)
    url = f"/people/{world.north.client.pk}/contacts/new/"
    assert "Get my own apartment" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "status": "completed",
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "contact_type": "phone",
            "location": "remote",
            f"goal_{goal.pk}": "no_change",
            "note_format": "dap",
            "action": "save",
        },
    )
    assert response.status_code == 302
    assert GoalProgress.objects.get().achievement == "no_change"


def test_api_records_goal_progress(world, goal, client):
    client.force_login(world.north.case_manager)
    response = client.post(
        "/api/contacts",
        json.dumps(
            {
                "person_id": str(world.north.client.pk),
                "occurred_at": timezone.now().isoformat(),
                "contact_type": "phone",
                "location": "remote",
                "goal_progress": [{"goal_id": str(goal.pk), "achievement": "achieved"}],
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    goal.refresh_from_db()
    assert goal.status == "achieved"
    client.force_login(world.south.case_manager)
    response = client.post(
        "/api/contacts",
        json.dumps(
            {
                "person_id": str(world.north.client.pk),
                "occurred_at": timezone.now().isoformat(),
                "contact_type": "phone",
                "location": "remote",
                "goal_progress": [{"goal_id": str(goal.pk), "achievement": "achieved"}],
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 404
