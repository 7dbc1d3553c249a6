"""Shared plumbing for benchmarks: a throwaway database, timing, the closing JSON line.

Benchmarks are programs, not tests: each builds its own database (created and dropped
here, on the configured server: PostgreSQL when DATABASE_URL points at it), measures its
subject against a baseline in the same run, prints its figures and ends with one line
holding a JSON object of every figure.
"""

from __future__ import annotations

import json
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "union_portal.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


@contextmanager
def bench_database():
    """A fresh, migrated database for the run (test_<name>), dropped afterwards."""
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        yield connection.vendor
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def database_url() -> str:
    """The bench database as a DATABASE_URL, for the processes a benchmark starts (a Celery
    worker, gunicorn)."""
    from urllib.parse import quote

    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="") + (":" + quote(db["PASSWORD"], safe="") if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def dedicated_test_name(suffix: str) -> None:
    """The bench database has its own name, so it never clobbers a test run's test_<db>."""
    from django.conf import settings

    test = connection.settings_dict.setdefault("TEST", {})
    test["NAME"] = f"test_{settings.DATABASES['default']['NAME']}_{suffix}"


def best_of(fn, *, repeat: int = 5) -> float:
    """The fastest of ``repeat`` runs, in seconds (least disturbed by the machine)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def report(figures: dict) -> None:
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")
    print(json.dumps(figures, ensure_ascii=False, sort_keys=True))
