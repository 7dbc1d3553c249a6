"""The honours journey in the browser, on the demo data:

a 清华 clerk nominates two members within the unit's quota of 2 and is refused a third with
a clear Chinese message; the municipal admin reviews one, puts it on public notice and —
once the notice period is over — approves it, and it appears on the roll; then the admin
previews the Spring Festival condolence batch, sees its totals and generates it.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.management import call_command

from apps.accounts.demo import DEMO_PASSWORD
from apps.accounts.enums import Role
from apps.accounts.services import role_assign, user_ensure
from apps.core.scoping import scope, scopes_disabled
from apps.honours import services
from apps.honours.allowance_models import AllowanceRun, AllowanceSchedule
from apps.honours.allowances import allowance_preview
from apps.honours.models import Honour, HonourTitle, Nomination, NominationCampaign, NominationQuota
from apps.honours.services import QUOTA_FULL
from apps.members.models import Member
from apps.organizations.models import Organization
from apps.payments.models import PaymentBatch

CAMPAIGN = "2026年清华大学先进工作者推荐（演示）"


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", members=1000)  # the roll needs 758 members (see apps/honours/demo.py)
    today = dt.date.today()
    with scopes_disabled():
        thu = Organization.objects.get(code="U-THU")
        clerk = user_ensure(username="thu_clerk", full_name="清华工会干事", password=DEMO_PASSWORD)
        role_assign(user=clerk, organization=thu, role=Role.UNIT_CLERK)
        campaign = NominationCampaign.objects.create(year=today.year, name=CAMPAIGN,
                                                     opens_on=today - dt.timedelta(days=3),
                                                     closes_on=today + dt.timedelta(days=10))
        campaign.titles.set([HonourTitle.objects.get(code="beijing_advanced_worker")])
        NominationQuota.objects.create(campaign=campaign, organization=thu, quota=2)
        nominees = list(Member.objects.filter(organization=thu, status="active", honours__isnull=True)
                        .exclude(bank_account="").order_by("id")[:3])
    assert len(nominees) == 3
    return {"campaign": campaign, "nominees": nominees, "today": today}


def log_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("form.form button[type=submit]")


def nominate(page, base, campaign, member):
    page.goto(f"{base}/admin/honours/nomination/add/")
    page.select_option("#id_campaign", label=campaign.name)
    page.select_option("#id_title", label="北京市先进工作者")
    page.select_option("#id_member", value=str(member.pk))
    page.fill("#id_deed_summary", f"{member.name}同志扎根教学一线，教书育人成绩突出。")
    with page.expect_navigation():
        page.get_by_role("button", name="提交推荐").click()
    return page.locator("body").inner_text()


def step(page, base, nomination_pk, suffix, fill=None):
    page.goto(f"{base}/admin/honours/nomination/{nomination_pk}/{suffix}/")
    for selector, value in (fill or {}).items():
        page.fill(selector, value)
    with page.expect_navigation():
        page.get_by_role("button", name="确认").click()
    return page.locator("body").inner_text()


def assert_clean(page):
    violations = page.log.csp_violations()
    assert not violations, "CSP violations:\n" + page.log.summary(violations)
    problems = page.log.problems()
    assert not problems, "console errors:\n" + page.log.summary(problems)


def test_nominate_within_quota_approve_after_notice_and_pay_the_spring_festival(
        live_server, new_page, demo, monkeypatch):
    base = live_server.url
    campaign, nominees, today = demo["campaign"], demo["nominees"], demo["today"]

    # 1. the 清华 clerk: two nominations fill the quota of 2, the third is refused
    clerk = new_page()
    log_in(clerk, base, "thu_clerk")
    assert "本单位名额剩余 1 个" in nominate(clerk, base, campaign, nominees[0])
    assert "本单位名额剩余 0 个" in nominate(clerk, base, campaign, nominees[1])
    refused = nominate(clerk, base, campaign, nominees[2])
    assert QUOTA_FULL in refused and "本单位本次评选的推荐名额已用完" in clerk.locator("[role=alert]").inner_text()
    with scopes_disabled():
        mine = list(Nomination.objects.filter(campaign=campaign).order_by("id"))
    assert [n.member_id for n in mine] == [nominees[0].pk, nominees[1].pk]
    first = mine[0]
    assert "已改为“基层已推荐”" in step(clerk, base, first.pk, "submit")
    assert_clean(clerk)

    # 2. the municipal admin: initial review, public notice, approval after the notice ended
    admin = new_page()
    log_in(admin, base, "admin")
    assert "已改为“市级初审通过”" in step(admin, base, first.pk, "review-pass")
    start, end = today, today + dt.timedelta(days=7)
    assert "已改为“公示中”" in step(admin, base, first.pk, "notice",
                                    {"#id_notice_start": start.isoformat(), "#id_notice_end": end.isoformat()})
    admin.goto(f"{base}/honours/notice/{campaign.pk}/")
    assert nominees[0].name in admin.locator("body").inner_text()
    early = step(admin, base, first.pk, "decide")
    assert "公示期尚未结束，不能批准" in early
    monkeypatch.setattr(services, "_today", lambda: end + dt.timedelta(days=1))  # the notice is over
    assert "已改为“已批准”" in step(admin, base, first.pk, "decide")
    admin.goto(f"{base}/admin/honours/honour/?q={nominees[0].name}")
    roll = admin.locator("#result_list").inner_text()
    assert nominees[0].name in roll and "北京市先进工作者" in roll and nominees[0].id_number not in roll
    with scopes_disabled():
        honour = Honour.objects.get(member=nominees[0], year=campaign.year)
        assert Nomination.objects.get(pk=first.pk).honour == honour

    # 3. the Spring Festival batch: preview totals, then generate
    with scopes_disabled():
        spring = AllowanceSchedule.objects.get(kind="spring_festival")
        root = Organization.objects.get(depth=1)
    with scope(paths=[root.path]):
        expected = allowance_preview(spring, "2026-春节")
    assert any(h.member_id == nominees[0].pk for h, _ in expected["entries"])  # the new honouree is paid
    admin.goto(f"{base}/admin/honours/allowanceschedule/{spring.pk}/generate-batch/")
    admin.fill("#id_period", "2026-春节")
    with admin.expect_navigation():
        admin.get_by_role("button", name="预览").click()
    assert admin.locator("#preview-count").inner_text() == str(expected["count"])
    assert admin.locator("#preview-sum").inner_text() == str(expected["sum"])
    assert expected["count"] == 759  # the demo's 758 model workers and the new one
    with admin.expect_navigation():
        admin.get_by_role("button", name="确认生成发放批次").click()
    assert re.search(r"已生成发放批次：759 笔", admin.locator("body").inner_text())
    with scopes_disabled():
        run = AllowanceRun.objects.get(schedule=spring, period="2026-春节")
        batch = PaymentBatch.objects.get(pk=run.batch_id)
    assert (batch.item_count, batch.total_amount) == (expected["count"], expected["sum"])
    assert_clean(admin)
