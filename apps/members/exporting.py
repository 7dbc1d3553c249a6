"""The member export: ``MemberResource``'s columns, streamed fast and safely into xlsx.

The columns, their Chinese headers, order, choice labels and masks are all defined once,
by ``MemberResource`` (django-import-export). Exporting through ``Resource.export()``
builds a model instance and calls every widget for every row — too slow for a city's
registry — so this module reads the resource *once* and turns each column into a
``values_list`` path plus a converter:

* ``attribute="organization__code"`` → the path ``organization__code``;
* a ``ChoiceLabelWidget`` → its value → Chinese label dict;
* a masked personal field (``MemberResource.MASKS``) → the mask, or nothing with reveal;
* a date → kept a ``datetime.date``, written as a real Excel date.

The rows of ``queryset.values_list(*paths).iterator()`` then go straight through the
converters into ``SafeXlsxWriter`` (constant memory; strings are string cells, so no
formula ever runs; ID and account numbers are text cells). A column the plan cannot
translate faithfully is refused loudly rather than exported differently.

Every path — admin, API, background job, ``manage.py export_members`` — calls
``export_members_xlsx`` and records the export with ``record_export`` (a full-data export
is a reveal, so the audit entry says ``reveal: true``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from django.http import FileResponse
from import_export import widgets

from apps.core.audit import audit_record
from apps.core.excel import ANY, DATE, STRING, write_table, xlsx_attachment, xlsx_filename

from .masking import mask_id
from .resources import DATE_HEADERS, TEXT_HEADERS, ChoiceLabelWidget, MemberResource

SHEET_NAME = "会员名册"
CHUNK = 2000  # rows fetched per round trip (server-side cursor on PostgreSQL)
PROGRESS_EVERY = 2000
DEFAULT_SYNC_LIMIT = 5000  # more rows than this run as a background job

EXPORT_COLUMNS: list[tuple[str, str]] = MemberResource.columns()  # (field name, header)
EXPORT_HEADERS: list[str] = [header for _, header in EXPORT_COLUMNS]

_WIDTHS = {"姓名": 12, "身份证号": 22, "手机号": 15, "所属工会编码": 16, "所属工会": 26, "分工会": 22,
           "开户银行": 26, "银行账号": 24, "备注": 30}


def sync_limit() -> int:
    """Exports up to this many rows are answered directly; bigger ones become a job."""
    return int(getattr(settings, "MEMBER_EXPORT_SYNC_LIMIT", DEFAULT_SYNC_LIMIT))


# --- the column plan, derived once from the resource ------------------------------------


@dataclass(frozen=True)
class ExportColumn:
    name: str  # the resource's field name
    header: str  # its Chinese column name
    path: str  # the values_list path
    kind: str  # STRING, DATE or ANY (see apps.core.excel)
    convert: Callable[[Any], Any] | None  # raw value → cell value; None: as is


def _model_field(model: type[models.Model], path: str) -> models.Field:
    parts = path.split("__")
    for part in parts[:-1]:
        model = model._meta.get_field(part).related_model
    return model._meta.get_field(parts[-1])


def _choice_labels(widget: ChoiceLabelWidget) -> Callable[[Any], Any]:
    get = widget.to_label.get
    return lambda value: get(value, value)  # an unknown value shows as stored, None stays empty


def _rendered(widget: widgets.Widget) -> Callable[[Any], Any]:
    render = widget.render
    return lambda value: None if value is None else render(value)


_PLAIN_WIDGETS = (widgets.Widget, widgets.CharWidget)
_DATE_WIDGETS = (widgets.DateWidget, widgets.DateTimeWidget)


@lru_cache(maxsize=8)
def export_plan(*, reveal: bool,
                resource_class: type[MemberResource] = MemberResource) -> tuple[ExportColumn, ...]:
    """(path, kind, converter) per column, in the resource's export order."""
    resource = resource_class(reveal=reveal)
    masks = getattr(resource_class, "MASKS", {})
    plan = []
    for field in resource.get_export_fields():
        name = resource.get_field_name(field)
        header = str(field.column_name)
        if not field.attribute:
            raise ImproperlyConfigured(f"导出列“{header}”没有 attribute，快速导出无法读取它。")
        path = field.attribute
        try:
            model_field = _model_field(resource_class._meta.model, path)
        except (FieldDoesNotExist, AttributeError) as exc:
            raise ImproperlyConfigured(f"导出列“{header}”的 attribute {path!r} 不是模型字段路径。") from exc
        is_text = isinstance(model_field, (models.CharField, models.TextField))
        dehydrate = field.get_dehydrate_method(name)
        has_dehydrate = callable(dehydrate) or getattr(resource, dehydrate, None) is not None
        widget = field.widget
        if has_dehydrate:
            # Only the masked personal fields are dehydrated; anything else would be
            # exported differently by this fast path, so refuse instead.
            if name not in masks:
                raise ImproperlyConfigured(
                    f"导出列“{header}”有 dehydrate_{name}()，快速导出无法复现；请改用 widget 或加入 MASKS。")
            convert, kind = (None if reveal else masks[name]), STRING
        elif isinstance(widget, ChoiceLabelWidget):
            convert, kind = _choice_labels(widget), STRING
        elif isinstance(widget, _DATE_WIDGETS):
            convert, kind = None, DATE
        elif type(widget) in _PLAIN_WIDGETS:
            convert, kind = None, (STRING if is_text else ANY)
        else:  # any other widget: its own rendering (slower, but the same as the resource)
            convert, kind = _rendered(widget), ANY
        if header in DATE_HEADERS and kind != DATE:
            raise ImproperlyConfigured(f"日期列“{header}”应使用 DateWidget。")
        plan.append(ExportColumn(name=name, header=header, path=path, kind=kind, convert=convert))
    return tuple(plan)


# --- the export ----------------------------------------------------------------------------


def export_members_xlsx(queryset, target: str | IO[bytes], *, reveal: bool = False,
                        progress: Callable[[int, int], None] | None = None) -> int:
    """Write ``queryset`` (members, already scoped and filtered) to ``target`` (a path or
    a binary file) and return the number of rows. Masked unless ``reveal``. Memory stays
    flat: rows are streamed from the database and written in constant-memory mode.
    ``progress(done, total)`` is called every few thousand rows (and at the end)."""
    plan = export_plan(reveal=bool(reveal))
    headers = [column.header for column in plan]
    total = queryset.count() if progress is not None else 0
    if progress is not None:
        progress(0, total)
    rows = queryset.values_list(*(column.path for column in plan)).iterator(chunk_size=CHUNK)
    count = write_table(
        target, sheet=SHEET_NAME, headers=headers, rows=rows,
        kinds=[column.kind for column in plan],
        converters=[column.convert for column in plan],
        text_columns=[i for i, column in enumerate(plan) if column.header in TEXT_HEADERS],
        widths=[_WIDTHS.get(header, max(10, len(header) * 2 + 2)) for header in headers],
        every=PROGRESS_EVERY if progress is not None else 0,
        on_progress=(lambda done: progress(done, max(total, done))) if progress is not None else None,
    )
    if progress is not None:
        progress(count, max(total, count))
    return count


def export_filename(organization=None, *, when: dt.datetime | None = None) -> str:
    """会员名册-<unit>-<date>.xlsx (the unit's short name or name)."""
    label = (organization.short_name or organization.name or organization.code) if organization is not None else ""
    return xlsx_filename("会员名册", label, when=when)


def xlsx_response(queryset, *, filename: str, reveal: bool) -> tuple[FileResponse, int]:
    """The export as a streamed attachment. Returns (response, rows)."""
    return xlsx_attachment(lambda handle: export_members_xlsx(queryset, handle, reveal=reveal), filename)


# --- the audit trail -----------------------------------------------------------------------

_LONG_DIGITS = re.compile(r"[0-9]{7,}")


def scrub_filters(params: Mapping[str, Any]) -> dict[str, Any]:
    """Filters as they may be logged: an ID, phone or account typed into a search box is
    masked (logs never hold personal data in full)."""
    clean = {}
    for key, value in params.items():
        if isinstance(value, str) and _LONG_DIGITS.search(value):
            value = mask_id(value.strip())
        clean[str(key)] = value
    return clean


def reveal_reason(reason: str | None) -> str:
    """The reason a full (unmasked) export is made: required, as for revealing one member."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["请填写导出完整信息的原因。"]})
    if len(reason) > 200:
        raise ValidationError({"reason": ["原因不能超过 200 个字。"]})
    return reason


def record_export(*, actor, organization, reveal: bool, rows: int, via: str,
                  filters: Mapping[str, Any] | None = None, job=None, reason: str = ""):
    """One audit entry per export; with ``reveal`` it is the record of a reveal (with its reason)."""
    data = {"reveal": bool(reveal), "rows": rows, "via": via, "filters": scrub_filters(filters or {})}
    if reveal:
        data["reason"] = reason
    if job is not None:
        data["job"] = str(job.pk)
    return audit_record(actor=actor, action="member.export", target=organization, organization=organization,
                        data=data)


def acting_unit(user):
    """The unit an export is made for: the acting role's, else (a superuser) the root."""
    from apps.accounts.acting import acting_organization
    from apps.core.scoping import scopes_disabled
    from apps.organizations.models import Organization

    unit = acting_organization(user)
    if unit is None and getattr(user, "is_superuser", False):
        with scopes_disabled():  # a superuser without a role exports for the root unit
            unit = Organization.objects.filter(depth=1).order_by("path").first()
    return unit


__all__ = [
    "EXPORT_COLUMNS",
    "EXPORT_HEADERS",
    "ExportColumn",
    "export_filename",
    "export_members_xlsx",
    "export_plan",
    "record_export",
    "scrub_filters",
    "sync_limit",
    "xlsx_response",
]
