"""Big member exports run as a background job; the file is downloaded from the job page.

The job carries what selects the rows, never the rows: the API's filters (``source:
"api"``, applied with the same ``MemberFilter``), the admin changelist's query string
(``"admin"``, its filters, search and sort read by ``filters.member_admin_rows``) or a list of selected ids
(``"ids"``). The worker runs inside the scope of the job's unit (``job_run``), binds the
starter's acting role again and re-checks the reveal permission before writing full data.
An ID number typed into a search box is stored as its keyed hash, never in clear.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

from celery import shared_task
from django.core.exceptions import PermissionDenied
from django.core.files import File

from apps.core.enums import JobKind
from apps.core.jobs import job_run, job_start
from apps.core.models import Job

from .exporting import acting_unit, export_filename, export_members_xlsx, record_export, reveal_reason
from .filters import MemberFilter, member_admin_rows
from .models import Member
from .selectors import id_number_filter
from .services import REVEAL_PERMISSION

ORDERING = ("organization__path", "name", "id")  # the API list's order
_ID_SEARCH_KEYS = {"api": "search", "admin": "q"}


def _hide_id_search(source: str, params: dict[str, str]) -> str | None:
    """Replace an ID number in the search parameter by its look-up hash (returned)."""
    key = _ID_SEARCH_KEYS.get(source)
    term = params.get(key) if key else None
    by_id = id_number_filter(term) if term else None
    if by_id is None:
        return None
    params.pop(key)
    return dict(by_id.children)["id_hash"]


def start_member_export(*, user, reveal: bool, source: str, filters: Mapping[str, str] | None = None,
                        ids: list[int] | None = None, reason: str = "") -> Job:
    """Queue an export of the starter's unit. ``reveal`` needs the reveal permission (the
    worker checks it again) and a ``reason``; the job is marked as revealing, so its file
    is listed to and downloadable by its starter (or a reveal holder) only."""
    if source not in ("api", "admin", "ids"):
        raise ValueError(source)
    if reveal and not user.has_perm(REVEAL_PERMISSION):
        raise PermissionDenied("您没有导出完整个人信息的权限。")
    if reveal:
        reason = reveal_reason(reason)
    unit = acting_unit(user)
    if unit is None:
        raise PermissionDenied("请先选择代理的单位角色。")
    params: dict[str, Any] = {"source": source, "reveal": bool(reveal)}
    if reveal:
        params["reason"] = reason
    acting = getattr(user, "acting", None)
    params["role"] = acting.pk if acting is not None else None
    if source == "ids":
        params["ids"] = [int(pk) for pk in ids or []]
    else:
        data = {str(k): str(v) for k, v in (filters or {}).items()}
        id_hash = _hide_id_search(source, data)
        if id_hash:
            params["id_hash"] = id_hash
        params["filters"] = data
    return job_start(kind=JobKind.MEMBER_EXPORT, organization=unit, actor=user, task=export_members,
                     params=params, reveals=bool(reveal))


def _starter(job: Job):
    """The starter, bound again to the role they started the job in."""
    from apps.accounts.acting import SESSION_KEY, bind

    user = job.started_by
    if user is None:
        return None
    bind(user, session={SESSION_KEY: job.params.get("role")})
    return user


def _may_reveal(user, job: Job) -> bool:
    if user is None or not user.is_active or not user.has_perm(REVEAL_PERMISSION):
        return False
    acting = getattr(user, "acting", None)
    if acting is not None:
        return acting.organization_id == job.organization_id
    return user.is_superuser


def _api_queryset(params: dict):
    queryset = Member.objects.select_related("organization", "branch").order_by(*ORDERING)
    filterset = MemberFilter(data=params.get("filters") or {}, queryset=queryset)
    if not filterset.is_valid():
        raise ValueError(f"导出条件无效：{dict(filterset.errors)}")
    return filterset.qs


def member_export_queryset(job: Job, user):
    params = job.params
    source = params.get("source")
    if source == "api":
        queryset = _api_queryset(params)
    elif source == "admin":
        if user is None:
            raise PermissionDenied("导出任务缺少发起人。")
        queryset = member_admin_rows(Member.objects.select_related("organization", "branch"),
                                     params.get("filters") or {})
    elif source == "ids":
        queryset = Member.objects.filter(pk__in=params.get("ids") or []).order_by(*ORDERING)
    else:
        raise ValueError(f"unknown export source {source!r}")
    if params.get("id_hash"):
        queryset = queryset.filter(id_hash=params["id_hash"])
    return queryset


def write_members_xlsx(job: Job, progress) -> dict:
    """The job's handler (inside the scope of the job's unit): write, attach, audit."""
    user = _starter(job)
    reveal = bool(job.params.get("reveal"))
    if reveal and not _may_reveal(user, job):
        raise PermissionDenied("发起人已无导出完整个人信息的权限，未导出。")
    queryset = member_export_queryset(job, user)
    with tempfile.TemporaryFile(suffix=".xlsx") as handle:
        rows = export_members_xlsx(queryset, handle, reveal=reveal, progress=progress)
        handle.seek(0)
        job.result_file.save(export_filename(job.organization, when=job.created_at), File(handle), save=False)
    record_export(actor=user, organization=job.organization, reveal=reveal, rows=rows,
                  via=f"job:{job.params.get('source')}", filters=job.params.get("filters"), job=job,
                  reason=job.params.get("reason", ""))
    return {"rows": rows, "reveal": reveal}


@shared_task(acks_late=True, reject_on_worker_lost=True)
def export_members(*, job_id: str) -> None:
    job_run(job_id, write_members_xlsx)


def query_params(query: str) -> dict[str, str]:
    """A query string as the flat dict stored on a job (the last value of a repeated key)."""
    return dict(parse_qsl(query, keep_blank_values=True))
