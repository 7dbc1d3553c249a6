"""从教30周年 in the browser: 清华's administrator confirms the 2025 roll (admin action); the
municipal administrator issues its certificates (admin action → the job page's progress bar
runs to 100 % on a real Celery worker), downloads one certificate's PDF from the honorees'
list, and anyone, not logged in, confirms its code on the public verification page."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from apps.accounts.enums import Role
from apps.core.scoping import scopes_disabled
from apps.milestones.enums import RollStatus
from apps.milestones.models import ThirtyYearHonoree, ThirtyYearRoll
from apps.milestones.services import roll_build
from tests.factories.members import make_member, new_id_number
from tests.factories.orgs import build_tree, make_user

PASSWORD = "Journey-pass-2026"
pytestmark = pytest.mark.cjkfont


@pytest.fixture
def world(transactional_db):
    tree = build_tree()
    for i, name in enumerate(("王一九", "李九五", "张三十")):
        make_member(tree.tsinghua, name=name, id_number=new_id_number(birth=dt.date(1971, 3, 1 + i)),
                    teaching_since=dt.date(1995, 9, 1))
    make_user("admin", tree.root, Role.MUNICIPAL_ADMIN, password=PASSWORD)
    make_user("tsinghua", tree.tsinghua, Role.UNIT_ADMIN, password=PASSWORD)
    with scopes_disabled():
        roll = roll_build(organization=tree.tsinghua, year=2025)
    return {"tree": tree, "roll": roll}


def log_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    assert "/accounts/login/" not in page.url, page.locator("body").inner_text()


def run_action(page, base, roll, action):
    page.goto(f"{base}/admin/milestones/thirtyyearroll/")
    page.locator(f"input.action-select[value='{roll.pk}']").check()
    page.select_option("select[name=action]", action)
    with page.expect_navigation():
        page.locator("button[name=index]").click()


def test_issue_download_and_verify_the_2025_certificates(live_server, new_page, world, celery_worker, tmp_path):
    base, roll = live_server.url, world["roll"]

    unit = new_page()
    log_in(unit, base, "tsinghua")
    run_action(unit, base, roll, "confirm_rolls")
    assert "已确认 1 份名单" in unit.locator("body").inner_text()
    with scopes_disabled():
        assert ThirtyYearRoll.objects.get(pk=roll.pk).status == RollStatus.CONFIRMED

    admin = new_page()
    log_in(admin, base, "admin")
    run_action(admin, base, roll, "issue_certificates")
    assert "/jobs/" in admin.url
    expect(admin.locator("#job-percent")).to_have_text("100", timeout=60_000)  # the progress bar's page polls
    assert admin.locator("#job-status").inner_text() == "已完成"
    assert admin.locator("#job-done").inner_text() == "3" and admin.locator("#job-total").inner_text() == "3"
    with scopes_disabled():
        assert ThirtyYearRoll.objects.get(pk=roll.pk).status == RollStatus.ISSUED
        honoree = ThirtyYearHonoree.objects.get(name="王一九")

    admin.goto(f"{base}/admin/milestones/thirtyyearhonoree/?q=王一九")
    with admin.expect_download() as download:
        admin.get_by_role("link", name="下载证书（PDF）").click()
    saved = tmp_path / "certificate.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF") and honoree.code in download.value.suggested_filename
    assert admin.log.problems() == [], admin.log.summary(admin.log.problems())

    public = new_page()
    public.goto(f"{base}/verify/")
    public.fill("#id_code", honoree.code.lower())
    with public.expect_navigation():
        public.get_by_role("button", name="查验").click()
    text = public.locator("body").inner_text()
    assert public.url.endswith(f"/verify/{honoree.code}/")
    assert "该证书真实有效" in text and "王一九" in text and "清华大学工会" in text and "从教30周年" in text
    assert public.log.problems() == [], public.log.summary(public.log.problems())
