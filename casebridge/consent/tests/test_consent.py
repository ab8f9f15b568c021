"""The consent matrix: staff of another agency see exactly the categories a person agreed to
share with them, while the consent is active, over the web UI and the API; break-the-glass."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from casebridge.accounts.models import Role
from casebridge.consent import services
from casebridge.consent.models import BreakGlass, Category
from casebridge.core import clock
from casebridge.core.models import AuditAction, AuditEvent

SOUTH_CARE = [Role.CASE_MANAGER, Role.SUPERVISOR, Role.PROGRAM_MANAGER, Role.AGENCY_ADMIN]


@pytest.fixture
def records(world):
    """One record of each category for the north client."""
    from casebridge.assessments import services as assessments
    from casebridge.contacts import services as contacts
    from casebridge.crisis import services as crisis
    from casebridge.intake.models import Referral

    north = world.north
    assessments.instruments_load_bundled()
    response = assessments.assessment_start(
        actor=north.case_manager, person=north.client, instrument_code="phq2"
    )
    assessments.assessment_save(
        actor=north.case_manager, response=response, answers={"q1": 1, "q2": 1}, submit=True
    )
    contact = contacts.contact_record(
        actor=north.case_manager,
        person=north.client,
        data={"occurred_at": timezone.now(), "contact_type": "phone", "location": "remote"},
        note={"note_format": "free", "sections": {"text": "Northnote"}},
    )
    referral = Referral.objects.create(
        agency=north.agency,
        program=north.program,
        first_name="Northclient",
        last_name="Secret",
        source_type="hospital",
        reason="x",
        received_at=timezone.now(),
        person=north.client,
    )
    event = crisis.crisis_record(
        actor=north.case_manager,
        person=north.client,
        data={"kind": "eviction", "occurred_at": timezone.now(), "description": "Northcrisis"},
    )
    pid = north.client.pk
    return {
        Category.DEMOGRAPHICS: (f"/people/{pid}/", f"/api/persons/{pid}"),
        Category.ENROLLMENTS: (
            f"/enrollments/{north.enrollment.pk}/",
            f"/api/enrollments/{north.enrollment.pk}",
        ),
        Category.ASSESSMENTS: (f"/assessments/{response.pk}/", f"/api/assessments/{response.pk}"),
        Category.CONTACT_NOTES: (f"/contacts/{contact.pk}/", f"/api/contacts/{contact.pk}"),
        Category.REFERRALS: (f"/intake/{referral.pk}/", f"/api/referrals/{referral.pk}"),
        Category.HEALTH: (f"/crisis/{event.pk}/", f"/api/crisis-events/{event.pk}"),
    }


def _consent(world, categories, **data):
    values = {
        "recipient_agency": world.south.agency,
        "purpose": "care_coordination",
        "valid_from": clock.today(),
        "valid_until": clock.today() + timedelta(days=180),
        "evidence": "verbal",
        "witness": "Sam Witness",
    }
    values.update(data)
    return services.consent_record(
        actor=world.north.case_manager,
        person=world.north.client,
        data=values,
        categories=categories,
    )


def _sees(client, user, urls) -> tuple[bool, bool]:
    client.force_login(user)
    ui, api = urls
    return client.get(ui).status_code == 200, client.get(api).status_code == 200


@pytest.mark.parametrize(
    "shared", [c for c in Category.values if c not in ("plans", "substance_use")]
)
@pytest.mark.parametrize("state", ["active", "revoked", "expired", "none"])
def test_consent_matrix(world, records, client, shared, state, monkeypatch):
    if state != "none":
        directive = _consent(world, [shared])
        if state == "revoked":
            services.consent_revoke(
                actor=world.north.case_manager, directive=directive, reason="Withdrawn"
            )
        if state == "expired":
            later = timezone.now() + timedelta(days=200)
            monkeypatch.setattr(clock, "now", lambda: later)
    for role in [*SOUTH_CARE, Role.INTAKE_WORKER, Role.DATA_ANALYST]:
        user = world.south.users[role]
        for category, urls in records.items():
            ui, api = _sees(client, user, urls)
            expected = (
                state == "active"
                and category in (shared, Category.DEMOGRAPHICS)
                and (
                    role in SOUTH_CARE
                    or (role == Role.INTAKE_WORKER and category == Category.DEMOGRAPHICS)
                )
            )
            context = f"{role} / {category} with {shared} {state}"
            assert ui == expected, f"UI: {context}"
            assert api == expected, f"API: {context}"


def test_consented_person_appears_in_search_only_while_active(world, client):
    client.force_login(world.south.case_manager)
    assert b"Northclient" not in client.post("/people/", {"q": "northclient"}).content
    directive = _consent(world, [Category.ASSESSMENTS])
    client.force_login(world.south.case_manager)
    assert b"Northclient" in client.post("/people/", {"q": "northclient"}).content
    found = client.post(
        "/api/persons/search", {"q": "northclient"}, content_type="application/json"
    ).json()
    assert found["count"] == 1
    services.consent_revoke(actor=world.north.case_manager, directive=directive, reason="No")
    assert b"Northclient" not in client.post("/people/", {"q": "northclient"}).content


def test_program_limited_consent(world, records, client):
    _consent(world, [Category.ASSESSMENTS], recipient_program=world.south.other_program)
    assert _sees(client, world.south.case_manager, records[Category.ASSESSMENTS]) == (
        False,
        False,
    )
    _consent(world, [Category.ASSESSMENTS], recipient_program=world.south.program)
    assert _sees(client, world.south.case_manager, records[Category.ASSESSMENTS]) == (True, True)


@pytest.mark.parametrize(
    ("data", "categories", "field"),
    [
        ({"recipient_agency": None}, ["assessments"], "recipient_agency"),
        ({}, [], "categories"),
        ({}, ["gossip"], "categories"),
        ({"valid_until": None}, ["assessments"], "valid_until"),
        ({"valid_until": clock.today() + timedelta(days=2000)}, ["assessments"], "valid_until"),
        ({"witness": ""}, ["assessments"], "witness"),
        ({"evidence": "signed_form"}, ["assessments"], "evidence_file"),
    ],
)
def test_bad_consent_is_refused(world, data, categories, field):
    with pytest.raises(ValidationError) as exc:
        _consent(world, categories, **data)
    assert field in exc.value.message_dict


def test_own_agency_and_other_staff_cannot_record_consent(world):
    with pytest.raises(ValidationError):
        _consent(world, ["assessments"], recipient_agency=world.north.agency)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.consent_record(
            actor=world.south.case_manager,
            person=world.north.client,
            data={},
            categories=["assessments"],
        )


def test_signed_form_evidence_is_checked_and_served_only_to_the_agency(
    world, client, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    fake = SimpleUploadedFile("consent.pdf", b"MZ not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        services.consent_record(
            actor=world.north.case_manager,
            person=world.north.client,
            data={
                "recipient_agency": world.south.agency,
                "purpose": "housing",
                "valid_until": clock.today() + timedelta(days=30),
                "evidence": "signed_form",
            },
            categories=["enrollments"],
            evidence_file=fake,
        )
    assert "evidence_file" in exc.value.message_dict
    pdf = SimpleUploadedFile("consent.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    directive = services.consent_record(
        actor=world.north.case_manager,
        person=world.north.client,
        data={
            "recipient_agency": world.south.agency,
            "purpose": "housing",
            "valid_until": clock.today() + timedelta(days=30),
            "evidence": "signed_form",
        },
        categories=["enrollments"],
        evidence_file=pdf,
    )
    client.force_login(world.north.case_manager)
    response = client.get(f"/consent/{directive.pk}/evidence/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(world.south.case_manager)
    assert client.get(f"/consent/{directive.pk}/evidence/").status_code == 404


def test_consent_page_records_and_revokes(world, client):
    client.force_login(world.north.case_manager)
    url = f"/consent/person/{world.north.client.pk}/"
    response = client.post(
        url,
        {
            "recipient_agency": str(world.south.agency.pk),
            "categories": ["assessments", "contact_notes"],
            "purpose": "treatment",
            "valid_from": clock.today().isoformat(),
            "valid_until": (clock.today() + timedelta(days=90)).isoformat(),
            "evidence": "verbal",
            "witness": "",
        },
    )
    assert response.status_code == 200 and "Name the witness" in response.content.decode()
    assert (
        'value="contact_notes" checked'
        in response.content.decode().replace('id="id_categories_4" ', "")
        or "checked" in response.content.decode()
    )
    response = client.post(
        url,
        {
            "recipient_agency": str(world.south.agency.pk),
            "categories": ["assessments"],
            "purpose": "treatment",
            "valid_from": clock.today().isoformat(),
            "valid_until": (clock.today() + timedelta(days=90)).isoformat(),
            "evidence": "verbal",
            "witness": "Sam",
        },
    )
    assert response.status_code == 302
    directive = world.north.client.consents.get()
    assert sorted(directive.items.values_list("category", flat=True)) == [
        "assessments",
        "demographics",
    ]
    client.post(f"/consent/{directive.pk}/revoke/", {"reason": "Person withdrew"})
    directive.refresh_from_db()
    assert directive.status == "revoked"


# --- break the glass ----------------------------------------------------------------------


def test_break_glass_opens_for_four_hours_alerts_and_is_accounted(
    world, records, client, monkeypatch, django_capture_on_commit_callbacks
):
    world.north.agency.privacy_officer_email = "privacy@north.example.org"
    world.north.agency.save()
    south = world.south.case_manager
    assert _sees(client, south, records[Category.ASSESSMENTS]) == (False, False)
    with pytest.raises(ValidationError):
        services.break_glass(actor=south, person=world.north.client, reason="urgent")
    client.force_login(south)
    lookup = client.post(
        "/consent/emergency/", {"last_name": "secret", "date_of_birth": "1980-05-17"}
    ).content.decode()
    assert "Northclient" in lookup and "North Agency" in lookup
    assert AuditEvent.objects.filter(object_type="consent.emergencylookup", actor=south).exists()
    client.force_login(world.south.users[Role.DATA_ANALYST])
    analyst = client.post(
        "/consent/emergency/", {"last_name": "secret", "date_of_birth": "1980-05-17"}
    ).content.decode()
    assert "Northclient" not in analyst
    client.force_login(south)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/consent/emergency/{world.north.client.pk}/",
            {"reason": "Found unconscious at the shelter, need medication list"},
        )
    assert response.status_code == 302
    assert mail.outbox[0].to == ["privacy@north.example.org"]
    assert _sees(client, south, records[Category.ASSESSMENTS]) == (True, True)
    assert _sees(client, south, records[Category.HEALTH]) == (True, True)
    event = AuditEvent.objects.get(action=AuditAction.BREAK_GLASS)
    assert "unconscious" in event.reason
    client.force_login(world.north.case_manager)
    page = client.get(f"/consent/person/{world.north.client.pk}/disclosures/").content.decode()
    assert "Emergency access" in page and "unconscious" in page
    assert "cb-breakglass" in page
    later = timezone.now() + timedelta(hours=5)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert _sees(client, south, records[Category.ASSESSMENTS]) == (False, False)
    assert BreakGlass.objects.count() == 1


def test_views_by_other_agencies_are_in_the_accounting(world, records, client):
    _consent(world, [Category.CONTACT_NOTES])
    client.force_login(world.south.case_manager)
    client.get(records[Category.CONTACT_NOTES][0])
    client.force_login(world.north.case_manager)
    client.get(records[Category.CONTACT_NOTES][0])
    page = client.get(f"/consent/person/{world.north.client.pk}/disclosures/").content.decode()
    assert world.south.case_manager.display_name in page
    assert page.count("contacts.contact") == 1  # the holding agency's own views are not listed
    client.force_login(world.south.case_manager)
    assert client.get(f"/consent/person/{world.north.client.pk}/disclosures/").status_code == 404


def test_export_gives_the_person_everything_and_is_audited(world, records, client):
    import json

    client.force_login(world.north.case_manager)
    response = client.get(f"/consent/person/{world.north.client.pk}/export.json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["person"]["legal_first_name"] == "Northclient"
    assert data["person"]["ssn"] == "123-45-6789" and "ssn_digest" not in data["person"]
    assert data["notes"][0]["sections"] == {"text": "Northnote"}
    assert len(data["assessments"]) == 1 and len(data["crisis_events"]) == 1
    assert len(data["enrollments"]) == 1
    assert data["referrals_received"] == []  # the case manager may not see intake referrals
    event = AuditEvent.objects.get(action=AuditAction.EXPORT, person_id=world.north.client.pk)
    assert "notes" in event.data["sections"]
    client.force_login(world.north.users[Role.INTAKE_WORKER])
    assert client.get(f"/consent/person/{world.north.client.pk}/export.json").status_code == 403
    client.force_login(world.south.case_manager)
    assert client.get(f"/consent/person/{world.north.client.pk}/export.json").status_code == 404
