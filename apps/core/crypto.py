"""Personal data at rest: Fernet encryption and a keyed hash for look-ups.

``FIELD_ENCRYPTION_KEY`` holds one or more Fernet keys, comma-separated, newest first.
Values are encrypted with the first and decrypted with any (MultiFernet), so a key is
rotated by prepending the new one and running ``manage.py rotate_encryption_key``, which
re-encrypts every value and recomputes every look-up hash; then the old key is dropped.

Equality look-ups and uniqueness use an HMAC-SHA256 of the normalised value, keyed from
the primary key (HKDF), never the plaintext. In development with no key set, a key is
derived from the development SECRET_KEY (production refuses to start without one).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models


def _keys() -> list[bytes]:
    raw = settings.FIELD_ENCRYPTION_KEY
    if not raw:
        digest = hashlib.sha256(("field-encryption:" + settings.SECRET_KEY).encode()).digest()
        return [base64.urlsafe_b64encode(digest)]
    return [k.strip().encode() for k in raw.split(",") if k.strip()]


@lru_cache(maxsize=4)
def _fernet(keys: tuple[bytes, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k) for k in keys])


@lru_cache(maxsize=4)
def _hash_key(primary: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"union_portal", info=b"lookup-hash").derive(primary)


def encrypt(value: str) -> str:
    return _fernet(tuple(_keys())).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet(tuple(_keys())).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("cannot decrypt a personal-data field: wrong FIELD_ENCRYPTION_KEY?") from exc


def rotate(token: str) -> str:
    return _fernet(tuple(_keys())).rotate(token.encode()).decode()


def lookup_hash(value: str) -> str:
    return hmac.new(_hash_key(_keys()[0]), value.encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """Stores Fernet ciphertext; the model attribute is the plaintext (or "")."""

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else value
