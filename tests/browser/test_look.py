"""Issue 13 §3–§5 in Chromium: every role's work pages on a phone (390×844) and a desktop.

On each page walked: the page's primary action is visible and the page does not scroll
sideways (``scrollWidth <= innerWidth``); no English UI word is shown (``english_words``);
axe-core finds no serious or critical violation; the console shows no error (CSP included).
One browser for the module, one context per role and viewport, a few pages per role.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from apps.accounts.enums import Role
from apps.accounts.models import User
from apps.competitions.enums import EditionStatus, EntryStatus, SheetStatus
from apps.competitions.services.judging import judge_assign
from apps.competitions.models import ScoreSheet
from apps.core.scoping import scope, scopes_disabled
from apps.honours.models import NominationCampaign, NominationQuota
from apps.legal_aid.services import consultation_ask, consultation_transition
from apps.organizations.enums import OrgKind
from apps.organizations.models import Organization
from apps.organizations.services import organization_create
from tests.browser.conftest import DESKTOP, PHONE
from tests.competitions.factories import make_edition, make_entry, make_judge, make_quota, make_teacher
from tests.factories.members import make_member
from tests.factories.orgs import build_tree, make_user
from tests.honours.factories import title

PASSWORD = "Look-pass-2026"
AXE = Axe()

# Words of an English UI (buttons, placeholders, empty states, theme strings). Names such as
# API, Excel, PDF or a username are not UI words and are not listed.
ENGLISH = re.compile(
    r"\b(Type to search|Select (?:value|all|action)|No results|results? found|Search|Submit|Cancel|Save|"
    r"Delete|Add|Filters?|Log ?in|Log ?out|Welcome|Choose file|No file chosen|Home|Not Found|Forbidden|"
    r"Server Error|Loading|Reset|Apply|Previous|Next|Actions?|Go back|Return to site|Page not found|"
    r"True|False|None|Yes|No|Dashboard|History|Change|View site|Recent|List|Instance|Api Root|Raw data|HTML form)\b"
)


def english_words(page) -> list[str]:
    """English UI words in the visible text, placeholders, titles and aria-labels."""
    text = page.evaluate("""() => {
        const bits = [document.body.innerText, document.title];
        document.querySelectorAll('[placeholder],[aria-label],[title],input[type=submit],input[type=button]')
            .forEach(el => bits.push(el.getAttribute('placeholder') || '', el.getAttribute('aria-label') || '',
                                     el.getAttribute('title') || '', el.value || ''));
        return bits.join('\\n');
    }""")
    return sorted(set(ENGLISH.findall(text)))


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def fully_in_view_horizontally(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]


def axe_problems(page) -> list[str]:
    results = AXE.run(page)
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


@pytest.fixture
def world(transactional_db):
    tree = build_tree()
    with scopes_disabled():
        pku = organization_create(parent=Organization.objects.get(pk=tree.root.pk), code="U-PKU",
                                  name="北京大学工会", kind=OrgKind.UNIVERSITY)
    edition = make_edition(name="第十四届北京高校青年教师教学基本功比赛", requires_course_title=True)
    group = edition.groups.get(code="science")
    make_quota(group, tree.tsinghua, 2)
    admin = make_user("admin", tree.root, Role.MUNICIPAL_ADMIN, password=PASSWORD)
    make_user("haidian", tree.haidian, Role.UNIT_ADMIN, password=PASSWORD)
    make_user("tsinghua", tree.tsinghua, Role.UNIT_ADMIN, password=PASSWORD)
    make_user("thu_clerk", tree.tsinghua, Role.UNIT_CLERK, password=PASSWORD)
    teacher_member = make_member(tree.tsinghua, name="李青")
    make_teacher(teacher_member, "teacher1", password=PASSWORD)
    own = make_entry(group, teacher_member, status=EntryStatus.SUBMITTED, course_title="微积分中的极限思想")
    other = make_entry(group, make_member(tree.tsinghua, name="王清"), status=EntryStatus.SUBMITTED,
                       course_title="线性代数的几何直观")
    # A second edition in judging: judge1 (北大) scores a 清华 entry there.
    judged = make_edition(number=13, year=2024, status=EditionStatus.JUDGING, name="第十三届北京高校青年教师教学基本功比赛")
    stage = judged.stages.get()
    scored = make_entry(judged.groups.get(), make_member(tree.tsinghua, name="赵明"), course_title="概率论初步")
    judge = make_judge("judge1", pku, password=PASSWORD)
    judge_assign(stage=stage, group=scored.group, judge=judge, actor=admin)
    today = dt.date.today()
    advanced_worker = title("beijing_advanced_worker")
    with scopes_disabled():
        campaign = NominationCampaign.objects.create(year=today.year, name=f"{today.year}年北京市先进评选",
                                                     opens_on=today - dt.timedelta(days=3),
                                                     closes_on=today + dt.timedelta(days=10))
        campaign.titles.set([advanced_worker])
        NominationQuota.objects.create(campaign=campaign, organization=tree.tsinghua, quota=2)
    # Legal aid: teacher1 asked a question that the centre assigned to lawyer1.
    lawyer = make_user("lawyer1", tree.root, Role.LAWYER, password=PASSWORD)
    asker = User.objects.get(username="teacher1")
    with scope(person="teacher", user_id=asker.pk):
        consultation, _ = consultation_ask(actor=asker, category="wages", title="绩效工资被扣发",
                                           question="本学期绩效工资被扣发一半，怎么办？")
    with scopes_disabled():
        consultation_transition(consultation=consultation, action="assign", actor=admin, lawyer=lawyer)
    return {"edition": edition, "stage": stage, "own": own, "other": other, "scored": scored, "campaign": campaign,
            "consultation": consultation}


def log_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    assert "/accounts/login/" not in page.url, page.locator("body").inner_text()


def walks(world) -> dict[str, list[tuple[str, str]]]:
    """role → [(path, CSS selector of the page's primary action)]."""
    own, stage, scored, campaign = world["own"], world["stage"], world["scored"], world["campaign"]
    review = f"table.work tr:has-text('{world['other'].code}') button.approve"
    return {
        "": [("/accounts/login/", "form.form button[type=submit]"), ("/competitions/signup/", "form button[type=submit]"),
             ("/competitions/verify/", "form button[type=submit]"), ("/no-such-page/", "h1")],
        "admin": [("/", "h1"), ("/api/v1/organizations/", "h1"), (f"/honours/campaigns/{campaign.pk}/", "a.button"),
                  ("/competitions/unit/", "h1"), ("/organizations/", "h1")],
        "haidian": [("/", "h1"), ("/honours/campaigns/", "h1"), ("/organizations/", "h1")],
        "tsinghua": [("/competitions/unit/", review), (f"/honours/campaigns/{campaign.pk}/", "[data-testid=nominate]")],
        "thu_clerk": [("/competitions/unit/", review), ("/honours/campaigns/", "[data-testid=campaigns] a")],
        "teacher1": [("/competitions/", "h1"), (f"/competitions/entries/{own.pk}/", "button.danger"),
                     ("/competitions/my-certificates/", "h1"), ("/legal-aid/", "[data-testid=ask]"),
                     ("/legal-aid/ask/", "form.form button[type=submit]")],
        "lawyer1": [("/legal-aid/", "[data-testid=consultations] a"),
                    (f"/legal-aid/{world['consultation'].pk}/", "[data-testid=post]")],
        "judge1": [("/competitions/judge/", "[data-testid=assignment] a"),
                   (f"/competitions/judge/stages/{stage.pk}/groups/{scored.group_id}/", "table.work td.actions a"),
                   (f"/competitions/judge/sheets/{scored.pk}/{stage.pk}/", "button[value=submit]")],
    }


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_every_role_walks_its_pages_in_chinese_accessibly_without_sideways_scroll(world, live_server, new_page,
                                                                                   viewport):
    problems = []
    for username, pages in walks(world).items():
        page = new_page(viewport=viewport)
        if username:
            log_in(page, live_server.url, username)
        for path, action in pages:
            page.goto(live_server.url + path)
            where = f"{username} {path}"
            target = page.locator(action).first
            if not target.is_visible():
                problems.append(f"{where}: primary action {action} not visible")
            elif not fully_in_view_horizontally(page, target):
                problems.append(f"{where}: primary action {action} needs sideways scrolling")
            if not no_sideways_scroll(page):
                problems.append(f"{where}: page scrolls sideways")
            if words := english_words(page):
                problems.append(f"{where}: English UI words {words}")
            problems += [f"{where}: axe {p}" for p in axe_problems(page)]
        missing = (live_server.url + "/no-such-page/",)  # the 404 page is walked on purpose
        problems += [f"{username}: console {e.kind} {e.text} @ {e.url}"
                     for e in page.log.problems(expected_404=missing)]
    assert not problems, "\n".join(problems)


def test_admin_pages_are_chinese_red_and_accessible(world, live_server, new_page):
    page = new_page(viewport=DESKTOP)
    page.goto(live_server.url + "/admin/login/")
    assert "欢迎回到" in page.locator("body").inner_text()
    assert english_words(page) == [], english_words(page)
    assert axe_problems(page) == []
    icon = page.locator("link[rel=icon]").first.get_attribute("href")
    assert icon.endswith("/favicon.svg"), icon
    problems = []
    for username, paths in (("admin", ("/admin/", "/admin/organizations/organization/", "/admin/competitions/entry/",
                                       "/admin/organizations/organization/add/")),
                            ("tsinghua", ("/admin/", "/admin/honours/nomination/add/"))):
        page = new_page(viewport=DESKTOP)
        page.goto(live_server.url + "/admin/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        with page.expect_navigation():
            page.click("button[type=submit]")
        for path in paths:
            response = page.goto(live_server.url + path)
            assert response.status == 200, (username, path, response.status)
            if words := english_words(page):
                problems.append(f"{username} {path}: English UI words {words}")
            problems += [f"{username} {path}: axe {p}" for p in axe_problems(page)]
        problems += [f"{username}: console {e.kind} {e.text} @ {e.url}" for e in page.log.problems()]
    # One palette: the theme's primary colour is the portal's red (#b91c1c = oklch(50.5% .213 27.518)).
    page.goto(live_server.url + "/admin/")
    primary = page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--color-primary-600')")
    assert "27.518" in primary, primary
    assert not problems, "\n".join(problems)


def test_irreversible_actions_ask_first_and_cancel_keeps_things(world, live_server, new_page):
    """提交评分 asks; 取消 leaves the sheet a draft; 确定 submits it. 撤回报名 asks too."""
    own, scored, stage = world["own"], world["scored"], world["stage"]
    page = new_page(viewport=PHONE)
    log_in(page, live_server.url, "judge1")
    page.goto(f"{live_server.url}/competitions/judge/sheets/{scored.pk}/{stage.pk}/")
    for field in page.locator("#score-form input[type=number]").all():
        field.fill("1")
    page.confirm_dialogs = False
    page.evaluate("window.__kept = 1")
    page.locator("button[value=submit]").click()
    assert page.dialogs and "不能再修改" in page.dialogs[-1]
    assert page.evaluate("window.__kept") == 1  # no navigation: nothing was sent
    with scopes_disabled():
        assert not ScoreSheet.objects.filter(entry=scored).exists()
    page.confirm_dialogs = True
    with page.expect_navigation():
        page.locator("button[value=submit]").click()
    with scopes_disabled():
        assert ScoreSheet.objects.get(entry=scored).status == SheetStatus.SUBMITTED
    teacher = new_page(viewport=PHONE)
    log_in(teacher, live_server.url, "teacher1")
    teacher.goto(f"{live_server.url}/competitions/entries/{own.pk}/")
    teacher.confirm_dialogs = False
    teacher.locator("button.danger").click()
    assert teacher.dialogs and "确定撤回报名" in teacher.dialogs[-1]
    own.refresh_from_db()
    assert own.status == EntryStatus.SUBMITTED
    assert page.log.problems() == [] and teacher.log.problems() == []


def test_the_checks_catch_what_they_look_for(new_page):
    """Controls: each check above fails on a page that has the problem."""
    page = new_page(viewport=PHONE)
    page.set_content('<html lang="zh-Hans"><head><title>测试</title></head><body><main><h1>标题</h1>'
                     '<input placeholder="Type to search"><img src="data:,">'
                     '<div style="width:2000px">宽</div><button id="far" style="margin-left:1500px">提交</button>'
                     '</main></body></html>')
    assert english_words(page) == ["Type to search"]
    assert any(p.startswith("image-alt") for p in axe_problems(page)), axe_problems(page)
    page.set_content('<html lang="zh-Hans"><head><title>测试</title></head><body><main><h1>标题</h1>'
                     '<select><option>一</option></select></main></body></html>')
    assert any(p.startswith("select-name") for p in axe_problems(page)), axe_problems(page)
    page.set_content('<html lang="zh-Hans"><body><div style="width:2000px">宽</div>'
                     '<button id="far" style="margin-left:1500px">提交</button></body></html>')
    assert not no_sideways_scroll(page)
    assert not fully_in_view_horizontally(page, page.locator("#far"))
