"""The idle time-out holds without a session write per request: an ordinary request only reads
the session; the last-seen time is written at most once a minute; idle too long logs out."""

from __future__ import annotations

import time

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.middleware import SEEN_AT, TOUCH_EVERY
from tests.conftest import login

PAGE = "/api/v1/me/"


def session_writes(client, url=PAGE) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in captured
            if "django_session" in q["sql"] and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))]


def set_seen(client, when: float) -> None:
    session = client.session
    session[SEEN_AT] = when
    session.save()


def test_a_request_reads_the_session_without_writing_it(users):
    client = login(users["haidian"])
    client.get(PAGE)  # the first request stamps the log-in and last-seen times
    assert session_writes(client) == []
    assert session_writes(client, "/admin/") == []


def test_the_idle_clock_is_written_once_a_minute_and_renews_the_expiry(users):
    client = login(users["haidian"])
    client.get(PAGE)
    stale = time.time() - TOUCH_EVERY - 5
    set_seen(client, stale)
    assert len(session_writes(client)) == 1  # more than a minute: the last-seen time (and expiry) renewed
    assert client.session[SEEN_AT] > stale
    assert session_writes(client) == []  # and not again within the minute


def test_idle_longer_than_the_limit_logs_out(users):
    client = login(users["haidian"])
    client.get(PAGE)
    set_seen(client, time.time() - settings.SESSION_COOKIE_AGE - 5)
    assert client.get(PAGE).status_code in (401, 403)
    set_seen(client, time.time() - settings.SESSION_COOKIE_AGE + 120)  # control: within the limit
    client = login(users["haidian"])
    client.get(PAGE)
    set_seen(client, time.time() - settings.SESSION_COOKIE_AGE + 120)
    assert client.get(PAGE).status_code == 200
