"""Warnings on the admin home page, registered by the apps (core imports none of them).

An app registers ``callback(request) -> list[str]`` in its AppConfig.ready(); the
dashboard shows every message returned for the acting user.
"""

from __future__ import annotations

from collections.abc import Callable

_callbacks: list[Callable] = []


def register_home_warning(callback: Callable) -> None:
    if callback not in _callbacks:
        _callbacks.append(callback)


def home_warnings(request) -> list[str]:
    messages: list[str] = []
    for callback in _callbacks:
        messages.extend(callback(request) or [])
    return messages
