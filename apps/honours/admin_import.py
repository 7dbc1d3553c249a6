"""Admin: the honour-roll template download and the upload → preview → confirm import.

Municipal admin only (``honours.add_honour``). The views only move files and show reports;
every rule lives in ``apps.honours.importing``. The upload is checked by a dry run, kept in
the private file storage under a random token (the members import's ``uploads``), and the
confirm step claims it exactly once, so a double submit cannot import twice.
"""

from __future__ import annotations

import io

from django import forms
from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action
from unfold.widgets import UnfoldAdminFileFieldWidget

from apps.core.excel import XLSX_CONTENT_TYPE
from apps.members.importing import MAX_ROWS, MAX_UPLOAD_BYTES, uploads

from .importing import import_honours_file, instructions, write_template

SESSION_KEY = "honour_imports"
MAX_PENDING = 5
TEMPLATE_NAME = "荣誉名册导入模板.xlsx"


class HonourImportForm(forms.Form):
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


class HonourImportAdminMixin:
    import_actions: tuple[str, ...] = ("download_honour_template", "import_honours")

    @action(description=_("下载导入模板"), url_path="download-template", permissions=["add"], icon="download")
    def download_honour_template(self, request):
        buffer = io.BytesIO()
        write_template(buffer)
        buffer.seek(0)
        return FileResponse(buffer, as_attachment=True, filename=TEMPLATE_NAME, content_type=XLSX_CONTENT_TYPE)

    @action(description=_("导入荣誉名册"), url_path="import-honours", permissions=["add"], icon="upload_file")
    def import_honours(self, request):
        if request.method == "POST" and "token" in request.POST:
            return self._honour_import_confirm(request)
        form = HonourImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            report = import_honours_file(upload, actor=request.user, dry_run=True)
            token = ""
            if report.ok:
                token = uploads.store(upload)
                self._remember_honour_import(request, token, {"rows": report.rows, "filename": upload.name[:200]})
            return self._honour_import_page(request, "admin/honours/import_preview.html", {
                "report": report, "token": token, "filename": upload.name,
                "good_rows": report.rows - report.bad_rows})
        return self._honour_import_page(request, "admin/honours/import_form.html", {"form": form})

    def _honour_import_confirm(self, request):
        changelist = reverse("admin:honours_honour_changelist")
        token = request.POST.get("token", "")
        pending = request.session.get(SESSION_KEY, {})
        entry = pending.pop(token, None)
        request.session[SESSION_KEY] = pending
        name = uploads.claim(token) if entry is not None else None
        if name is None:
            messages.warning(request, "该文件已经导入或已失效，请勿重复提交；如需导入请重新上传。")
            return redirect(changelist)
        try:
            with uploads.open_stored(name) as handle:
                report = import_honours_file(handle, actor=request.user)
        finally:
            uploads.delete(name)
        if report.ok:
            messages.success(request, f"导入完成：新增荣誉 {report.created} 条。")
            return redirect(changelist)
        return self._honour_import_page(request, "admin/honours/import_preview.html", {
            "report": report, "token": "", "filename": entry["filename"],
            "good_rows": report.rows - report.bad_rows})

    def _remember_honour_import(self, request, token: str, entry: dict) -> None:
        pending = request.session.get(SESSION_KEY, {})
        while len(pending) >= MAX_PENDING:  # the oldest unconfirmed upload goes
            oldest = next(iter(pending))
            del pending[oldest]
            uploads.discard(oldest)
        pending[token] = entry
        request.session[SESSION_KEY] = pending

    def _honour_import_page(self, request, template: str, context: dict):
        response = TemplateResponse(request, template, {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("导入荣誉名册"),
            "instructions": instructions()[1:],
            "template_url": reverse("admin:honours_honour_download_honour_template"),
            "changelist_url": reverse("admin:honours_honour_changelist"),
            "import_url": reverse("admin:honours_honour_import_honours"),
            **context,
        })
        add_never_cache_headers(response)
        return response
