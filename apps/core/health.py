from __future__ import annotations

from django.db import connection
from django.http import JsonResponse

from union_portal.celery import app as celery_app


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return "ok"
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        return f"down: {exc.__class__.__name__}"


def _broker() -> str:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
        return "ok"
    except Exception as exc:  # noqa: BLE001
        return f"down: {exc.__class__.__name__}"


def healthz(request):
    """200 {"database": "ok", "broker": "ok"}, or 503 naming what is down."""
    body = {"database": _database(), "broker": _broker()}
    ok = all(v == "ok" for v in body.values())
    return JsonResponse(body, status=200 if ok else 503)
