from casebridge.core.models import AuditEvent
from casebridge.enrollments.models import EnrollmentStatus


def test_case_manager_changes_care_team_through_the_ui(world, client):
    cm = world.north.case_manager
    colleague = world.north.users["supervisor"]
    client.force_login(cm)
    enrollment = world.north.enrollment
    url = f"/enrollments/{enrollment.pk}/edit/"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"primary_case_manager": cm.pk, "care_team": [colleague.pk], "intensity_tier": "high"}
    )
    assert response.status_code == 302
    enrollment.refresh_from_db()
    assert list(enrollment.care_team.all()) == [colleague]
    assert enrollment.intensity_tier == "high"
    event = AuditEvent.objects.filter(object_id=str(enrollment.pk)).last()
    assert event.data == {"fields": ["care_team", "intensity_tier"]}


def test_hold_requires_a_reason_and_keeps_the_enrollment_active(world, client):
    client.force_login(world.north.case_manager)
    enrollment = world.north.enrollment
    response = client.post(f"/enrollments/{enrollment.pk}/hold/", {"reason": ""})
    assert response.status_code == 200
    assert b"This field is required" in response.content
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.ACTIVE


def test_discharge_through_the_ui(world, client):
    client.force_login(world.north.case_manager)
    enrollment = world.north.enrollment
    response = client.post(
        f"/enrollments/{enrollment.pk}/discharge/",
        {
            "reason": "moved",
            "destination": "410",
            "end_date": "2026-03-01",
            "note": "",
            "aftercare": "Clinic in the new town.",
            "who_to_call": "Clinic 555-0199.",
            "summary": "Moved to be near family.",
            "action": "discharge",
        },
    )
    assert response.status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.DISCHARGED
    assert enrollment.destination == 410


def test_discharge_date_before_start_is_refused_with_the_typed_values_kept(world, client):
    client.force_login(world.north.case_manager)
    enrollment = world.north.enrollment
    response = client.post(
        f"/enrollments/{enrollment.pk}/discharge/",
        {"reason": "moved", "destination": "410", "end_date": "2025-01-01"},
    )
    assert response.status_code == 200
    assert b"cannot be before" in response.content
    assert b'value="2025-01-01"' in response.content
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.ACTIVE
