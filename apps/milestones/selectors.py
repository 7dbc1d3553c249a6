"""Reads of 从教30周年 and milestones: who qualifies, who lacks a date, a member's own certificates."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from apps.members.enums import EmploymentType, MemberStatus
from apps.members.models import Member
from apps.organizations.enums import OrgKind
from apps.organizations.models import Organization

from .enums import TEACHING_YEARS
from .models import ThirtyYearHonoree

YOUNGEST_START = 21  # nobody starts teaching before the 21st birthday (the registry's rule)


def thirty_universities() -> QuerySet:
    """The universities (高等学校工会) of the acting scope, which keep a 从教30周年 roll."""
    return Organization.objects.filter(kind=OrgKind.UNIVERSITY, is_active=True).order_by("path")


def _working(queryset: QuerySet) -> QuerySet:
    return queryset.filter(status=MemberStatus.ACTIVE).exclude(employment_type=EmploymentType.RETIRED)


def thirty_eligible(*, organization, year: int) -> QuerySet:
    """The unit's working members whose teaching reaches 30 years in ``year``."""
    return _working(Member.objects.filter(organization=organization,
                                          teaching_since__year=year - TEACHING_YEARS)).order_by("name", "id")


def thirty_missing_dates(*, organization, year: int) -> QuerySet:
    """Working members of the unit without a 从教日期 who could have taught 30 years by ``year``
    (born early enough): the unit should complete their date."""
    latest_birth = dt.date(year - TEACHING_YEARS - YOUNGEST_START, 12, 31)
    return _working(Member.objects.filter(organization=organization, teaching_since__isnull=True,
                                          birth_date__lte=latest_birth)).order_by("name", "id")


def my_certificates(*, user) -> list[dict]:
    """The signed-in member's own commemorative certificates (从教30周年), newest first, for
    the member's page "我的慰问与帮扶": title, year, unit, code, PDF address. Empty for a user
    who is not linked to a member (or before the certificates are issued)."""
    from django.urls import reverse

    from apps.core.scoping import scopes_disabled

    if not getattr(user, "is_authenticated", False):
        return []
    with scopes_disabled():  # the user's own linked member record only (filtered on the user below)
        rows = (ThirtyYearHonoree.objects.filter(member__teacher_account__user=user, code__isnull=False)
                .select_related("roll__organization").order_by("-roll__year", "-id"))
        return [{"title": f"{h.roll.year}年从教30周年纪念证书", "year": h.roll.year, "name": h.name,
                 "unit": h.roll.organization.name, "code": h.code, "issued_at": h.issued_at,
                 "pdf_url": reverse("milestones:certificate_pdf", args=[h.code]),
                 "verify_url": reverse("certificates:verify_code", args=[h.code])} for h in rows]


def thirty_section(person_hash: str, member) -> dict:
    """The member's 从教30周年 certificates as a section of "我的慰问与帮扶" (by the ID's keyed
    hash, so a certificate issued before a transfer shows too)."""
    from django.urls import reverse

    from apps.core.scoping import scopes_disabled

    with scopes_disabled():  # the person's own certificates only (filtered on their hash)
        rows = list(ThirtyYearHonoree.objects.filter(member__id_hash=person_hash, code__isnull=False)
                    .select_related("roll__organization").order_by("-roll__year", "-id"))
    items = [{"title": f"{h.roll.year}年从教30周年纪念证书", "kind": "纪念证书", "date": h.issued_at,
              "detail": h.roll.organization.name, "amount": None,
              "url": reverse("milestones:certificate_pdf", args=[h.code]), "link_text": "下载证书（PDF）"}
             for h in rows]
    return {"title": "从教30周年", "empty": "暂无纪念证书。", "items": items}
