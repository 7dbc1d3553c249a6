"""Figures for the admin's home page: what the acting unit's subtree holds.

Core knows no domain app: each app registers its figures in ``AppConfig.ready()``::

    register_figure("在会会员", active_members_count, order=30)

A figure is a label and a function of the request returning a number, shown in ``order`` when
the user holds ``permission`` (or always, without one). Queries run in the request's scope.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .enums import JobStatus
from .home_warnings import home_warnings
from .models import Job
from .work_queue import queue_for


@dataclass(frozen=True)
class Figure:
    label: str
    count: Callable[[object], int]
    order: int
    permission: str | None = None


_figures: dict[str, Figure] = {}


def register_figure(label: str, count: Callable[[object], int], *, order: int,
                    permission: str | None = None) -> None:
    """Add (or replace, by label) a figure of the home page."""
    _figures[label] = Figure(label=label, count=count, order=order, permission=permission)


def running_jobs_count(request) -> int:
    return Job.objects.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).count()


register_figure("进行中的后台任务", running_jobs_count, order=40)


def dashboard_callback(request, context):
    context["portal_figures"] = [
        (figure.label, figure.count(request))
        for figure in sorted(_figures.values(), key=lambda f: f.order)
        if figure.permission is None or request.user.has_perm(figure.permission)
    ]
    context["portal_acting"] = getattr(request.user, "acting", None)
    context["portal_warnings"] = home_warnings(request)
    context["work_queue"] = queue_for(request.user)
    return context
