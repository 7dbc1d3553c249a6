"""The cross-university booking journey on a phone (390 × 844): a 北大 teacher browses 清华's
gym, books a slot, sees the check-in QR code and downloads the .ics file; a slot that fills
while the page is open refuses the booking with the Chinese reason; no sideways scroll, no
CSP violation, no console error."""

from __future__ import annotations

import pytest

from apps.accounts.enums import Role
from apps.core.scoping import scopes_disabled
from apps.organizations.enums import OrgKind
from apps.organizations.services import organization_create
from apps.service_points import services
from apps.service_points.models import Booking
from tests.browser.conftest import PHONE
from tests.factories.orgs import PASSWORD, build_tree, make_user
from tests.service_points.factories import make_resource, make_slot


@pytest.fixture
def world(transactional_db):
    tree = build_tree()
    with scopes_disabled():
        pku = organization_create(parent=tree.root, code="U-PKU", name="北京大学工会", kind=OrgKind.UNIVERSITY)
    teacher = make_user("b_pku_teacher", pku, Role.TEACHER, password=PASSWORD)
    gym = make_resource(tree.tsinghua, name="清华综合体育馆", reserved_own=0)
    open_slot = make_slot(gym, capacity=3, in_hours=30)
    filling = make_slot(gym, capacity=1, in_hours=54)
    other = make_user("b_thu_teacher", tree.tsinghua, Role.TEACHER)
    return {"teacher": teacher, "gym": gym, "open": open_slot, "filling": filling, "other": other}


def log_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("form.form button[type=submit]")


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_pku_teacher_books_a_tsinghua_gym_slot_on_a_phone(world, live_server, new_page):
    base = live_server.url
    page = new_page(viewport=PHONE)
    log_in(page, base, "b_pku_teacher")
    page.click("text=服务阵地与预约")
    page.select_option("select[name=kind]", "gym")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    with page.expect_navigation():
        page.click("text=清华综合体育馆")
    assert no_sideways_scroll(page)
    with page.expect_navigation():
        page.locator(f"[data-testid=slot-{world['open'].pk}] button").click()
    assert "预约成功" in page.content()
    qr = page.locator("[data-testid=qr]")
    qr.wait_for()
    assert page.evaluate("document.querySelector('[data-testid=qr]').naturalWidth") > 0
    with page.expect_download() as download:
        page.click("[data-testid=ics]")
    body = open(download.value.path(), encoding="utf-8").read()
    assert "BEGIN:VEVENT" in body and "清华综合体育馆" in body
    assert no_sideways_scroll(page)

    # The other slot fills (a 清华 teacher books its last place) while the page is open.
    page.goto(f"{base}/services/resources/{world['gym'].pk}/")
    services.slot_book(slot=world["filling"], user=world["other"])
    with page.expect_navigation():
        page.locator(f"[data-testid=slot-{world['filling'].pk}] button").click()
    assert "该时段已约满，请选择其他时段。" in page.locator(".messages").inner_text()
    assert "已约满" in page.locator(f"[data-testid=slot-{world['filling'].pk}]").inner_text()
    with scopes_disabled():
        assert Booking.objects.filter(slot=world["filling"]).count() == 1
        assert Booking.objects.filter(user=world["teacher"]).count() == 1
    assert not page.log.problems(), page.log.summary(page.log.problems())
