"""What competitions put in the work queue (apps/core/work_queue.py): units' entries to review,
judges' scoring tasks, teachers' own entries and certificates. Each is one or two aggregate queries."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse

from apps.accounts.permissions import PUBLISH_EDITION, REGISTER_ENTRY, SCORE_ENTRY
from apps.core.scoping import scopes_disabled
from apps.core.work_queue import QueueItem

from .enums import EditionStatus, EntryStatus, InvitationStatus, SheetStatus
from .models import Certificate, Entry, JudgeAssignment, ScoreSheet, TeacherAccount

SECTION = "青年教师赛事"


def _staff_items(user) -> list[QueueItem]:
    pending = Entry.objects.filter(status=EntryStatus.SUBMITTED).count()  # scoped: the acting subtree
    url = (reverse("admin:competitions_entry_changelist") + "?status__exact=submitted"
           if user.has_perm(PUBLISH_EDITION) else reverse("competitions:unit_review"))
    return [QueueItem("待审核参赛报名", pending, url, "教师已报名，等待单位审核", SECTION)]


def _judge_items(user) -> list[QueueItem]:
    with scopes_disabled():  # a judge's own assignments and sheets, filtered by judge below
        tasks = (JudgeAssignment.objects.filter(judge=user)
                 .exclude(stage__edition__status=EditionStatus.PUBLISHED).count())
        sheets = ScoreSheet.objects.filter(assignment__judge=user).aggregate(
            drafts=Count("id", filter=Q(status=SheetStatus.DRAFT)),
            submitted=Count("id", filter=Q(status=SheetStatus.SUBMITTED)))
    url = reverse("competitions:judge_home")
    return [
        QueueItem("评审任务", tasks, url, "分配给我的组别与赛段", SECTION),
        QueueItem("未提交的评分", sheets["drafts"], url, "已保存草稿、尚未提交", SECTION),
        QueueItem("已提交的评分", sheets["submitted"], url, "提交后锁定", SECTION),
    ]


def _teacher_items(user) -> list[QueueItem]:
    with scopes_disabled():  # the teacher's own member record, entries and certificates, filtered below
        member_id = TeacherAccount.objects.filter(user=user).values_list("member_id", flat=True).first()
        if member_id is None:
            return [QueueItem("绑定会员信息", 0, reverse("competitions:link"), "报名前先绑定本人会员信息", SECTION)]
        entries = (Entry.objects.filter(Q(member_id=member_id) | Q(
            team_members__member_id=member_id,
            team_members__status__in=(InvitationStatus.INVITED, InvitationStatus.ACCEPTED)))
            .exclude(status=EntryStatus.WITHDRAWN).values("id").distinct().count())
        certificates = Certificate.objects.filter(member_id=member_id).count()
    return [
        QueueItem("我的报名", entries, reverse("competitions:index"), "可报名的赛事与我的报名", SECTION),
        QueueItem("我的证书", certificates, reverse("competitions:my_certificates"), "获奖证书下载", SECTION),
    ]


def competitions_queue(user) -> list[QueueItem]:
    items: list[QueueItem] = []
    if user.has_perm("competitions.change_entry"):
        items += _staff_items(user)
    if user.has_perm(SCORE_ENTRY):
        items += _judge_items(user)
    if user.has_perm(REGISTER_ENTRY):
        items += _teacher_items(user)
    return items
