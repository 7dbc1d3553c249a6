"""Uploaded files waiting for the confirm step, kept in the private file storage.

A file is named after a random token (never after anything the user typed) and is
*claimed* exactly once: the claim renames it atomically, so a double-submitted confirm
finds nothing to import the second time. Unconfirmed files are removed after a day.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import uuid

from django.core.files.storage import default_storage
from django.utils import timezone

FOLDER = "imports"
MAX_AGE = dt.timedelta(days=1)
TOKEN = re.compile(r"^[0-9a-f]{32}$")


def _name(token: str, state: str = "pending") -> str:
    if not TOKEN.match(token or ""):
        raise ValueError("bad upload token")
    return f"{FOLDER}/{token}.{state}.xlsx"


def store(upload) -> str:
    """Keep an uploaded file; returns its token."""
    prune()
    token = uuid.uuid4().hex
    if hasattr(upload, "seek"):
        upload.seek(0)
    saved = default_storage.save(_name(token), upload)
    if saved != _name(token):  # never expected for a fresh uuid; refuse rather than guess
        default_storage.delete(saved)
        raise RuntimeError("upload name collision")
    return token


def claim(token: str) -> str | None:
    """Take the file for importing: its storage name, or None when already taken or gone."""
    pending, claimed = _name(token), _name(token, "claimed")
    try:
        os.rename(default_storage.path(pending), default_storage.path(claimed))
    except FileNotFoundError:
        return None
    except NotImplementedError:  # a storage without local paths: best effort
        if not default_storage.exists(pending):
            return None
        with default_storage.open(pending, "rb") as handle:
            default_storage.save(claimed, handle)
        default_storage.delete(pending)
    return claimed


def open_stored(name: str):
    return default_storage.open(name, "rb")


def discard(token: str) -> None:
    for state in ("pending", "claimed"):
        default_storage.delete(_name(token, state))


def delete(name: str) -> None:
    default_storage.delete(name)


def prune() -> None:
    """Remove uploads nobody confirmed within MAX_AGE."""
    try:
        _, files = default_storage.listdir(FOLDER)
    except FileNotFoundError:
        return
    cutoff = timezone.now() - MAX_AGE
    for filename in files:
        name = f"{FOLDER}/{filename}"
        try:
            if default_storage.get_modified_time(name) < cutoff:
                default_storage.delete(name)
        except (FileNotFoundError, NotImplementedError):
            continue
