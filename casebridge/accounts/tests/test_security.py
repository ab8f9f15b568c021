import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from cryptography.fernet import Fernet
from django.conf import settings
from django.contrib.auth.hashers import identify_hasher
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from casebridge.core.models import AuditAction, AuditEvent
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[3]


def test_production_settings_pass_check_deploy():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "casebridge.settings_production",
        "SECRET_KEY": "x" * 20 + "-production-secret-key-that-is-long-and-random-9f8e7d6c5b4a",
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "casebridge.example.org",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_a_missing_secret_key():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "casebridge.settings_production"}
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_passwords_are_hashed_with_argon2(world):
    assert identify_hasher(world.north.case_manager.password).algorithm == "argon2"


def test_sign_in_and_out_are_audited(world, client):
    user = world.north.case_manager
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN, actor=user).count() == 1
    client.post(reverse("logout"))
    assert AuditEvent.objects.filter(action=AuditAction.LOGOUT, actor=user).count() == 1


def test_login_is_throttled_after_repeated_failures(world, client):
    user = world.north.case_manager
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(reverse("login"), {"username": user.username, "password": "wrong"})
        assert response.status_code == 200
    response = client.post(reverse("login"), {"username": user.username, "password": "wrong"})
    assert response.status_code == 429
    # Locked now: even the right password is refused.
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 429
    assert b"Too many sign-in attempts" in response.content
    assert (
        AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).count()
        >= settings.AXES_FAILURE_LIMIT
    )
    assert not AuditEvent.objects.filter(action=AuditAction.LOGIN).exists()


def test_sessions_expire_when_idle(world, client):
    client.force_login(world.north.case_manager)
    assert client.get(reverse("caseload")).status_code == 200
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_COOKIE_AGE <= 60 * 60
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    # Idle past the limit: the server no longer honours the session.
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("caseload"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_security_headers_and_csp(world, client):
    client.force_login(world.north.case_manager)
    response = client.get(reverse("caseload"))
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_require_sign_in(client):
    response = client.get(reverse("caseload"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
