"""Figures for the admin's home page: what the acting unit's subtree holds."""

from __future__ import annotations

from apps.organizations.enums import GRASSROOTS_KINDS

from .enums import JobStatus
from .models import Job


def dashboard_callback(request, context):
    from apps.members.enums import MemberStatus
    from apps.members.models import Member
    from apps.organizations.models import Organization

    acting = getattr(request.user, "acting", None)
    units = Organization.objects.all()  # scoped to the acting subtree
    context["portal_figures"] = [
        ("单位总数", units.count()),
        ("基层工会", units.filter(kind__in=GRASSROOTS_KINDS).count()),
        ("在会会员", Member.objects.filter(status=MemberStatus.ACTIVE).count()),
        ("进行中的后台任务", Job.objects.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).count()),
    ]
    if request.user.has_perm("competitions.view_entry"):
        from apps.competitions.selectors import entries_pending_count

        context["portal_figures"].append(("待审核参赛报名", entries_pending_count()))
    context["portal_acting"] = acting
    return context
