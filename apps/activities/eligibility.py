"""Eligibility rules as data. An activity's ``rules`` is a list of dicts; each rule is checked
against a member (and what they declared when applying) and a refusal names the rule in Chinese.

Rules::

    {"rule": "honoured"}                         在册劳模/先进
    {"rule": "honoured", "within_years": 5}      近 5 年内获评
    {"rule": "honoured", "titles": ["national_model_worker", …]}   only these titles
    {"rule": "age", "min": 25, "max": 45}        年龄段（活动开始日计）
    {"rule": "single"}                           本人声明单身
    {"rule": "child", "min_age": 8, "max_age": 14}   有该年龄段的子女（报名时填写子女信息）
    {"rule": "once_every", "years": 5}           N 年内参加过疗休养的不再安排（按身份证号索引，跨单位、跨调动）
    {"rule": "employment", "types": ["permanent", "non_permanent"]}   用工性质
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from apps.honours.enums import HonourStatus
from apps.honours.models import Honour
from apps.members.enums import EmploymentType
from apps.members.models import age_on

from .enums import HOLDS_PLACE, ActivityKind

RULE_NAMES = {
    "honoured": "荣誉条件",
    "age": "年龄条件",
    "single": "单身声明",
    "child": "子女年龄条件",
    "once_every": "疗休养间隔条件",
    "employment": "用工性质条件",
}


@dataclass(frozen=True)
class Refusal:
    rule: str
    message: str

    def __str__(self) -> str:
        return f"不符合{RULE_NAMES.get(self.rule, self.rule)}：{self.message}"


def rules_validate(rules) -> list[dict]:
    """The rules as stored: a list of known rules with sane parameters, else a Chinese error."""
    if not isinstance(rules, list):
        raise ValidationError({"rules": ["报名条件应为列表。"]})
    for rule in rules:
        name = rule.get("rule") if isinstance(rule, dict) else None
        if name not in RULE_NAMES:
            raise ValidationError({"rules": [f"未知的报名条件：{name}。可用：{'、'.join(RULE_NAMES)}。"]})
        for key in ("within_years", "min", "max", "min_age", "max_age", "years"):
            if key in rule and (not isinstance(rule[key], int) or rule[key] < 0):
                raise ValidationError({"rules": [f"{RULE_NAMES[name]}的参数 {key} 应为非负整数。"]})
        if name == "employment":
            types = rule.get("types")
            if not isinstance(types, list) or not set(types) <= set(EmploymentType.values):
                raise ValidationError({"rules": ["用工性质条件应列出有效的用工性质。"]})
        if name == "once_every" and not rule.get("years"):
            raise ValidationError({"rules": ["疗休养间隔条件需要年数（years）。"]})
    return rules


def _honoured(member, rule, day: dt.date) -> str | None:
    honours = Honour._base_manager.filter(member__id_hash=member.id_hash, status=HonourStatus.ON_ROLL)
    if rule.get("titles"):
        honours = honours.filter(title__code__in=rule["titles"])
    if rule.get("within_years"):
        honours = honours.filter(year__gte=day.year - rule["within_years"])
        if not honours.exists():
            return f"须为近 {rule['within_years']} 年内获评的劳模或先进。"
    elif not honours.exists():
        return "须为荣誉名册在册的劳模或先进。"
    return None


def _recent_recuperation(member, years: int, day: dt.date, exclude_activity_id=None) -> bool:
    from .models import Application

    since = day.replace(year=day.year - years) if not (day.month == 2 and day.day == 29) else \
        dt.date(day.year - years, 2, 28)
    went = Application._base_manager.filter(
        member__id_hash=member.id_hash, status__in=HOLDS_PLACE,
        session__activity__kind=ActivityKind.RECUPERATION, session__starts_on__gt=since,
        session__starts_on__lte=day)
    if exclude_activity_id:
        went = went.exclude(session__activity_id=exclude_activity_id)
    return went.exists()


def member_check(*, activity, member, day: dt.date, declared_single: bool | None = None,
                 child_birth_date: dt.date | None = None) -> list[Refusal]:
    """Every rule the member fails (empty: eligible). ``declared_single`` / ``child_birth_date``
    are what they declare when applying; ``None`` when only browsing (those rules then pass
    as "to be declared")."""
    refusals: list[Refusal] = []
    for rule in activity.rules or []:
        name = rule.get("rule")
        message = None
        if name == "honoured":
            message = _honoured(member, rule, day)
        elif name == "age":
            age = age_on(member.birth_date, day)
            low, high = rule.get("min", 0), rule.get("max", 200)
            if not low <= age <= high:
                message = f"须年满 {low} 周岁且不超过 {high} 周岁（您 {age} 周岁）。"
        elif name == "single":
            if declared_single is False:
                message = "须本人声明为单身。"
        elif name == "child":
            if child_birth_date is not None:
                age = age_on(child_birth_date, day)
                low, high = rule.get("min_age", 0), rule.get("max_age", 18)
                if not low <= age <= high:
                    message = f"子女须为 {low}–{high} 周岁（该子女 {age} 周岁）。"
        elif name == "once_every":
            if _recent_recuperation(member, rule["years"], day, exclude_activity_id=activity.pk):
                message = f"{rule['years']} 年内已参加过疗休养。"
        elif name == "employment":
            if member.employment_type not in rule.get("types", []):
                labels = "、".join(str(EmploymentType(t).label) for t in rule.get("types", []))
                message = f"限{labels}人员。"
        if message:
            refusals.append(Refusal(name, message))
    return refusals


def rules_describe(rules) -> list[str]:
    """The rules in Chinese, for the activity's page."""
    out = []
    for rule in rules or []:
        name = rule.get("rule")
        if name == "honoured":
            out.append(f"近 {rule['within_years']} 年内获评的劳模或先进" if rule.get("within_years")
                       else "荣誉名册在册的劳模或先进")
        elif name == "age":
            out.append(f"年龄 {rule.get('min', 0)}–{rule.get('max', 200)} 周岁")
        elif name == "single":
            out.append("本人声明单身")
        elif name == "child":
            out.append(f"为 {rule.get('min_age', 0)}–{rule.get('max_age', 18)} 周岁的子女报名")
        elif name == "once_every":
            out.append(f"{rule['years']} 年内未参加过疗休养")
        elif name == "employment":
            out.append("限" + "、".join(str(EmploymentType(t).label) for t in rule.get("types", [])))
    return out


def needs(activity) -> set[str]:
    return {r.get("rule") for r in activity.rules or []} & {"single", "child"}
