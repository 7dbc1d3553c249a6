from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from apps.accounts.enums import Role
from apps.accounts.middleware import LOGIN_AT
from apps.core.models import AuditLog
from apps.core.scoping import scopes_disabled
from tests.factories.orgs import PASSWORD, make_user

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def haidian_user(tree):
    return make_user("pw_haidian", tree.haidian, Role.UNIT_ADMIN, password=PASSWORD)


def csrf_client() -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    return client, client.cookies["csrftoken"].value


def test_login_needs_csrf_token(haidian_user):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "pw_haidian", "password": PASSWORD})
    assert response.status_code == 403
    client, token = csrf_client()
    response = client.post("/accounts/login/", {"username": "pw_haidian", "password": PASSWORD,
                                                "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    with scopes_disabled():
        assert AuditLog.objects.filter(action="auth.login", actor=haidian_user).count() == 1


def test_wrong_password_shows_chinese_error(haidian_user):
    client, token = csrf_client()
    response = client.post("/accounts/login/", {"username": "pw_haidian", "password": "nope",
                                                "csrfmiddlewaretoken": token})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_passwords_are_hashed_with_argon2(haidian_user):
    assert haidian_user.password.startswith("argon2")


def login_attempts(client, path, username, n, **extra):
    statuses = []
    for _ in range(n):
        token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
        statuses.append(client.post(path, {"username": username, "password": "wrong",
                                           "csrfmiddlewaretoken": token}, **extra).status_code)
    return statuses


def test_axes_locks_out_portal_login_even_with_right_password(haidian_user):
    client, token = csrf_client()
    statuses = login_attempts(client, "/accounts/login/", "pw_haidian", settings.AXES_FAILURE_LIMIT)
    assert statuses[-1] in (403, 429)
    response = client.post("/accounts/login/", {"username": "pw_haidian", "password": PASSWORD,
                                                "csrfmiddlewaretoken": token})
    assert response.status_code in (403, 429)
    assert "锁定" in response.content.decode()


def test_axes_locks_out_admin_login(haidian_user):
    client = Client(enforce_csrf_checks=True)
    client.get("/admin/login/")
    statuses = login_attempts(client, "/admin/login/", "pw_haidian", settings.AXES_FAILURE_LIMIT)
    assert statuses[-1] in (403, 429)


def test_axes_locks_out_api_token(haidian_user):
    client = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/api/v1/auth/token/", {"username": "pw_haidian", "password": "wrong"})
    response = client.post("/api/v1/auth/token/", {"username": "pw_haidian", "password": PASSWORD})
    assert response.status_code in (403, 429)
    assert "token" not in response.json() and "锁定" in response.json()["detail"]


def test_token_authenticates_and_is_scoped(haidian_user):
    client = APIClient()
    token = client.post("/api/v1/auth/token/", {"username": "pw_haidian", "password": PASSWORD}).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    data = client.get("/api/v1/organizations/").json()
    assert [o["code"] for o in data["results"]] == ["D-HAIDIAN", "D-HAIDIAN-S01"]
    assert client.get("/api/v1/organizations/D-CHAOYANG/").status_code == 404
    assert client.get("/api/v1/me/").json()["organization"] == "D-HAIDIAN"


def test_client_ip_behind_a_trusted_proxy(haidian_user, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    client, _ = csrf_client()
    login_attempts(client, "/accounts/login/", "pw_haidian", 1,
                   REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    with scopes_disabled():
        assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.7"]


def test_forwarded_for_is_ignored_without_a_trusted_proxy(haidian_user, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    client, _ = csrf_client()
    login_attempts(client, "/accounts/login/", "pw_haidian", 1,
                   REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["10.0.0.2"]


def test_absolute_session_timeout(haidian_user, settings):
    client = Client()
    client.force_login(haidian_user)
    assert client.get("/organizations/").status_code == 200
    session = client.session
    session[LOGIN_AT] = time.time() - settings.SESSION_ABSOLUTE_SECONDS - 1
    session.save()
    response = client.get("/organizations/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_idle_timeout_is_the_cookie_age():
    # renewed by SessionTimeoutMiddleware at most once a minute, not by a write per request
    # (tests/accounts/test_session_writes.py checks the behaviour)
    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    assert settings.SESSION_COOKIE_AGE == 30 * 60


def test_security_headers(client):
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def run_settings(env: dict) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "FIELD_ENCRYPTION_KEY")}
    return subprocess.run(
        [sys.executable, "-c", "import union_portal.settings as s; print(s.SESSION_COOKIE_SECURE, "
                               "s.SECURE_HSTS_SECONDS, s.CSRF_COOKIE_SECURE)"],
        cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=60,
    )


def test_production_refuses_a_missing_or_default_secret():
    missing = run_settings({"DEBUG": "0", "FIELD_ENCRYPTION_KEY": "k"})
    assert missing.returncode != 0 and "SECRET_KEY must be set" in missing.stderr
    default = run_settings({"DEBUG": "0", "FIELD_ENCRYPTION_KEY": "k",
                            "SECRET_KEY": "dev-insecure-union-portal-key-never-use-in-production"})
    assert default.returncode != 0 and "default or too short" in default.stderr
    no_key = run_settings({"DEBUG": "0", "SECRET_KEY": "s" * 10 + "x" * 50})
    assert no_key.returncode != 0 and "FIELD_ENCRYPTION_KEY" in no_key.stderr
    good = run_settings({"DEBUG": "0", "SECRET_KEY": "a1b2c3d4e5" * 6, "FIELD_ENCRYPTION_KEY": "k"})
    assert good.returncode == 0, good.stderr
    assert good.stdout.split() == ["True", str(365 * 24 * 3600), "True"]


def test_only_the_admin_allows_eval(users):
    from tests.conftest import login

    client = login(users["haidian"])
    admin_csp = client.get("/admin/")["Content-Security-Policy"]
    page_csp = client.get("/organizations/")["Content-Security-Policy"]
    assert "'unsafe-eval'" in admin_csp
    assert "'unsafe-eval'" not in page_csp and "script-src 'self'" in page_csp
