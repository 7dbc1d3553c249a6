"""Admin: the template download and the upload → preview → confirm import.

The views only move files and show reports; every rule lives in ``apps.members.importing``.
The target unit is chosen among the grassroots unions of the acting scope (another
district's unit is not even a choice), the upload is checked by a dry run, and the
confirm step claims the stored file once, so a double submit cannot import twice.
"""

from __future__ import annotations

import io

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action
from unfold.widgets import UnfoldAdminFileFieldWidget, UnfoldAdminSelectWidget

from apps.accounts.acting import acting_organization
from apps.core.enums import JobKind
from apps.core.excel import XLSX_CONTENT_TYPE
from apps.core.jobs import job_start
from apps.organizations.enums import GRASSROOTS_KINDS
from apps.organizations.models import Organization

from .importing import MAX_ROWS, MAX_UPLOAD_BYTES, import_members_file, uploads, write_template
from .importing.columns import instructions

SYNC_MAX_ROWS = 3000  # bigger files are imported by a Celery job with a progress bar
SESSION_KEY = "member_imports"
MAX_PENDING = 5
TEMPLATE_NAME = "会员名册导入模板.xlsx"


class MemberImportForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("导入到（基层工会）"), queryset=Organization._base_manager.none(),
                                          widget=UnfoldAdminSelectWidget,
                                          help_text=_("“所属工会编码”为空的行登记在此单位。"))
    file = forms.FileField(label=_("Excel 文件（.xlsx）"),
                           widget=UnfoldAdminFileFieldWidget(attrs={"accept": ".xlsx"}),
                           help_text=f"不超过 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB、{MAX_ROWS} 行。")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = Organization.objects.filter(kind__in=GRASSROOTS_KINDS).order_by("path")  # scoped
        self.fields["organization"].queryset = units
        acting = acting_organization(user) if user is not None else None
        if acting is not None and acting.kind in GRASSROOTS_KINDS:
            self.fields["organization"].initial = acting.pk

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"文件过大：不能超过 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB。")
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("请上传 .xlsx 格式的 Excel 文件（旧版 .xls 请先另存为 .xlsx）。")
        return upload


class MemberImportAdminMixin:
    import_actions: tuple[str, ...] = ("download_template", "import_members")

    @action(description=_("下载导入模板"), url_path="download-template", permissions=["add"], icon="download")
    def download_template(self, request):
        buffer = io.BytesIO()
        write_template(buffer)
        buffer.seek(0)
        return FileResponse(buffer, as_attachment=True, filename=TEMPLATE_NAME, content_type=XLSX_CONTENT_TYPE)

    @action(description=_("导入会员"), url_path="import-members", permissions=["add"], icon="upload_file")
    def import_members(self, request):
        if request.method == "POST" and "token" in request.POST:
            return self._import_confirm(request)
        form = MemberImportForm(request.POST or None, request.FILES or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            return self._import_preview(request, form)
        return self._import_page(request, "admin/members/import_form.html", {"form": form})

    # --- steps -------------------------------------------------------------------------

    def _import_preview(self, request, form):
        """The dry run of the upload; a file without errors is kept for the confirm step."""
        organization = form.cleaned_data["organization"]
        upload = form.cleaned_data["file"]
        report = import_members_file(upload, organization=organization, actor=request.user, dry_run=True)
        token = ""
        if report.ok:
            token = uploads.store(upload)
            self._remember(request, token, {"organization": organization.pk, "rows": report.rows,
                                            "filename": upload.name[:200]})
        return self._import_page(request, "admin/members/import_preview.html", {
            "report": report, "token": token, "organization": organization, "filename": upload.name,
            "good_rows": report.rows - report.bad_rows, "async": report.rows > SYNC_MAX_ROWS,
        })

    def _import_confirm(self, request):
        changelist = reverse("admin:members_member_changelist")
        token = request.POST.get("token", "")
        pending = request.session.get(SESSION_KEY, {})
        entry = pending.pop(token, None)
        request.session[SESSION_KEY] = pending
        name = uploads.claim(token) if entry is not None else None
        if name is None:
            messages.warning(request, "该文件已经导入或已失效，请勿重复提交；如需导入请重新上传。")
            return redirect(changelist)
        units = Organization.objects.filter(kind__in=GRASSROOTS_KINDS)  # scoped
        organization = units.filter(pk=entry["organization"]).first()
        if organization is None:  # the acting role changed to one that does not reach the unit
            uploads.delete(name)
            raise Http404
        if entry["rows"] > SYNC_MAX_ROWS:
            job = job_start(kind=JobKind.MEMBER_IMPORT, actor=request.user, task=_task(),
                            organization=acting_organization(request.user) or organization,
                            params={"upload": name, "organization": organization.pk,
                                    "filename": entry["filename"], "rows": entry["rows"]})
            messages.info(request, f"文件较大（{entry['rows']} 行），已转入后台导入，完成后本页显示导入报告。")
            return redirect("jobs:detail", pk=job.pk)
        try:
            with uploads.open_stored(name) as handle:
                report = import_members_file(handle, organization=organization, actor=request.user)
        finally:
            uploads.delete(name)
        if report.ok:
            messages.success(request, f"导入完成：新增会员 {report.created} 名。")
            return redirect(changelist)
        return self._import_page(request, "admin/members/import_preview.html", {
            "report": report, "token": "", "organization": organization, "filename": entry["filename"],
            "good_rows": report.rows - report.bad_rows, "async": False,
        })

    # --- helpers -------------------------------------------------------------------------

    def _remember(self, request, token: str, entry: dict) -> None:
        pending = request.session.get(SESSION_KEY, {})
        while len(pending) >= MAX_PENDING:  # the oldest unconfirmed upload goes
            oldest = next(iter(pending))
            del pending[oldest]
            uploads.discard(oldest)
        pending[token] = entry
        request.session[SESSION_KEY] = pending

    def _import_page(self, request, template: str, context: dict):
        response = TemplateResponse(request, template, {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("导入会员"),
            "instructions": instructions()[1:],
            "template_url": reverse("admin:members_member_download_template"),
            "changelist_url": reverse("admin:members_member_changelist"),
            "import_url": reverse("admin:members_member_import_members"),
            **context,
        })
        add_never_cache_headers(response)
        return response


def _task():
    from .import_jobs import import_members_job

    return import_members_job
