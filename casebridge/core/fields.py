"""Encrypted-at-rest text fields for identifiers (SSN, Medicaid id) and their blind index."""

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    keys = list(settings.FIELD_ENCRYPTION_KEYS)
    if not keys:
        derived = hashlib.sha256(("field-encryption:" + settings.SECRET_KEY).encode()).digest()
        keys = [base64.urlsafe_b64encode(derived).decode()]
    return MultiFernet([Fernet(key.encode() if isinstance(key, str) else key) for key in keys])


def blind_index(value: str) -> str:
    """A keyed digest of a normalised identifier: lets us find exact matches without decrypting."""
    normalised = "".join(ch for ch in value if ch.isalnum()).upper()
    key = hashlib.sha256(("blind-index:" + settings.SECRET_KEY).encode()).digest()
    return hmac.new(key, normalised.encode(), hashlib.sha256).hexdigest()


def mask(value: str, visible: int = 4) -> str:
    if not value:
        return ""
    clean = "".join(ch for ch in value if ch.isalnum())
    return "•" * max(len(clean) - visible, 3) + clean[-visible:]


class EncryptedTextField(models.TextField):
    """Stores a Fernet token; Python code sees plain text. Not searchable: use a blind index."""

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        try:
            return _fernet().decrypt(value.encode()).decode()
        except InvalidToken as exc:
            raise ValueError(
                "Encrypted field could not be decrypted with the configured keys."
            ) from exc

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return _fernet().encrypt(value.encode()).decode()
