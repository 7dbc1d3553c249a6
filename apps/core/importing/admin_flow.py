"""The admin's upload → preview → confirm flow, shared by the members and honours imports.

An admin mixes in ``ImportFlowMixin``, keeps its own ``@action`` methods (URLs and
permissions) and calls ``_import_view``; it fills in the hooks ``get_import_form``,
``import_preview`` (the dry run, then ``_import_checked``) and ``import_claimed`` (the real
import of the claimed file, then ``_import_finish``). The upload is kept in the private
file storage under a random token, remembered in the session (at most ``MAX_PENDING``),
and the confirm step claims it exactly once, so a double submit cannot import twice.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from unfold.widgets import UnfoldAdminFileFieldWidget

from apps.core.excel import XLSX_CONTENT_TYPE

from . import uploads
from .sheet import MAX_ROWS, MAX_UPLOAD_BYTES

MAX_PENDING = 5
ALREADY_IMPORTED = "该文件已经导入或已失效，请勿重复提交；如需导入请重新上传。"


class ImportFileForm(forms.Form):
    file = forms.FileField(label=_("Excel 文件（.xlsx）"),
                           widget=UnfoldAdminFileFieldWidget(attrs={"accept": ".xlsx"}),
                           help_text=f"不超过 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB、{MAX_ROWS} 行。")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"文件过大：不能超过 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB。")
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("请上传 .xlsx 格式的 Excel 文件（旧版 .xls 请先另存为 .xlsx）。")
        return upload


def template_download(write_template: Callable, filename: str) -> FileResponse:
    buffer = io.BytesIO()
    write_template(buffer)
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


def run_stored(name: str, run: Callable):
    """``run(handle)`` on a claimed upload, which is deleted afterwards whatever happens."""
    try:
        with uploads.open_stored(name) as handle:
            return run(handle)
    finally:
        uploads.delete(name)


class ImportFlowMixin:
    import_actions: tuple[str, ...]  # (template download action, import action): their URL names
    import_session_key: str
    import_title = ""
    import_form_template = ""
    import_preview_template = ""

    def import_instructions(self) -> list[str]:
        raise NotImplementedError

    def get_import_form(self, request) -> forms.Form:
        raise NotImplementedError

    def import_preview(self, request, form):
        raise NotImplementedError

    def import_claimed(self, request, entry: dict, name: str):
        raise NotImplementedError

    # --- the flow ------------------------------------------------------------------------

    def _import_view(self, request):
        if request.method == "POST" and "token" in request.POST:
            return self._import_confirm(request)
        form = self.get_import_form(request)
        if request.method == "POST" and form.is_valid():
            return self.import_preview(request, form)
        return self._import_page(request, self.import_form_template, {"form": form})

    def _import_checked(self, request, upload, report, entry: dict, context: dict | None = None):
        """The preview of a dry run; a file without errors is kept for the confirm step."""
        token = ""
        if report.ok:
            token = uploads.store(upload)
            entry = {**entry, "rows": report.rows, "filename": upload.name[:200]}
            self._import_remember(request, token, entry)
        return self._import_page(request, self.import_preview_template, {
            "report": report, "token": token, "filename": upload.name,
            "good_rows": report.rows - report.bad_rows, **(context or {})})

    def _import_confirm(self, request):
        token = request.POST.get("token", "")
        pending = request.session.get(self.import_session_key, {})
        entry = pending.pop(token, None)
        request.session[self.import_session_key] = pending
        name = uploads.claim(token) if entry is not None else None
        if name is None:
            messages.warning(request, ALREADY_IMPORTED)
            return redirect(self._import_url("changelist"))
        return self.import_claimed(request, entry, name)

    def _import_finish(self, request, report, success: str, entry: dict, context: dict | None = None):
        if report.ok:
            messages.success(request, success)
            return redirect(self._import_url("changelist"))
        return self._import_page(request, self.import_preview_template, {
            "report": report, "token": "", "filename": entry["filename"],
            "good_rows": report.rows - report.bad_rows, **(context or {})})

    # --- helpers -------------------------------------------------------------------------

    def _import_remember(self, request, token: str, entry: dict) -> None:
        pending = request.session.get(self.import_session_key, {})
        while len(pending) >= MAX_PENDING:  # the oldest unconfirmed upload goes
            oldest = next(iter(pending))
            del pending[oldest]
            uploads.discard(oldest)
        pending[token] = entry
        request.session[self.import_session_key] = pending

    def _import_url(self, view: str) -> str:
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}")

    def _import_page(self, request, template: str, context: dict):
        download, upload = self.import_actions
        response = TemplateResponse(request, template, {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": self.import_title,
            "instructions": self.import_instructions()[1:],
            "template_url": self._import_url(download),
            "changelist_url": self._import_url("changelist"),
            "import_url": self._import_url(upload),
            **context,
        })
        add_never_cache_headers(response)
        return response
