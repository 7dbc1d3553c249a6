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
