"""The reference data the app starts with (loaded by a data migration; kept in the admin)."""

from __future__ import annotations

import datetime as dt

CATEGORIES = [
    ("wages", "工资待遇", [("wages-arrears", "拖欠工资"), ("wages-performance", "绩效工资"),
                        ("wages-allowance", "津贴补贴")]),
    ("insurance", "社会保险", [("insurance-pension", "养老保险"), ("insurance-medical", "医疗保险"),
                           ("insurance-housing", "住房公积金")]),
    ("contract", "劳动合同", [("contract-signing", "合同签订与续订"), ("contract-termination", "解除与终止")]),
    ("titles", "职称评聘", []),
    ("non-staff", "非在编人员权益", []),
    ("environment", "工作环境", []),
    ("mental", "心理健康", []),
    ("other", "其他", []),
]

DAY = 8 * 60  # a working day in minutes (08:30–12:00, 13:00–17:30)

# (case kind, urgency) -> minutes for 签收, 首次联系, 答复
RULES = {
    ("petition", "urgent"): (120, 60, 120),
    ("petition", "normal"): (DAY, DAY, 7 * DAY),
    ("petition", "complex"): (DAY, DAY, 15 * DAY),
    ("warning", "urgent"): (60, 60, DAY),
    ("warning", "normal"): (240, DAY, 3 * DAY),
    ("warning", "complex"): (DAY, DAY, 7 * DAY),
}
# (warning kind, urgency) -> minutes for 签收, 首次联系, 答复: a warning kind's own limits (劳动关系预警
# by kind; a kind without rows here, 其他, follows the ("warning", urgency) rows above).
WARNING_KIND_RULES = {
    ("wages", "urgent"): (60, 60, DAY), ("wages", "normal"): (120, 240, 2 * DAY),
    ("wages", "complex"): (DAY, DAY, 5 * DAY),
    ("collective", "urgent"): (30, 60, 240), ("collective", "normal"): (60, 120, DAY),
    ("collective", "complex"): (240, DAY, 3 * DAY),
    ("layoff", "urgent"): (60, 120, DAY), ("layoff", "normal"): (240, DAY, 3 * DAY),
    ("layoff", "complex"): (DAY, DAY, 5 * DAY),
}
FIRST_CALENDAR_YEAR = 2020


def load_reference(get_model) -> None:
    """Categories, deadline rules and every year chinese-calendar knows from 2020
    (idempotent). ``get_model(app, name)``: the migration's registry or the real one."""
    import chinese_calendar

    Category = get_model("petitions", "Category")  # noqa: N806
    DeadlineRule = get_model("petitions", "DeadlineRule")  # noqa: N806
    CalendarYear = get_model("petitions", "CalendarYear")  # noqa: N806
    CalendarDay = get_model("petitions", "CalendarDay")  # noqa: N806
    for rank, (code, name, children) in enumerate(CATEGORIES):
        parent, _ = Category.objects.get_or_create(code=code, defaults={"name": name, "rank": rank})
        for child_rank, (child_code, child_name) in enumerate(children):
            Category.objects.get_or_create(code=child_code, defaults={"name": child_name, "rank": child_rank,
                                                                      "parent": parent})
    by_warning_kind = any(f.name == "warning_kind" for f in DeadlineRule._meta.get_fields())
    plain = {"warning_kind": ""} if by_warning_kind else {}  # the 0001 migration's model has no such field
    for (kind, urgency), minutes in RULES.items():
        for stage, value in zip(("sign", "contact", "reply"), minutes, strict=True):
            DeadlineRule.objects.get_or_create(case_kind=kind, urgency=urgency, stage=stage, **plain,
                                               defaults={"minutes": value})
    for (warning_kind, urgency), minutes in (WARNING_KIND_RULES.items() if by_warning_kind else ()):
        for stage, value in zip(("sign", "contact", "reply"), minutes, strict=True):
            DeadlineRule.objects.get_or_create(case_kind="warning", warning_kind=warning_kind, urgency=urgency,
                                               stage=stage, defaults={"minutes": value})
    years = sorted({d.year for d in chinese_calendar.holidays if d.year >= FIRST_CALENDAR_YEAR})
    for year in years:
        day = dt.date(year, 1, 1)
        while day.year == year:
            worked = chinese_calendar.is_workday(day)
            if worked != (day.weekday() < 5):
                CalendarDay.objects.get_or_create(date=day, defaults={"is_workday": worked,
                                                                      "name": "调休上班" if worked else "法定节假日"})
            day += dt.timedelta(days=1)
        CalendarYear.objects.get_or_create(year=year, defaults={"source": "chinese-calendar"})
