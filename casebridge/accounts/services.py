"""Writes about users and their access: API tokens, sign-in events."""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction

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
