"""法律援助 on a phone (390×844): a member asks from the phone; the municipal legal-aid centre
assigns lawyer1 in the admin; lawyer1 answers from the phone; the member reads the answer.
No console errors or CSP violations, no English UI words, no sideways scroll."""

from __future__ import annotations

import pytest

from apps.accounts.enums import Role
from apps.core.scoping import scopes_disabled
from apps.legal_aid.models import Consultation
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_look import english_words, no_sideways_scroll
from tests.factories.orgs import PASSWORD, build_tree, make_user


@pytest.fixture
def world(transactional_db):
    tree = build_tree()
    make_user("la_admin", tree.root, Role.MUNICIPAL_ADMIN, password=PASSWORD)
    make_user("la_member", tree.tsinghua, Role.TEACHER, password=PASSWORD)
    make_user("lawyer1", tree.root, Role.LAWYER, password=PASSWORD)
    return tree


def log_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    assert "/accounts/login/" not in page.url, page.locator("body").inner_text()


def check_phone(page, problems: list, where: str) -> None:
    if not no_sideways_scroll(page):
        problems.append(f"{where}: scrolls sideways")
    if words := english_words(page):
        problems.append(f"{where}: English UI words {words}")


def test_member_asks_admin_assigns_lawyer_answers_member_reads(world, live_server, new_page):
    base, problems = live_server.url, []
    member = new_page(viewport=PHONE)
    log_in(member, base, "la_member")
    member.goto(f"{base}/legal-aid/")
    check_phone(member, problems, "member /legal-aid/")
    with member.expect_navigation():
        member.click("[data-testid=ask]")
    check_phone(member, problems, "member ask")
    member.select_option("#id_category", "contract")
    member.fill("#id_title", "合同到期学校不续签")
    member.fill("#id_question", "我在学校工作满五年，合同到期学校不续签，能拿到经济补偿吗？")
    with member.expect_navigation():
        member.click("form.form button[type=submit]")
    assert "待分配律师" in member.locator("[data-testid=status]").inner_text()
    with scopes_disabled():
        consultation = Consultation.objects.get()

    admin = new_page(viewport=DESKTOP)
    log_in(admin, base, "la_admin")
    admin.goto(f"{base}/admin/legal_aid/consultation/{consultation.pk}/assign/")
    admin.select_option("#id_lawyer", label="lawyer1（lawyer1）")
    with admin.expect_navigation():
        admin.click("#legal-aid-submit")
    assert f"/admin/legal_aid/consultation/{consultation.pk}/change/" in admin.url, admin.content()[:1500]

    lawyer = new_page(viewport=PHONE)
    log_in(lawyer, base, "lawyer1")
    lawyer.goto(f"{base}/legal-aid/")
    check_phone(lawyer, problems, "lawyer /legal-aid/")
    with lawyer.expect_navigation():
        lawyer.click("[data-testid=consultations] a:has-text('合同到期学校不续签')")
    check_phone(lawyer, problems, "lawyer detail")
    lawyer.fill("#id_text", "劳动合同期满用人单位不续订的，应按工作年限支付经济补偿，您可主张五个月工资。")
    with lawyer.expect_navigation():
        lawyer.click("[data-testid=post]")
    assert "律师已答复" in lawyer.locator("[data-testid=status]").inner_text()

    member.goto(f"{base}/legal-aid/{consultation.pk}/")
    thread = member.locator("[data-testid=thread]").inner_text()
    assert "您可主张五个月工资" in thread, thread
    assert "律师已答复" in member.locator("[data-testid=status]").inner_text()
    check_phone(member, problems, "member reads the answer")
    for who, page in (("member", member), ("lawyer", lawyer), ("admin", admin)):
        problems += [f"{who}: {e.kind} {e.text} @ {e.url}" for e in page.log.problems()]
    assert not problems, "\n".join(problems)
