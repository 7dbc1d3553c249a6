"""Categories, deadline rules and the working calendar the chinese-calendar package knows
(from 2020). Idempotent; the admin corrects and extends them afterwards."""

import datetime as dt

from django.db import migrations


def load(apps, schema_editor):
    import chinese_calendar

    from apps.petitions.reference import CATEGORIES, FIRST_CALENDAR_YEAR, RULES

    Category = apps.get_model("petitions", "Category")
    DeadlineRule = apps.get_model("petitions", "DeadlineRule")
    CalendarYear = apps.get_model("petitions", "CalendarYear")
    CalendarDay = apps.get_model("petitions", "CalendarDay")
    for rank, (code, name, children) in enumerate(CATEGORIES):
        parent, _ = Category.objects.get_or_create(code=code, defaults={"name": name, "rank": rank})
        for child_rank, (child_code, child_name) in enumerate(children):
            Category.objects.get_or_create(code=child_code, defaults={"name": child_name, "rank": child_rank,
                                                                      "parent": parent})
    for (kind, urgency), minutes in RULES.items():
        for stage, value in zip(("sign", "contact", "reply"), minutes, strict=True):
            DeadlineRule.objects.get_or_create(case_kind=kind, urgency=urgency, stage=stage,
                                               defaults={"minutes": value})
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


class Migration(migrations.Migration):
    dependencies = [("petitions", "0001_cases_calendar_accounts")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
