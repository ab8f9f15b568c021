"""Writes about users and their access: API tokens, sign-in events."""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from casebridge.accounts.models import ApiToken
from casebridge.core import audit, clock
from casebridge.core.models import AuditAction

TOKEN_PREFIX = "cb_"


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_create(
    *, actor, user, name: str, days_valid: int | None = 365
) -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns the token row and the secret, shown exactly once."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = clock.now() + timedelta(days=days_valid) if days_valid else None
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=secret[:10],
            digest=token_digest(secret),
            expires_at=expires_at,
        )
        audit.record(actor=actor, action=AuditAction.CREATE, obj=token, data={"user": str(user.pk)})
    return token, secret


def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    with transaction.atomic():
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit.record(
            actor=actor, action=AuditAction.UPDATE, obj=token, data={"fields": ["revoked_at"]}
        )
    return token


def api_token_authenticate(secret: str):
    """Return the active user owning ``secret``, or None."""
    if not secret or not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(secret), revoked_at__isnull=True)
        .first()
    )
    now = clock.now()
    if token is None or not token.user.is_active or (token.expires_at and token.expires_at <= now):
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def sign_in_record(*, user, succeeded: bool, username: str = "") -> None:
    with transaction.atomic():
        audit.record(
            actor=user if succeeded else None,
            action=AuditAction.LOGIN if succeeded else AuditAction.LOGIN_FAILED,
            object_type="accounts.user",
            object_id=str(user.pk) if succeeded else "",
            data={} if succeeded else {"username": username[:150]},
        )


def sign_out_record(*, user) -> None:
    with transaction.atomic():
        audit.record(
            actor=user,
            action=AuditAction.LOGOUT,
            object_type="accounts.user",
            object_id=str(user.pk),
        )


# Two-step sign-in (TOTP, RFC 6238) with single-use recovery codes.
RECOVERY_CODE_COUNT = 10


class MfaError(Exception):
    """The code was wrong, expired or already used."""


def _new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes; returns them (shown exactly once)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def mfa_enrolment_start(*, user) -> TOTPDevice:
    """A fresh, unconfirmed authenticator device for ``user`` (any earlier unconfirmed one goes)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
        audit.record(actor=user, action=AuditAction.CREATE, obj=device)
    return device


def mfa_enrolment_confirm(*, user, device_id, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the device with a code from the app; returns it with new recovery codes."""
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(pk=device_id, user=user, confirmed=False)
            .first()
        )
        if device is None or not device.verify_token(code.strip().replace(" ", "")):
            raise MfaError
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(user)
        audit.record(
            actor=user, action=AuditAction.UPDATE, obj=device, data={"fields": ["confirmed"]}
        )
    return device, codes


def mfa_verify(*, user, code: str):
    """The device that accepts ``code`` (authenticator or recovery code), or raise MfaError.

    Devices throttle themselves after failures (django-otp), and every attempt is audited.
    """
    code = code.strip().replace(" ", "").replace("-", "")
    with transaction.atomic():
        # Six digits are an authenticator code; anything else can only be a recovery code.
        kind = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
        device = None
        if code:
            device = next(
                (
                    candidate
                    for candidate in devices_for_user(user, confirmed=True, for_verify=True)
                    if isinstance(candidate, kind) and candidate.verify_token(code.lower())
                ),
                None,
            )
        audit.record(
            actor=user if device else None,
            action=AuditAction.LOGIN if device else AuditAction.LOGIN_FAILED,
            object_type="accounts.user",
            object_id=str(user.pk),
            data={"step": "two_step", "method": _method(device)},
        )
    if device is None:
        raise MfaError
    return device


def _method(device) -> str:
    if device is None:
        return "none"
    return "recovery_code" if isinstance(device, StaticDevice) else "authenticator"


def _user_changed(*, actor, user, what: str) -> None:
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="accounts.user",
        object_id=str(user.pk),
        data={"fields": [what]},
    )


def mfa_recovery_codes_regenerate(*, user) -> list[str]:
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        _user_changed(actor=user, user=user, what="recovery_codes")
    return codes


def mfa_reset_by_admin(*, actor, staff_id):
    """An agency administrator resets the two-step sign-in of one of their agency's staff."""
    from casebridge.accounts.selectors import staff_member_for_admin
    from casebridge.core.errors import NotVisible

    staff_member = staff_member_for_admin(actor, staff_id)
    if staff_member is None:
        raise NotVisible
    mfa_reset(actor=actor, user=staff_member)
    return staff_member


def mfa_reset(*, actor, user) -> None:
    """Remove a user's authenticator and recovery codes (lost phone); they set it up again."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        _user_changed(actor=actor, user=user, what="two_step_devices")
