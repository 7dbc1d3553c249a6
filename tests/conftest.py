from __future__ import annotations

import os

import tempfile  # noqa: E402

os.environ.setdefault("DEBUG", "1")
# Tests never share files or an embedded broker queue with a running `make run`.
_TMP = tempfile.mkdtemp(prefix="union-tests-")
os.environ.setdefault("MEDIA_ROOT", os.path.join(_TMP, "files"))
os.environ.setdefault("CELERY_FS_DIR", os.path.join(_TMP, "broker"))

import pytest  # noqa: E402
from django.test import Client  # noqa: E402

from apps.accounts.enums import Role  # noqa: E402
from apps.core.scoping import scope, scopes_disabled  # noqa: E402
from tests.factories.orgs import PASSWORD, build_tree, make_user  # noqa: E402


@pytest.fixture
def tree(db):
    return build_tree()


@pytest.fixture
def users(tree):
    """One user per role the access matrix walks, each in its own unit."""
    return {
        "municipal": make_user("t_admin", tree.root, Role.MUNICIPAL_ADMIN),
        "haidian": make_user("t_haidian", tree.haidian, Role.UNIT_ADMIN),
        "chaoyang": make_user("t_chaoyang", tree.chaoyang, Role.UNIT_ADMIN),
        "tsinghua": make_user("t_tsinghua", tree.tsinghua, Role.UNIT_ADMIN),
        "haidian_clerk": make_user("t_haidian_clerk", tree.haidian, Role.UNIT_CLERK),
        "teacher": make_user("t_teacher", tree.tsinghua, Role.TEACHER),
        "judge": make_user("t_judge", tree.haidian, Role.JUDGE),
    }


def login(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


@pytest.fixture
def as_user(users):
    """as_user("haidian") → a CSRF-enforcing client logged in as that role's user."""
    return lambda key: login(users[key])


@pytest.fixture
def unscoped():
    with scopes_disabled():
        yield


@pytest.fixture
def in_scope_of():
    return lambda org: scope(paths=[org.path])


@pytest.fixture
def password():
    return PASSWORD


def pytest_sessionstart(session):
    """CI must never fall back silently: with REQUIRE_SERVICES=1 the suite runs on
    PostgreSQL and Redis or not at all."""
    from django.conf import settings

    if os.environ.get("REQUIRE_SERVICES") == "1":
        engine = settings.DATABASES["default"]["ENGINE"]
        assert engine.endswith("postgresql"), f"REQUIRE_SERVICES=1 but the database is {engine}"
        assert settings.CELERY_BROKER_URL.startswith("redis://"), settings.CELERY_BROKER_URL


def _missing_services() -> dict[str, str]:
    """What the ``postgresql`` and ``services`` markers need that this run lacks."""
    import shutil
    from urllib.parse import urlsplit

    from django.conf import settings

    postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    broker = urlsplit(settings.CELERY_BROKER_URL)
    local_redis = (broker.scheme == "redis" and broker.hostname in ("127.0.0.1", "localhost", "::1")
                   and bool(shutil.which("redis-server")) and bool(shutil.which("redis-cli")))
    missing = {}
    if not postgres:
        missing["postgresql"] = "PostgreSQL"
    if not (postgres and local_redis):
        missing["services"] = "PostgreSQL and a local Redis (redis-server, redis-cli)"
    if not os.path.exists("/usr/bin/chromium"):
        missing["browser"] = "Debian's Chromium (apt-get install chromium)"
    if not _cjk_font():
        missing["cjkfont"] = "a CJK TrueType font (apt-get install fonts-wqy-zenhei, or CERTIFICATE_FONT)"
    return missing


def _cjk_font() -> bool:
    from django.core.exceptions import ImproperlyConfigured

    from apps.core.certificates import certificate_font_path

    try:
        return bool(certificate_font_path())
    except ImproperlyConfigured:
        return False


@pytest.hookimpl(trylast=True)  # after tests/browser marks its tests
def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgresql`` (races, triggers), ``services`` (a real worker process, a
    Redis restart), ``browser`` (Chromium) or ``cjkfont`` (certificate PDFs) cannot mean
    anything without those. They are
    never skipped: CI (REQUIRE_SERVICES=1, REQUIRE_BROWSER=1) refuses to start without them,
    and a local run without them leaves them out and says so at the end, by count and reason."""
    missing = _missing_services()
    left_out = [item for item in items if any(item.get_closest_marker(m) for m in missing)]
    if not left_out:
        return
    # Chromium and the CJK font are Debian packages .ci/run installs: REQUIRE_BROWSER asks for both.
    desktop = {"browser", "cjkfont"}
    required = set(missing) - desktop if os.environ.get("REQUIRE_SERVICES") == "1" else set()
    if os.environ.get("REQUIRE_BROWSER") == "1":
        required |= desktop & set(missing)
    if required:
        raise pytest.UsageError(f"REQUIRE_SERVICES/REQUIRE_BROWSER set but missing: {', '.join(sorted(missing[m] for m in required))}")
    config.hook.pytest_deselected(items=left_out)
    items[:] = [item for item in items if item not in left_out]
    config._services_left_out = (len(left_out), sorted(set(missing.values())))


def pytest_report_header(config):
    return [f"services: {'PostgreSQL + Redis' if not _missing_services() else 'embedded defaults'}"]


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    left = getattr(config, "_services_left_out", None)
    if left:
        terminalreporter.write_line(
            f"NOT RUN here: {left[0]} tests that need {' / '.join(left[1])} (CI runs them all).", yellow=True
        )


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker (in a thread of this process) consuming from the configured
    broker — Redis in CI, the embedded filesystem broker otherwise — against the test DB."""
    from celery.contrib.testing.worker import start_worker

    from union_portal.celery import app

    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30, loglevel="WARNING") as worker:
        yield worker


def wait_for(predicate, *, timeout: float = 60.0, interval: float = 0.2):
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("condition not met within the time limit")
