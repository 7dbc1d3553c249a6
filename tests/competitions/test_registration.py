"""Eligibility, registration, editing, withdrawal and the unit's review (services)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.competitions.services import registration as reg
from apps.competitions.selectors import quota_usage
from apps.competitions.services.eligibility import groups_eligible, member_check_eligible
from apps.competitions.enums import EditionStatus, EntryStatus
from apps.competitions.models import Entry, Group
from apps.competitions.services.registration import (
    GroupFull,
    entry_approve,
    entry_register,
    entry_reject,
    entry_update,
    entry_withdraw,
)
from apps.core.models import AuditLog
from apps.core.scoping import scope, scopes_disabled
from apps.members.services import member_change_status
from tests.competitions.factories import make_edition, make_entry, make_quota, make_teacher
from tests.factories.members import make_member, new_id_number

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="教案.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def docx(name="设计.docx"):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    return SimpleUploadedFile(name, buf.getvalue())


def messages_of(exc) -> list[str]:
    return exc.value.messages


def teacher(tree, name="李老师", org=None, **fields):
    member = make_member(org or tree.tsinghua, name=name, **fields)
    return member, make_teacher(member)


def simple_edition(**fields):
    fields.setdefault("requires_lesson_plan", False)
    return make_edition(**fields)


def entries(**filters):
    with scopes_disabled():
        return list(Entry.objects.filter(**filters))


# --- eligibility -------------------------------------------------------------------------


def test_eligible_groups_lists_open_groups_of_an_eligible_member(tree):
    edition = simple_edition(groups=(("文科", "arts"), ("理科", "science")))
    simple_edition(number=13, year=2024, status=EditionStatus.PUBLISHED)  # not open
    member = make_member(tree.tsinghua)
    groups = groups_eligible(member=member)
    assert [g.code for g in groups] == ["arts", "science"]
    assert all(g.edition_id == edition.pk for g in groups)


def test_age_over_the_limit_on_the_cutoff_is_refused(tree):
    edition = simple_edition(age_limit=40, age_cutoff=dt.date(2025, 12, 31))
    group = edition.groups.get()
    old = make_member(tree.tsinghua, name="老教师", id_number=new_id_number(birth=dt.date(1984, 12, 30)))
    young = make_member(tree.tsinghua, name="新教师", id_number=new_id_number(birth=dt.date(1985, 1, 1)))
    with pytest.raises(ValidationError) as exc:
        member_check_eligible(member=old, group=group)
    assert messages_of(exc) == ["年龄超过本届比赛上限（40 周岁，按 2025-12-31 计算）。"]
    member_check_eligible(member=young, group=group)  # exactly 40 on the cut-off: allowed
    assert groups_eligible(member=old) == [] and [g.pk for g in groups_eligible(member=young)] == [group.pk]


def test_participating_units_include_their_subtree(tree):
    edition = simple_edition()
    member = make_member(tree.tsinghua, name="清华教师")

    def group_with(units):
        with scopes_disabled():
            edition.participating_units.set(units)
        return Group.objects.get(edition=edition)  # a fresh look-up (unit paths are cached per edition object)

    with pytest.raises(ValidationError) as exc:
        member_check_eligible(member=member, group=group_with([tree.haidian]))
    assert messages_of(exc) == ["所在单位不在参赛范围内。"]
    member_check_eligible(member=member, group=group_with([tree.root]))  # a parent unit includes everything below it
    member_check_eligible(member=member, group=group_with([tree.tsinghua]))
    member_check_eligible(member=member, group=group_with([]))  # none chosen: every unit


def test_closed_or_not_yet_open_registration_is_refused(tree):
    now = timezone.now()
    closed = simple_edition(registration_opens=now - dt.timedelta(days=9), registration_closes=now - dt.timedelta(days=1))
    later = simple_edition(number=15, year=2026, registration_opens=now + dt.timedelta(days=1),
                           registration_closes=now + dt.timedelta(days=9))
    member = make_member(tree.tsinghua)
    with pytest.raises(ValidationError) as exc:
        member_check_eligible(member=member, group=closed.groups.get())
    assert messages_of(exc) == ["报名已截止。"]
    with pytest.raises(ValidationError) as exc:
        member_check_eligible(member=member, group=later.groups.get())
    assert messages_of(exc) == ["本届比赛尚未开始报名。"]


def test_an_inactive_member_is_not_eligible(tree):
    group = simple_edition().groups.get()
    member = make_member(tree.tsinghua)
    with scope(paths=[tree.tsinghua.path]):
        member = member_change_status(member=member, to_status="retired")
    with pytest.raises(ValidationError) as exc:
        member_check_eligible(member=member, group=group)
    assert "会籍状态" in messages_of(exc)[0]


# --- registering ---------------------------------------------------------------------------


def test_register_creates_one_entry_and_a_repeat_returns_it(tree):
    group = simple_edition().groups.get()
    member, user = teacher(tree)
    entry, created = entry_register(user=user, group=group, course_title="函数的极限")
    again, created_again = entry_register(user=user, group=group, course_title="别的题目")
    assert (created, created_again) == (True, False)
    assert again.pk == entry.pk and again.course_title == "函数的极限"
    assert entry.status == EntryStatus.SUBMITTED and entry.organization == tree.tsinghua
    assert entry.code.startswith("QJS14-")
    assert len(entries(member=member)) == 1
    with scopes_disabled():
        assert AuditLog.objects.filter(action="entry.register", object_id=str(entry.pk)).count() == 1


def test_register_needs_a_linked_teacher_account(tree, users):
    group = simple_edition().groups.get()
    with pytest.raises(ValidationError) as exc:
        entry_register(user=users["teacher"], group=group, course_title="题目")
    assert messages_of(exc) == [reg.NO_ACCOUNT]


def test_required_fields_follow_the_edition(tree):
    edition = make_edition(requires_course_title=True, requires_lesson_plan=True, requires_teaching_design=True,
                           requires_video=True)
    group = edition.groups.get()
    _member, user = teacher(tree)
    with pytest.raises(ValidationError) as exc:
        entry_register(user=user, group=group)
    assert exc.value.message_dict == {
        "course_title": ["请填写课程/题目。"], "video_url": ["请填写视频链接。"],
        "lesson_plan": ["请上传教案（PDF 或 Word）。"], "teaching_design": ["请上传教学设计（PDF 或 Word）。"],
    }
    with pytest.raises(ValidationError) as exc:
        entry_register(user=user, group=group, course_title="题目", video_url="javascript:alert(1)",
                       lesson_plan=pdf(), teaching_design=docx())
    assert exc.value.message_dict == {"video_url": [reg.BAD_URL]}
    assert entries() == []
    entry, created = entry_register(user=user, group=group, course_title="题目", video_url="https://v.example.cn/1",
                                    lesson_plan=pdf("我的教案.pdf"), teaching_design=docx("我的设计.docx"))
    assert created and entry.lesson_plan_name == "我的教案.pdf" and entry.teaching_design_name == "我的设计.docx"
    assert "我的" not in entry.lesson_plan.name and entry.lesson_plan.name.endswith(".pdf")
    assert entry.teaching_design.name.endswith(".docx")
    with entry.lesson_plan.open("rb") as f:
        assert f.read() == PDF


def test_uploads_are_checked_by_content_and_size(tree):
    group = make_edition(requires_lesson_plan=True).groups.get()
    _member, user = teacher(tree)
    with pytest.raises(ValidationError) as exc:
        entry_register(user=user, group=group, course_title="题目",
                       lesson_plan=SimpleUploadedFile("evil.pdf", b"MZ\x90\x00 not a pdf"))
    assert exc.value.message_dict == {"lesson_plan": ["只能上传 PDF 或 Word（.docx）文件。"]}
    big = pdf(content=PDF + b"0" * (10 * 1024 * 1024))
    with pytest.raises(ValidationError) as exc:
        entry_register(user=user, group=group, course_title="题目", lesson_plan=big)
    assert exc.value.message_dict == {"lesson_plan": ["文件不能超过 10 MB。"]}
    assert entries() == []


def test_a_full_group_refuses_with_group_full(tree):
    group = simple_edition(capacity=2).groups.get()
    users = [teacher(tree, name=f"教师{i}")[1] for i in range(3)]
    for user in users[:2]:
        entry_register(user=user, group=group, course_title="题目")
    with pytest.raises(GroupFull) as exc:
        entry_register(user=users[2], group=group, course_title="题目")
    assert exc.value.messages == ["本组报名名额已满"] and exc.value.code == "full"
    assert len(entries(group=group)) == 2
    # the first teacher's repeated submit still answers with their entry, full or not
    assert entry_register(user=users[0], group=group, course_title="题目")[1] is False


def test_withdraw_frees_the_place_and_registering_again_reactivates_the_entry(tree):
    edition = simple_edition(capacity=1, groups=(("文科", "arts"), ("理科", "science")))
    arts, science = edition.groups.order_by("order")
    _m, first = teacher(tree, name="甲")
    _m, second = teacher(tree, name="乙")
    entry, _ = entry_register(user=first, group=arts, course_title="题目")
    with pytest.raises(GroupFull):
        entry_register(user=second, group=arts, course_title="题目")
    with pytest.raises(ValidationError) as exc:
        entry_register(user=first, group=science, course_title="题目")
    assert messages_of(exc) == [reg.other_group(name="文科")]
    entry_withdraw(entry=entry, user=first)
    entry_register(user=second, group=arts, course_title="题目")
    again, created = entry_register(user=first, group=science, course_title="新题目")
    assert created and again.pk == entry.pk and again.group == science and again.status == EntryStatus.SUBMITTED
    assert len(entries(member=entry.member)) == 1
    with scopes_disabled():
        assert AuditLog.objects.filter(action="entry.withdraw", object_id=str(entry.pk)).count() == 1


def test_teacher_edits_until_the_deadline_and_only_while_submitted(tree):
    edition = simple_edition()
    group = edition.groups.get()
    _m, user = teacher(tree)
    entry, _ = entry_register(user=user, group=group, course_title="旧题目")
    entry = entry_update(entry=entry, user=user, course_title="新题目", supervisor_name="王导师", lesson_plan=pdf("新.pdf"))
    assert (entry.course_title, entry.supervisor_name, entry.lesson_plan_name) == ("新题目", "王导师", "新.pdf")
    with scopes_disabled():
        log = AuditLog.objects.filter(action="entry.update", object_id=str(entry.pk)).get()
    assert log.data["fields"] == ["course_title", "supervisor_name", "lesson_plan"]
    with pytest.raises(ValidationError) as exc:
        entry_update(entry=entry, user=user, course_title="")
    assert exc.value.message_dict == {"course_title": ["请填写课程/题目。"]}
    later = timezone.now() + dt.timedelta(days=8)
    for attempt in (lambda: entry_update(entry=entry, user=user, course_title="截止后", now=later),
                    lambda: entry_withdraw(entry=entry, user=user, now=later)):
        with pytest.raises(ValidationError) as exc:
            attempt()
        assert messages_of(exc) == ["报名已截止，不能修改"]
    with scopes_disabled():
        assert Entry.objects.get(pk=entry.pk).course_title == "新题目"
    make_quota(group, tree.tsinghua, 1)
    with scope(paths=[tree.tsinghua.path]):
        entry_approve(entry=entry, actor=None)
    with pytest.raises(ValidationError) as exc:
        entry_update(entry=entry, user=user, course_title="审核后")
    assert messages_of(exc) == [reg.ONLY_SUBMITTED_EDITABLE]


def test_only_the_teacher_edits_or_withdraws_their_entry(tree):
    group = simple_edition().groups.get()
    _m, owner = teacher(tree, name="甲")
    _m, other = teacher(tree, name="乙")
    entry, _ = entry_register(user=owner, group=group, course_title="题目")
    with pytest.raises(PermissionDenied):
        entry_update(entry=entry, user=other, course_title="改")
    with pytest.raises(PermissionDenied):
        entry_withdraw(entry=entry, user=other)


def test_after_the_deadline_registration_is_refused(tree):
    group = simple_edition().groups.get()
    _m, user = teacher(tree)
    with pytest.raises(ValidationError) as exc:
        entry_register(user=user, group=group, course_title="题目", now=timezone.now() + dt.timedelta(days=8))
    assert messages_of(exc) == ["报名已截止。"]


# --- the unit's review -------------------------------------------------------------------------


def test_approval_stays_within_the_unit_quota_and_is_idempotent(tree, users):
    group = simple_edition().groups.get()
    make_quota(group, tree.tsinghua, 2)
    made = [make_entry(group, make_member(tree.tsinghua, name=f"教师{i}"), status=EntryStatus.SUBMITTED)
            for i in range(3)]
    with scope(paths=[tree.tsinghua.path]):
        entry_approve(entry=made[0], actor=users["tsinghua"])
        entry_approve(entry=made[0], actor=users["tsinghua"])  # twice: counted once
        assert quota_usage(group=group, organization=tree.tsinghua) == {"quota": 2, "used": 1, "left": 1}
        entry_approve(entry=made[1], actor=users["tsinghua"])
        with pytest.raises(ValidationError) as exc:
            entry_approve(entry=made[2], actor=users["tsinghua"])
    assert messages_of(exc) == ["本单位该组别推荐名额已用完（2/2）"]
    assert [e.status for e in entries(group=group)] == ["approved", "approved", "submitted"]
    with scopes_disabled():
        assert AuditLog.objects.filter(action="entry.approve").count() == 2
        approved = Entry.objects.get(pk=made[0].pk)
    assert approved.decided_by == users["tsinghua"] and approved.decided_at is not None


def test_no_quota_row_means_no_places(tree, users):
    group = simple_edition().groups.get()
    entry = make_entry(group, make_member(tree.tsinghua), status=EntryStatus.SUBMITTED)
    with scope(paths=[tree.tsinghua.path]), pytest.raises(ValidationError) as exc:
        entry_approve(entry=entry, actor=users["tsinghua"])
    assert messages_of(exc) == ["本单位该组别推荐名额已用完（0/0）"]
    assert quota_usage(group=group, organization=tree.tsinghua) == {"quota": 0, "used": 0, "left": 0}


def test_reject_needs_a_reason_and_frees_an_approved_place(tree, users):
    group = simple_edition().groups.get()
    make_quota(group, tree.tsinghua, 1)
    first = make_entry(group, make_member(tree.tsinghua, name="甲"), status=EntryStatus.SUBMITTED)
    second = make_entry(group, make_member(tree.tsinghua, name="乙"), status=EntryStatus.SUBMITTED)
    with scope(paths=[tree.tsinghua.path]):
        entry_approve(entry=first, actor=users["tsinghua"])
        with pytest.raises(ValidationError) as exc:
            entry_reject(entry=first, actor=users["tsinghua"], reason=" ")
        assert exc.value.message_dict == {"reason": [reg.NEEDS_REASON]}
        entry_reject(entry=first, actor=users["tsinghua"], reason="材料不全")
        entry_approve(entry=second, actor=users["tsinghua"])
    rejected = entries(pk=first.pk)[0]
    assert (rejected.status, rejected.decision_reason) == ("rejected", "材料不全")
    assert quota_usage(group=group, organization=tree.tsinghua)["used"] == 1


def test_another_units_entry_cannot_be_decided(tree, users):
    group = simple_edition().groups.get()
    make_quota(group, tree.chaoyang, 3)
    entry = make_entry(group, make_member(tree.chaoyang), status=EntryStatus.SUBMITTED)
    with scope(paths=[tree.haidian.path]):
        with pytest.raises(PermissionDenied):
            entry_approve(entry=entry, actor=users["haidian"])
        with pytest.raises(PermissionDenied):
            entry_reject(entry=entry, actor=users["haidian"], reason="越权")
    assert entries(pk=entry.pk)[0].status == "submitted"


def test_a_withdrawn_entry_cannot_be_approved(tree, users):
    group = simple_edition().groups.get()
    make_quota(group, tree.tsinghua, 3)
    entry = make_entry(group, make_member(tree.tsinghua), status=EntryStatus.WITHDRAWN)
    with scope(paths=[tree.tsinghua.path]), pytest.raises(ValidationError) as exc:
        entry_approve(entry=entry, actor=users["tsinghua"])
    assert messages_of(exc) == [reg.NOT_REVIEWABLE]
