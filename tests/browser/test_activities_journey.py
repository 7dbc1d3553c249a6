"""The 北戴河 journey on a phone (390×844): ``teacher1`` sees the trip in 活动与服务, applies;
the window closes and the municipal admin draws (the admin's session action, with the seed
entered on the session); teacher1 waits with a position; the drawn colleague withdraws on
their phone (confirmation); teacher1 is promoted, sees the notice, and checks in by the
venue's QR code (the organiser's QR page gives the signed check-in address).

Set-up that is data, not a user's step, is written with the ORM: units, users, members, the
activity and its session, the colleague's application, the seed (chosen so the colleague is
drawn and teacher1 waits), the window's close."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from apps.accounts.enums import Role
from apps.activities.drawing import draw_compute
from apps.activities.enums import Allocation, ApplicationStatus as S
from apps.activities.models import Application, Session
from apps.activities.services import application_apply
from apps.core.scoping import scopes_disabled
from tests.activities.factories import make_activity
from tests.competitions.factories import make_teacher
from tests.factories.members import make_member
from tests.factories.orgs import build_tree, make_user

PASSWORD = "Journey-pass-2026"
PHONE = {"width": 390, "height": 844}
TRIP = "2026年优秀教职工北戴河疗休养"


@pytest.fixture
def world(transactional_db):
    tree = build_tree()
    make_user("admin", tree.root, Role.MUNICIPAL_ADMIN, password=PASSWORD)
    me = make_member(tree.tsinghua, name="李青")
    make_teacher(me, "teacher1", password=PASSWORD)
    colleague = make_member(tree.haidian, name="王海")
    make_teacher(colleague, "teacher2", password=PASSWORD)
    activity, session = make_activity(tree.root, title=TRIP, allocation=Allocation.DRAW, places=1,
                                      starts_on=timezone.localdate(), city_wide=True)
    with scopes_disabled():
        application_apply(session=session, member=colleague)
    return {"session": session, "activity": activity, "me": me, "colleague": colleague}


def log_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    assert "/accounts/login/" not in page.url


def body(page) -> str:
    return page.locator("body").inner_text()


def assert_phone_clean(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], "sideways scroll on a phone"
    problems = page.log.problems()
    assert not problems, page.log.summary(problems)


def test_apply_draw_wait_promote_and_check_in_by_qr(live_server, new_page, world):
    base, session = live_server.url, world["session"]

    # 1. teacher1 applies on the phone
    phone = new_page(viewport=PHONE)
    log_in(phone, base, "teacher1")
    with phone.expect_navigation():
        phone.get_by_role("link", name="活动与服务").first.click()
    assert TRIP in body(phone)
    with phone.expect_navigation():
        phone.get_by_role("link", name="去报名").click()
    with phone.expect_navigation():
        phone.get_by_role("button", name="报名本期").click()
    assert phone.dialogs == ["确定报名本期？"]
    assert "报名成功：已报名（待抽签）" in body(phone)
    assert_phone_clean(phone)

    # 2. the window closes; the admin draws with the seed entered on the session
    with scopes_disabled():
        frozen = [[a.pk, a.quota_unit] for a in Application._base_manager.filter(session=session).order_by("pk")]
        mine = Application._base_manager.get(member=world["me"])
        seed = next(f"journey-seed-{i:03d}" for i in range(200) if draw_compute(
            applicants=frozen, seed=f"journey-seed-{i:03d}", places=1, quotas={})["waitlist"] == [mine.pk])
        Session._base_manager.filter(pk=session.pk).update(draw_seed=seed)
        activity = world["activity"]
        activity.closes_at = timezone.now() - dt.timedelta(minutes=1)
        activity.save()
    admin = new_page()
    log_in(admin, base, "admin")
    admin.goto(f"{base}/admin/activities/session/")
    admin.locator(f"input.action-select[value='{session.pk}']").check()
    admin.select_option("select[name=action]", "draw")
    with admin.expect_navigation():
        admin.locator("button[name=index]").click()
    assert "已完成 1 个期次的抽签。" in body(admin)

    # 3. teacher1 waits with a position
    phone.goto(f"{base}/activities/")
    card = phone.locator(f"[data-testid=application-{mine.pk}]")
    assert "候补中" in card.inner_text() and "候补第 1 位" in card.inner_text()

    # 4. the drawn colleague withdraws on their phone (with the confirmation)
    other = new_page(viewport=PHONE)
    log_in(other, base, "teacher2")
    other.goto(f"{base}/activities/")
    with other.expect_navigation():
        other.get_by_role("button", name="退出报名").click()
    assert other.dialogs and "名额将递补" in other.dialogs[0]
    assert "已退出报名。" in body(other)

    # 5. teacher1 is promoted and told so
    phone.goto(f"{base}/activities/")
    card = phone.locator(f"[data-testid=application-{mine.pk}]")
    assert "已获名额" in card.inner_text() and "您已从候补递补获得" in card.inner_text()

    # 6. checks in by the venue's QR code (the organiser's page shows it)
    admin.goto(f"{base}/activities/sessions/{session.pk}/qr/")
    assert admin.locator("img[alt=签到二维码]").count() == 1
    url = admin.locator("[data-testid=checkin-url]").get_attribute("href")
    phone.goto(url)
    with phone.expect_navigation():
        phone.get_by_role("button", name="确认签到").click()
    assert "签到成功。" in body(phone)
    assert "已签到" in phone.locator(f"[data-testid=application-{mine.pk}]").inner_text()
    assert_phone_clean(phone)
    with scopes_disabled():
        assert Application._base_manager.get(pk=mine.pk).status == S.ATTENDED
