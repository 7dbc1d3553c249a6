"""The petitions journey in the browser: the municipal admin dispatches a 12351 order to
海淀 from the case's admin page; 海淀's admin finds it in the work queue, signs, records the
contact and replies; the municipal admin closes it and records the callback. Every step goes
through the admin's 办理操作 form (and so through case_transition)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from apps.accounts.enums import Role
from apps.core.scoping import scopes_disabled
from apps.petitions.models import Case, CaseEvent
from tests.factories.orgs import PASSWORD, build_tree, make_user
from tests.petitions.factories import make_case


@pytest.fixture
def world(transactional_db):
    from django.apps import apps

    from apps.petitions.reference import load_reference

    load_reference(apps.get_model)
    tree = build_tree()
    make_user("p_admin", tree.root, Role.MUNICIPAL_ADMIN, password=PASSWORD)
    make_user("p_haidian", tree.haidian, Role.UNIT_ADMIN, password=PASSWORD)
    case = make_case(received_at=timezone.now() - timezone.timedelta(minutes=30), petitioner_unit=tree.haidian)
    return {"tree": tree, "case": case}


def log_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("form.form button[type=submit]")


def move(page, base, case, action, **fields):
    page.goto(f"{base}/admin/petitions/case/{case.pk}/move/")
    page.select_option("#id_action", action)
    for name, value in fields.items():
        if name in ("unit", "satisfaction"):
            page.select_option(f"#id_{name}", value)
        else:
            page.fill(f"#id_{name}", value)
    with page.expect_navigation():
        page.click("#petition-submit")
    assert f"/admin/petitions/case/{case.pk}/change/" in page.url, page.content()[:2000]


def test_dispatch_sign_reply_close_callback(world, live_server, new_page):
    base, case, tree = live_server.url, world["case"], world["tree"]
    municipal = new_page()
    log_in(municipal, base, "p_admin")
    move(municipal, base, case, "dispatch", unit=str(tree.haidian.pk))
    unit = new_page()
    log_in(unit, base, "p_haidian")
    unit.goto(f"{base}/admin/petitions/case/work-queue/")
    assert case.title in unit.locator("[data-queue='待签收']").inner_text()
    move(unit, base, case, "sign")
    move(unit, base, case, "contact")
    move(unit, base, case, "reply", reply_text="已协调学校本月补发绩效工资。")
    unit.goto(f"{base}/admin/petitions/case/{case.pk}/change/")
    assert "已答复" in unit.content() and "138****8000" in unit.content() and "13800138000" not in unit.content()
    move(municipal, base, case, "close")
    move(municipal, base, case, "callback", satisfaction="satisfied", note="电话回访，诉求人满意")
    with scopes_disabled():
        case = Case.objects.get(pk=case.pk)
        actions = list(CaseEvent.objects.filter(case=case).order_by("at", "id").values_list("action", flat=True))
    assert case.status == "visited" and case.satisfaction == "satisfied"
    assert actions == ["receive", "dispatch", "sign", "contact", "reply", "close", "callback"]
    assert not municipal.log.problems() and not unit.log.problems(), municipal.log.summary(municipal.log.problems())
