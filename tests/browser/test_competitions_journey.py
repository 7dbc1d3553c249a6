"""The 青教赛 journey in the browser (issue 6, section 5):

``teacher1`` (清华) registers for 理科 with a PDF lesson plan on the teacher pages; ``tsinghua``
(清华's unit admin) approves it on the unit review page, and the unit's quota of 1 refuses a
second 清华 teacher's entry with the Chinese message on the page; the municipal admin closes
registration (the edition list's action) so judging starts; ``judge1`` (北大) scores the entry
on the judge pages and the sheet is locked; the admin previews the prizes and publishes them
with the edition page's buttons; the teacher downloads the certificate PDF from 我的证书, and
a fresh browser with nobody logged in verifies it.

Set-up that is data, not a user's step, is written with the ORM: the units, users and
members, the edition with its group, stage and criteria, 清华's quota, the judge's assignment,
the prize rule (一等奖 1 名) and the second teacher's already-submitted entry. Aggregating the
final stage has no button of its own: "发布结果" runs it (``edition_publish`` calls
``stage_aggregate``), so publishing through the admin covers it.
"""

from __future__ import annotations

import re

import pytest

from apps.accounts.enums import Role
from apps.competitions.enums import EditionStatus, EntryStatus, PrizeLevel, SheetStatus
from apps.competitions.services.judging import judge_assign
from apps.competitions.models import Certificate, Criterion, Entry, PrizeRule, ScoreSheet
from apps.competitions.services.registration import quota_used_up
from apps.core.scoping import scopes_disabled
from apps.organizations.enums import OrgKind
from apps.organizations.models import Organization
from apps.organizations.services import organization_create
from tests.competitions.factories import make_edition, make_entry, make_judge, make_quota, make_teacher
from tests.factories.members import make_member
from tests.factories.orgs import build_tree, make_user

PASSWORD = "Journey-pass-2026"
EDITION = "第十四届北京高校青年教师教学基本功比赛"
COURSE = "微积分中的极限思想"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def world(transactional_db):
    tree = build_tree()
    with scopes_disabled():
        pku = organization_create(parent=Organization.objects.get(pk=tree.root.pk), code="U-PKU",
                                  name="北京大学工会", kind=OrgKind.UNIVERSITY)
    edition = make_edition(name=EDITION, requires_lesson_plan=True, requires_course_title=True)
    group = edition.groups.get(code="science")
    stage = edition.stages.get()
    make_quota(group, tree.tsinghua, 1)
    PrizeRule.objects.create(group=group, level=PrizeLevel.FIRST, count=1)

    admin = make_user("admin", tree.root, Role.MUNICIPAL_ADMIN, password=PASSWORD)
    make_user("tsinghua", tree.tsinghua, Role.UNIT_ADMIN, password=PASSWORD)
    teacher_member = make_member(tree.tsinghua, name="李青")
    make_teacher(teacher_member, "teacher1", password=PASSWORD)
    judge = make_judge("judge1", pku, password=PASSWORD)
    judge_assign(stage=stage, group=group, judge=judge, actor=admin)

    other = make_member(tree.tsinghua, name="王清")  # a second 清华 teacher, already registered
    make_teacher(other, "teacher2", password=PASSWORD)
    other_entry = make_entry(group, other, status=EntryStatus.SUBMITTED, course_title="线性代数的几何直观")
    return {"edition": edition, "group": group, "stage": stage, "member": teacher_member,
            "other_entry": other_entry}


def log_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    assert "/accounts/login/" not in page.url, page.locator("body").inner_text()


def body(page) -> str:
    return page.locator("body").inner_text()


def assert_clean(page):
    problems = page.log.problems()
    assert not problems, "CSP violations / console errors:\n" + page.log.summary(problems)


def entry_row(page, code: str):
    return page.locator("tr", has_text=code)


@pytest.mark.cjkfont
def test_register_approve_judge_publish_and_verify_the_certificate(live_server, new_page, world, tmp_path):
    base = live_server.url
    edition, group, stage = world["edition"], world["group"], world["stage"]

    # 1. teacher1 registers for 理科 with a PDF lesson plan
    teacher = new_page()
    log_in(teacher, base, "teacher1")
    teacher.goto(f"{base}/competitions/")
    assert "可报名的赛事" in body(teacher) and EDITION in body(teacher)
    with teacher.expect_navigation():
        teacher.locator(".cards a", has_text="理科").click()
    assert f"{EDITION} · 理科" in body(teacher) and "李青（清华大学工会）" in body(teacher)
    lesson_plan = tmp_path / "教案.pdf"
    lesson_plan.write_bytes(PDF)
    teacher.fill("#id_course_title", COURSE)
    teacher.set_input_files("#id_lesson_plan", str(lesson_plan))
    with teacher.expect_navigation():
        teacher.get_by_role("button", name="提交报名").click()
    assert "报名成功，请等待本单位工会审核。" in body(teacher)
    assert "已报名，待单位审核" in body(teacher)
    with scopes_disabled():
        entry = Entry.objects.get(edition=edition, member=world["member"])
    assert (entry.status, entry.course_title, entry.group_id) == (EntryStatus.SUBMITTED, COURSE, group.pk)
    assert entry.lesson_plan
    assert_clean(teacher)

    # 2. 清华's unit admin approves it; the quota of 1 then refuses the second teacher's entry
    unit = new_page()
    log_in(unit, base, "tsinghua")
    unit.goto(f"{base}/competitions/unit/")
    assert "审核参赛报名" in body(unit) and entry.code in body(unit)
    with unit.expect_navigation():
        entry_row(unit, entry.code).get_by_role("button", name="通过", exact=True).click()
    assert "已审核通过：李青（理科）" in body(unit)
    quota = unit.locator("[data-testid=quota-row]", has_text="清华大学工会").inner_text()
    assert re.search(r"清华大学工会\s+1\s+1\s+0", quota), quota
    other = world["other_entry"]
    with unit.expect_navigation():
        entry_row(unit, other.code).get_by_role("button", name="通过", exact=True).click()
    assert quota_used_up(used=1, quota=1) in body(unit)  # 本单位该组别推荐名额已用完（1/1）
    assert "本单位该组别推荐名额已用完" in unit.locator(".messages").inner_text()
    assert "已报名，待单位审核" in entry_row(unit, other.code).inner_text()
    with scopes_disabled():
        assert Entry.objects.get(pk=entry.pk).status == EntryStatus.APPROVED
        assert Entry.objects.get(pk=other.pk).status == EntryStatus.SUBMITTED
    assert_clean(unit)

    # 3. the municipal admin closes registration: 报名中 → 评审中 (the edition list's action)
    admin = new_page()
    log_in(admin, base, "admin")
    admin.goto(f"{base}/admin/competitions/edition/")
    admin.locator(f"input.action-select[value='{edition.pk}']").check()
    admin.select_option("select[name=action]", "close_registration")
    with admin.expect_navigation():
        admin.locator("button[name=index]").click()
    assert "已截止报名，进入评审" in body(admin)
    edition.refresh_from_db()
    assert edition.status == EditionStatus.JUDGING

    # 4. judge1 (北大) scores the 清华 entry: every criterion, submitted, then locked
    judge = new_page()
    log_in(judge, base, "judge1")
    judge.goto(f"{base}/competitions/judge/")
    assert "已提交 0 / 1" in body(judge)
    with judge.expect_navigation():
        judge.get_by_role("link", name=EDITION).click()
    assert entry.code in body(judge) and COURSE in body(judge)
    with judge.expect_navigation():
        entry_row(judge, entry.code).get_by_role("link", name="去评分").click()
    criteria = list(Criterion.objects.filter(stage=stage).order_by("order", "id"))
    marks = {"教学设计": "18", "课堂教学": "70.5", "教学反思": "4.5"}
    for criterion in criteria:
        judge.fill(f"#id_c{criterion.pk}", marks[criterion.name])
    with judge.expect_navigation():
        judge.get_by_role("button", name=re.compile("提交评分")).click()
    assert f"{entry.code} 的评分已提交。" in body(judge)
    assert "已提交 93.00 分" in entry_row(judge, entry.code).inner_text()
    with judge.expect_navigation():
        entry_row(judge, entry.code).get_by_role("link", name=re.compile("已提交")).click()
    assert "评分已提交并锁定，不能修改。" in body(judge)
    assert judge.locator("#score-form").count() == 0
    with scopes_disabled():
        sheet = ScoreSheet._base_manager.get(entry=entry)
    assert sheet.status == SheetStatus.SUBMITTED and sheet.total == 93
    assert_clean(judge)

    # 5. the admin previews the prizes, then publishes them from the edition page
    change = f"{base}/admin/competitions/edition/{edition.pk}/change/"
    admin.goto(change)
    with admin.expect_navigation():
        admin.get_by_role("link", name="预览获奖名单").click()
    preview = admin.locator("[data-testid=prize-preview]").inner_text()
    assert "李青" in preview and "清华大学工会" in preview and "一等奖" in preview and "93" in preview
    with scopes_disabled():
        assert not Certificate.objects.exists()  # a preview writes nothing
    admin.goto(change)
    with admin.expect_navigation():
        admin.get_by_role("link", name="发布结果").click()
    assert "李青" in admin.locator("[data-testid=edition-publish]").inner_text()
    admin.check("input[name=confirm]")
    with admin.expect_navigation():
        admin.get_by_role("button", name="确认发布结果").click()
    assert f"已发布“{EDITION}”的比赛结果。" in body(admin)
    edition.refresh_from_db()
    assert edition.status == EditionStatus.PUBLISHED
    assert_clean(admin)

    # 6. the teacher sees the approval, then downloads the certificate PDF from 我的证书
    teacher.goto(f"{base}/competitions/")
    assert teacher.locator("[data-testid=entry-status]").inner_text() == "单位已审核通过"
    teacher.goto(f"{base}/competitions/my-certificates/")
    with scopes_disabled():
        certificate = Certificate.objects.get(member=world["member"])
    row = entry_row(teacher, certificate.code).inner_text()
    assert EDITION in row and "理科" in row and "一等奖" in row
    with teacher.expect_download() as download:
        teacher.get_by_role("link", name="下载证书（PDF）").click()
    saved = tmp_path / "certificate.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    assert_clean(teacher)

    # 7. anyone, not logged in, verifies the certificate
    public = new_page()
    public.goto(f"{base}/competitions/verify/{certificate.code}/")
    facts = body(public)
    assert "该证书真实有效" in facts
    for label, value in (("获奖者", "李青"), ("赛事", EDITION), ("组别", "理科"), ("奖项", "一等奖"),
                         ("单位", "清华大学工会"), ("证书编号", certificate.code)):
        assert re.search(rf"{label}\s+{re.escape(value)}", facts), (label, facts)
    assert_clean(public)
