"""A district administrator's journey: log in, see only her subtree, be refused the rest.

Runs against the real demo structure (``seed_demo``) on pytest-django's live server.
"""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from apps.accounts.demo import DEMO_PASSWORD
from apps.core.scoping import scopes_disabled
from apps.organizations.enums import OrgKind
from apps.organizations.models import Organization

SCREENSHOT = "/tmp/journey_orgs.png"


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo")
    with scopes_disabled():
        haidian = Organization.objects.get(code="D-HAIDIAN")
        chaoyang = Organization.objects.get(code="D-CHAOYANG")
        haidian_codes = set(Organization.objects.filter(code__startswith="D-HAIDIAN").values_list("code", flat=True))
        subtree_codes = set(
            Organization.objects.filter(path__startswith=haidian.path).values_list("code", flat=True)
        )
        other_districts = list(
            Organization.objects.filter(kind=OrgKind.DISTRICT).exclude(pk=haidian.pk).values_list("name", flat=True)
        )
        universities = list(Organization.objects.filter(kind=OrgKind.UNIVERSITY).values_list("name", flat=True))
        total = Organization.objects.count()
    # Sanity of the fixture itself: the subtree is the "D-HAIDIAN…" units, and there is
    # plenty outside it that must stay invisible.
    assert haidian_codes == subtree_codes and len(haidian_codes) > 1
    assert total > len(haidian_codes)
    assert "朝阳区教育工会" in other_districts and "清华大学工会" in universities
    return {
        "haidian": haidian,
        "chaoyang": chaoyang,
        "haidian_codes": haidian_codes,
        "other_districts": other_districts,
        "universities": universities,
    }


def test_district_admin_sees_only_her_subtree(live_server, page, demo):
    base = live_server.url
    login_url = f"{base}/accounts/login/"
    haidian, chaoyang = demo["haidian"], demo["chaoyang"]
    outsiders = demo["other_districts"] + demo["universities"]

    # 1. log in as the Haidian district administrator
    page.goto(login_url)
    page.fill("#id_username", "haidian")
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    assert page.url == f"{base}/"
    assert page.locator(".acting strong").inner_text().strip() == haidian.name == "海淀区教育工会"

    # 2. the organisations list: the Haidian subtree, nothing else
    response = page.goto(f"{base}/organizations/")
    assert response.status == 200
    rows = page.locator("#org-table tbody tr")
    shown_codes = [rows.nth(i).locator("td").nth(1).inner_text().strip() for i in range(rows.count())]
    assert set(shown_codes) == demo["haidian_codes"]
    assert len(shown_codes) == len(demo["haidian_codes"])
    count_text = page.get_by_text(re.compile(r"^共 \d+ 个单位$")).inner_text()
    assert count_text == f"共 {len(demo['haidian_codes'])} 个单位"
    table_text = page.locator("#org-table").inner_text()
    assert "海淀区教育工会" in table_text
    body_text = page.locator("body").inner_text()
    for name in outsiders:
        assert name not in body_text, f"{name} is outside the Haidian subtree but is listed"
    page.screenshot(path=SCREENSHOT, full_page=True)

    # 3. the admin changelist is scoped the same way
    response = page.goto(f"{base}/admin/organizations/organization/")
    assert response.status == 200
    admin_text = page.locator("body").inner_text()
    assert "海淀" in admin_text
    assert "朝阳" not in admin_text
    for name in outsiders:
        assert name not in admin_text

    # 4. a Chaoyang unit by URL is a 404, both on the portal and in the admin.
    # Positive control first: her own unit opens, so the 404 below is the scope's doing.
    response = page.goto(f"{base}/organizations/{haidian.code}/")
    assert response.status == 200
    assert haidian.name in page.locator("main").inner_text()

    chaoyang_detail = f"{base}/organizations/{chaoyang.code}/"
    response = page.goto(chaoyang_detail)
    assert response.status == 404
    assert "页面不存在" in page.locator("body").inner_text()
    assert chaoyang.name not in page.locator("body").inner_text()

    response = page.goto(f"{base}/admin/organizations/organization/{haidian.pk}/change/")
    assert response.status == 200
    chaoyang_change = f"{base}/admin/organizations/organization/{chaoyang.pk}/change/"
    response = page.goto(chaoyang_change)
    assert response.status == 404
    assert "页面不存在" in page.locator("body").inner_text()
    assert chaoyang.name not in page.locator("body").inner_text()

    # 5. log out with the top bar's POST button
    page.goto(f"{base}/")
    with page.expect_navigation():
        page.locator("header.topbar").get_by_role("button", name=re.compile("^退出")).click()
    assert page.url == login_url
    assert page.locator("#id_username").is_visible()
    response = page.goto(f"{base}/organizations/")
    assert page.url.startswith(login_url)
    assert "next=/organizations/" in page.url
    assert response.status == 200 and page.locator("#id_password").is_visible()

    # nothing went wrong in the browser along the way
    violations = page.log.csp_violations()
    assert not violations, "CSP violations:\n" + page.log.summary(violations)
    problems = page.log.problems(expected_404=(chaoyang_detail, chaoyang_change))
    assert not problems, "console errors:\n" + page.log.summary(problems)
