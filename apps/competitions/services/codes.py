"""Random public codes: entry numbers (shown to judges in blind mode) and certificate
verification codes. Unambiguous letters only (no 0/O, 1/I/L)."""

from __future__ import annotations

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def random_code(*, length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def entry_code(*, edition) -> str:
    return f"{edition.series.code.upper()}{edition.number:02d}-{random_code(length=6)}"


def certificate_code() -> str:
    return random_code(length=12)
