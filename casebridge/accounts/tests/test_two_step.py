"""Two-step sign-in (TOTP): who must use it, setting it up, codes, recovery codes, reset."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from casebridge.accounts.checks import two_step_sign_in_required
from casebridge.accounts.models import Role
from casebridge.accounts.services import api_token_create
from casebridge.core.models import AuditAction, AuditEvent
from tests.factories import PASSWORD


@pytest.fixture
def required(settings):
    settings.MFA_REQUIRED = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    return settings


def sign_in(client, user, next_url=""):
    data = {"username": user.username, "password": PASSWORD}
    url = reverse("login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, data)


def current_code(user, ahead: int = 0) -> str:
    """The app's code now (``ahead`` = 1: the next one, as a code is accepted only once)."""
    device = TOTPDevice.objects.get(user=user)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=ahead)
    return f"{code:06d}"


def set_up(client, user) -> list[str]:
    """Walk the set-up page as the user; returns the recovery codes it shows."""
    page = client.get(reverse("two_step_setup"))
    assert page.status_code == 200
    response = client.post(reverse("two_step_setup"), {"code": current_code(user)})
    assert response.status_code == 200
    return response.context["codes"]


def test_a_case_manager_must_set_up_an_app_before_anything_else(world, client, required):
    user = world.north.case_manager
    response = sign_in(client, user, next_url="/people/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("two_step_setup"))
    assert "next=/people/" in response.url
    # Nothing else is reachable, in the UI or the session-authenticated API.
    assert client.get("/people/").url.startswith(reverse("two_step_setup"))
    assert client.get(f"/people/{world.north.client.pk}/").status_code == 302
    assert client.get("/api/persons").status_code == 401
    page = client.get(reverse("two_step_setup"))
    assert page.status_code == 200
    assert "data:image/svg+xml" in page.content.decode()
    assert TOTPDevice.objects.filter(user=user, confirmed=False).count() == 1


def test_setting_up_with_a_code_from_the_app_turns_it_on(world, client, required):
    user = world.north.case_manager
    sign_in(client, user)
    client.get(reverse("two_step_setup"))
    wrong = client.post(reverse("two_step_setup"), {"code": "000000"})
    assert "did not match" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    codes = set_up(client, user)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/people/").status_code == 200
    assert AuditEvent.objects.filter(
        object_type="otp_totp.totpdevice", action=AuditAction.UPDATE, actor=user
    ).exists()


def test_every_later_sign_in_asks_for_a_code(world, client, required):
    user = world.north.case_manager
    sign_in(client, user)
    set_up(client, user)
    client.post(reverse("logout"))

    response = sign_in(client, user)
    assert response.url.startswith(reverse("two_step_verify"))
    assert client.get("/people/").status_code == 302
    wrong = client.post(reverse("two_step_verify"), {"code": "123456"})
    assert wrong.status_code == 200
    assert "did not work" in wrong.content.decode()
    assert AuditEvent.objects.filter(
        action=AuditAction.LOGIN_FAILED, object_id=str(user.pk), data__step="two_step"
    ).exists()
    right = client.post(
        reverse("two_step_verify"), {"code": current_code(user, ahead=1), "next": "/people/"}
    )
    assert right.status_code == 302 and right.url == "/people/"
    assert client.get("/people/").status_code == 200


def test_a_recovery_code_works_once(world, client, required):
    user = world.north.case_manager
    sign_in(client, user)
    code = set_up(client, user)[0]
    client.post(reverse("logout"))

    sign_in(client, user)
    assert client.post(reverse("two_step_verify"), {"code": code.upper()}).status_code == 302
    assert client.get("/people/").status_code == 200
    client.post(reverse("logout"))

    sign_in(client, user)
    again = client.post(reverse("two_step_verify"), {"code": code})
    assert again.status_code == 200
    assert client.get("/people/").status_code == 302


def test_failed_codes_are_throttled(world, client, settings):
    settings.MFA_REQUIRED = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    user = world.north.case_manager
    sign_in(client, user)
    set_up(client, user)
    client.post(reverse("logout"))
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    sign_in(client, user)
    client.post(reverse("two_step_verify"), {"code": "000000"})
    # Even the right code is refused while the device cools down after a failure.
    response = client.post(reverse("two_step_verify"), {"code": current_code(user, ahead=1)})
    assert response.status_code == 200
    assert client.get("/people/").status_code == 302
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    response = client.post(reverse("two_step_verify"), {"code": current_code(user, ahead=1)})
    assert response.status_code == 302


def test_roles_without_clinical_data_are_not_forced_but_may_opt_in(world, client, required):
    analyst = world.north.users[Role.DATA_ANALYST]
    response = sign_in(client, analyst)
    assert not response.url.startswith("/two-step/")
    assert client.get(reverse("two_step_settings")).status_code == 200
    set_up(client, analyst)
    client.post(reverse("logout"))
    # Once set up, the code is asked for every time.
    assert sign_in(client, analyst).url.startswith(reverse("two_step_verify"))


def test_when_not_required_nobody_is_asked_unless_they_set_it_up(world, client, settings):
    settings.MFA_REQUIRED = False
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    user = world.north.case_manager
    assert sign_in(client, user).url == reverse("today")
    assert client.get("/people/").status_code == 200
    set_up(client, user)
    client.post(reverse("logout"))
    assert sign_in(client, user).url.startswith(reverse("two_step_verify"))


def test_a_code_is_accepted_only_once(world, client, required):
    user = world.north.case_manager
    sign_in(client, user)
    client.get(reverse("two_step_setup"))
    used = current_code(user)
    client.post(reverse("two_step_setup"), {"code": used})
    client.post(reverse("logout"))
    sign_in(client, user)
    assert client.post(reverse("two_step_verify"), {"code": used}).status_code == 200


def test_a_password_alone_cannot_replace_the_app(world, client, required):
    user = world.north.case_manager
    sign_in(client, user)
    set_up(client, user)
    client.post(reverse("logout"))
    sign_in(client, user)
    response = client.get(reverse("two_step_setup"))
    assert response.url.startswith(reverse("two_step_verify"))
    assert TOTPDevice.objects.filter(user=user).count() == 1
    assert client.post(reverse("two_step_recovery_codes")).status_code == 302


def test_new_recovery_codes_replace_the_old_ones(world, client, required):
    user = world.north.case_manager
    sign_in(client, user)
    old = set_up(client, user)
    response = client.post(reverse("two_step_recovery_codes"))
    new = response.context["codes"]
    assert not set(old) & set(new)
    client.post(reverse("logout"))
    sign_in(client, user)
    assert client.post(reverse("two_step_verify"), {"code": old[1]}).status_code == 200
    assert client.post(reverse("two_step_verify"), {"code": new[1]}).status_code == 302


def test_reset_after_a_lost_phone(world, client, required):
    user = world.north.case_manager
    sign_in(client, user)
    set_up(client, user)
    client.post(reverse("logout"))
    call_command("mfa_reset", user.username)
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert sign_in(client, user).url.startswith(reverse("two_step_setup"))
    assert AuditEvent.objects.filter(
        object_id=str(user.pk), data__fields=["two_step_devices"]
    ).exists()


def test_the_next_address_never_leaves_the_site(world, client, required):
    user = world.north.case_manager
    sign_in(client, user)
    client.get(reverse("two_step_setup"))
    response = client.post(
        reverse("two_step_setup") + "?next=https://evil.example/",
        {"code": current_code(user), "next": "https://evil.example/"},
    )
    assert response.context["next"] == reverse("today")


def test_bearer_tokens_are_not_sessions_and_are_not_asked(world, required):
    user = world.north.case_manager
    _, secret = api_token_create(actor=None, user=user, name="integration")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/api/persons").status_code == 200


def test_production_warns_when_two_step_sign_in_is_off(settings):
    settings.MFA_REQUIRED = False
    assert [w.id for w in two_step_sign_in_required(None)] == ["casebridge.W001"]
    settings.MFA_REQUIRED = True
    assert two_step_sign_in_required(None) == []


def test_an_agency_admin_sees_who_uses_it_and_can_reset_it(world, client, required):
    user = world.north.case_manager
    sign_in(client, user)
    set_up(client, user)
    client.post(reverse("logout"))

    admin = client_for(world.north.users[Role.AGENCY_ADMIN])
    page = admin.get(reverse("staff_list"))
    assert page.status_code == 200
    rows = {member.username: member.two_step_on for member in page.context["page"]}
    assert rows[user.username] is True
    assert rows[world.north.users[Role.INTAKE_WORKER].username] is False
    assert world.south.case_manager.username not in rows

    response = admin.post(reverse("staff_mfa_reset", args=[user.pk]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(
        actor=world.north.users[Role.AGENCY_ADMIN], object_id=str(user.pk)
    ).exists()
    assert sign_in(client, user).url.startswith(reverse("two_step_setup"))


def test_only_the_agencys_own_admin_can_reset(world, client, required):
    target = world.north.case_manager
    TOTPDevice.objects.create(user=target, name="app", confirmed=True)
    south_admin = client_for(world.south.users[Role.AGENCY_ADMIN])
    assert south_admin.post(reverse("staff_mfa_reset", args=[target.pk])).status_code == 404
    supervisor = client_for(world.north.users[Role.SUPERVISOR])
    assert supervisor.get(reverse("staff_list")).status_code == 403
    assert supervisor.post(reverse("staff_mfa_reset", args=[target.pk])).status_code == 403
    assert TOTPDevice.objects.filter(user=target).exists()


def test_the_staff_page_costs_the_same_queries_for_more_staff(world, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import staff

    admin = client_for(world.north.users[Role.AGENCY_ADMIN])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert admin.get(reverse("staff_list")).status_code == 200
        return len(queries)

    few = count()
    for i in range(12):
        member = staff(world.north.agency, Role.CASE_MANAGER, team=world.north.team)
        if i % 2:
            TOTPDevice.objects.create(user=member, name="app", confirmed=True)
    assert count() == few


def client_for(user) -> Client:
    """A signed-in session that has passed its second step, as the user's own would."""
    session = Client()
    sign_in(session, user)
    if session.get(reverse("two_step_setup")).status_code == 200:
        session.post(reverse("two_step_setup"), {"code": current_code(user)})
    return session
