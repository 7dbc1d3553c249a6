"""Random public codes: entry numbers (shown to judges in blind mode) and certificate
verification codes. Unambiguous letters only (no 0/O, 1/I/L)."""

from __future__ import annotations

from apps.core.certificates import ALPHABET, random_code, verification_code

__all__ = ["ALPHABET", "random_code", "entry_code", "certificate_code"]


def entry_code(*, edition) -> str:
    return f"{edition.series.code.upper()}{edition.number:02d}-{random_code(length=6)}"


def certificate_code() -> str:
    """The portal's one kind of verification code (``apps/core/certificates.py``)."""
    return verification_code()
