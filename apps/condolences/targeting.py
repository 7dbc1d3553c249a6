"""A campaign's target rule as data (``Campaign.target``) and the member query it gives.

Keys (all optional): ``units`` (unit codes, each with its subtree), ``employment_types``,
``front_line`` (front-line posts, not retired), ``posts``, ``retired``, ``young``, ``women``,
``teaching_years_at_least``, ``honours_roll`` (on the honours roll). The query reuses the
members' selectors (``young_cutoff``) and is built in the acting scope."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Case, CharField, Q, Value, When
from django.utils import timezone

from apps.members.enums import EmploymentType, Gender
from apps.members.models import Member
from apps.members.selectors import young_cutoff
from apps.organizations.models import Organization

from .enums import FRONT_LINE_POSTS, Category

KEYS = {"units": list, "employment_types": list, "front_line": bool, "posts": list, "retired": bool,
        "young": bool, "women": bool, "teaching_years_at_least": int, "honours_roll": bool}
LABELS = {"units": "单位", "employment_types": "用工性质", "front_line": "一线教职工", "posts": "岗位",
          "retired": "退休教职工", "young": "青年教职工", "women": "女职工", "teaching_years_at_least": "从教年限",
          "honours_roll": "劳模名册"}


def target_clean(target: dict | None) -> dict:
    target = dict(target or {})
    errors = []
    for key, value in target.items():
        kind = KEYS.get(key)
        if kind is None:
            errors.append(f"未知条件：{key}")
        elif not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            errors.append(f"条件「{LABELS[key]}」格式不正确。")
    for value in target.get("employment_types") or []:
        if value not in EmploymentType.values:
            errors.append(f"未知用工性质：{value}")
    if errors:
        raise ValidationError({"target": errors})
    codes = target.get("units") or []
    if codes:
        found = set(Organization.objects.filter(code__in=codes).values_list("code", flat=True))  # scoped
        missing = [c for c in codes if c not in found]
        if missing:
            raise ValidationError({"target": [f"单位不存在或不在您的管理范围内：{'、'.join(missing[:5])}"]})
    return target


def category_expression(prefix: str = "") -> Case:
    """A member's amount category in SQL (``prefix``: the path to the member, e.g. ``member__``)."""
    return Case(
        When(**{f"{prefix}employment_type": EmploymentType.RETIRED}, then=Value(Category.RETIRED)),
        When(**{f"{prefix}post__in": FRONT_LINE_POSTS}, then=Value(Category.FRONT_LINE)),
        default=Value(Category.OTHERS), output_field=CharField(),
    )


def target_members(*, organization, target: dict):
    """Every member (any status: the preview says why the inactive are left out) the rule
    selects inside the paying unit's subtree, with ``welfare_category`` and ``has_account``."""
    members = Member.objects.filter(organization__path__startswith=organization.path)
    codes = target.get("units") or []
    if codes:
        paths = list(Organization.objects.filter(code__in=codes).values_list("path", flat=True))
        where = Q()
        for path in paths:
            where |= Q(organization__path__startswith=path) | Q(branch__path__startswith=path)
        members = members.filter(where)
    if target.get("employment_types"):
        members = members.filter(employment_type__in=target["employment_types"])
    if target.get("front_line"):
        members = members.filter(post__in=FRONT_LINE_POSTS).exclude(employment_type=EmploymentType.RETIRED)
    if target.get("posts"):
        members = members.filter(post__in=target["posts"])
    if target.get("retired"):
        members = members.filter(employment_type=EmploymentType.RETIRED)
    if target.get("young"):
        members = members.filter(birth_date__gt=young_cutoff())
    if target.get("women"):
        members = members.filter(gender=Gender.FEMALE)
    years = target.get("teaching_years_at_least")
    if years:
        today = timezone.localdate()
        try:
            cutoff = today.replace(year=today.year - years)
        except ValueError:
            cutoff = today.replace(year=today.year - years, day=28)
        members = members.filter(teaching_since__lte=cutoff)
    if target.get("honours_roll"):
        from apps.honours.enums import HonourStatus
        from apps.honours.models import Honour

        members = members.filter(id_hash__in=Honour.objects.filter(
            status=HonourStatus.ON_ROLL, member__isnull=False).values("member__id_hash"))
    return members.annotate(
        welfare_category=category_expression(),
        has_account=Case(When(bank_account="", then=Value(False)), default=Value(True), output_field=BooleanField()),
    )
