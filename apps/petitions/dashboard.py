"""The petition rates on the dashboards: the admin home's figures (``register_figure``) and
the portal home's work queue (``work_queue.register``), for the acting unit's subtree and
the current year (else the last), all from the one rates selector (``selectors.case_rates``), computed once
per request whatever the number of figures: a fixed number of queries."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from apps.core.work_queue import QueueItem

from .selectors import RateRow, case_rates

VIEW_PERMISSION = "petitions.view_case"
SECTION = "诉求办理"
_CACHE = "_petition_rates_summary"


def rates_summary(user) -> RateRow:
    """The figures of the acting scope for the current year — or the last one when this
    year has no order yet (January; the 2025 demo) — as one row whose ``labels["year"]`` says
    which; remembered on the request's user, so every figure of a page costs one computation."""
    summary = getattr(user, _CACHE, None)
    if summary is None:
        year = timezone.localdate().year
        rows = case_rates(start=dt.date(year, 1, 1), by=())
        if not rows:
            year -= 1
            rows = case_rates(start=dt.date(year, 1, 1), end=dt.date(year + 1, 1, 1), by=())
        summary = rows[0] if rows else RateRow(key=())
        summary.labels["year"] = year
        setattr(user, _CACHE, summary)
    return summary


def _pct(value) -> str:
    return "—" if value is None else f"{value:g}%"


def _figure(attribute: str):
    def figure(request):
        value = getattr(rates_summary(request.user), attribute)
        return value if attribute == "overdue" else _pct(value)
    return figure


FIGURES = (("诉求响应率", "response_rate"), ("诉求解决率", "solve_rate"), ("诉求满意率", "satisfaction_rate"),
           ("诉求办结率", "close_rate"), ("超期诉求（件）", "overdue"))


def register_figures(register_figure) -> None:
    for order, (label, attribute) in enumerate(FIGURES, start=60):
        register_figure(label, _figure(attribute), order=order, permission=VIEW_PERMISSION)


def rates_queue(user) -> list[QueueItem]:
    """The portal home: the year's orders of the unit with its rates (nothing without any)."""
    if not user.has_perm(VIEW_PERMISSION):
        return []
    row = rates_summary(user)
    if not row.received:
        return []
    hint = (f"响应率 {_pct(row.response_rate)} · 解决率 {_pct(row.solve_rate)} · 满意率 {_pct(row.satisfaction_rate)}"
            f" · 办结率 {_pct(row.close_rate)} · 超期 {row.overdue} 件")
    return [QueueItem(f"{row.labels['year']} 年受理诉求", row.received, reverse("admin:petitions_case_changelist"), hint, SECTION)]
