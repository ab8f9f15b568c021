import pytest
from django.core.cache import cache
from django.test import override_settings

from casebridge.core.models import AuditEvent
from casebridge.intake.models import Channel, Referral, ReferralStatus


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _form(**overrides):
    data = {
        "first_name": "Sam",
        "last_name": "Rivera",
        "phone": "555-0177",
        "reason": "I am about to lose my apartment",
        "consent_to_contact": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def test_self_referral_records_a_new_referral_and_shows_only_its_reference(world, client):
    response = client.post("/refer/north/", _form())
    assert response.status_code == 200
    referral = Referral.objects.get()
    assert referral.channel == Channel.SELF and referral.status == ReferralStatus.NEW
    assert referral.agency == world.north.agency and referral.person is None
    body = response.content.decode()
    assert referral.reference in body
    assert "Northclient" not in body and "Sam" not in body
    assert AuditEvent.objects.filter(object_id=str(referral.pk), actor=None).count() == 1


def test_a_known_name_reveals_nothing(world, client):
    """Even the name and phone of an existing client gets the same answer as anyone."""
    response = client.post(
        "/refer/north/", _form(first_name="Northclient", last_name="Secret", phone="555-0100")
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "already" not in body.lower() and "Northclient" not in body
    assert Referral.objects.get().person is None


@override_settings(SELF_REFERRAL_LIMIT=3)
def test_a_flood_gets_429(world, client):
    for _ in range(3):
        assert client.post("/refer/north/", _form()).status_code == 200
    response = client.post("/refer/north/", _form())
    assert response.status_code == 429
    assert Referral.objects.count() == 3


def test_honeypot_pretends_success_and_stores_nothing(world, client):
    response = client.post("/refer/north/", _form(website="http://spam.example"))
    assert response.status_code == 200
    assert b"we received your request" in response.content
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("first_name", "x" * 5000, "at most 100"),
        ("reason", "y" * 20_000, "at most 2000"),
        ("phone", "", "phone number or an email"),
        ("consent_to_contact", "", "Tick this box so we can contact you."),
    ],
)
def test_bad_input_is_refused_with_the_typed_values_kept(world, client, field, value, message):
    data = _form(**{field: value})
    if field == "phone":
        data["email"] = ""
    response = client.post("/refer/north/", data)
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert 'value="Rivera"' in body
    assert not Referral.objects.exists()


def test_script_is_stored_inert_and_rendered_escaped_to_staff(world, client):
    client.post(
        "/refer/north/",
        _form(first_name="<script>alert(1)</script>", reason="<img src=x onerror=alert(1)>"),
    )
    referral = Referral.objects.get()
    client.force_login(world.north.users["intake_worker"])
    body = client.get(f"/intake/{referral.pk}/").content.decode()
    assert "<script>alert(1)" not in body and "<img src=x" not in body
    assert "&lt;script&gt;" in body


def test_unknown_or_inactive_agency_is_404(world, client):
    assert client.get("/refer/nowhere/").status_code == 404
    world.south.agency.is_active = False
    world.south.agency.save()
    assert client.get("/refer/south/").status_code == 404
