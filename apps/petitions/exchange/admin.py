"""Admin: the platform template download, the upload → preview → confirm import of a 12351
order list (a job above ``SYNC_MAX_ROWS`` rows) and the export of replies and closure
results for the upload back. Mixed into ``CaseAdmin``; every rule lives in ``importing`` /
``exporting``. Municipal staff only (``petitions.dispatch_case``)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action

from apps.accounts.acting import acting_organization
from apps.core.importing.admin_flow import ImportFileForm, ImportFlowMixin, run_stored, template_download

from .. import services
from ..enums import Source
from . import jobs
from .columns import TEMPLATE_NAME, instructions, write_template
from .exporting import platform_results_response
from .importing import import_orders_file

SESSION_KEY = "petition_platform_imports"


class PlatformExportForm(forms.Form):
    start = forms.DateField(label=_("受理日期起（含）"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("受理日期止（不含）"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    source = forms.ChoiceField(label=_("来源"), required=False, choices=[
        ("", _("全部平台")), (Source.P12351, Source.P12351.label), (Source.P12345, Source.P12345.label)])
    reveal = forms.BooleanField(label=_("导出完整联系电话和身份证号（须有权限并填写原因，记入审计）"), required=False)
    reason = forms.CharField(label=_("查看原因"), required=False, max_length=200)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", "截止日期应晚于起始日期。")
        return data


class PlatformExchangeAdminMixin(ImportFlowMixin):
    import_actions: tuple[str, ...] = ("download_platform_template", "import_platform_orders")
    import_session_key = SESSION_KEY
    import_title = _("导入 12351 平台工单")
    import_form_template = "admin/petitions/platform_import_form.html"
    import_preview_template = "admin/petitions/platform_import_preview.html"
    actions_list = ("download_platform_template", "import_platform_orders", "export_platform_results")

    def has_platform_permission(self, request, obj=None):
        return request.user.has_perm(services.DISPATCH_PERMISSION)

    @action(description=_("下载平台工单模板"), url_path="platform-template", permissions=["platform"],
            icon="download")
    def download_platform_template(self, request):
        return template_download(write_template, TEMPLATE_NAME)

    @action(description=_("导入平台工单"), url_path="platform-import", permissions=["platform"], icon="upload_file")
    def import_platform_orders(self, request):
        return self._import_view(request)

    @action(description=_("导出办理结果（回传平台）"), url_path="platform-export", permissions=["platform"],
            icon="file_download")
    def export_platform_results(self, request):
        form = PlatformExportForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                return platform_results_response(actor=request.user, start=data["start"], end=data["end"],
                                                 source=data["source"], reveal=data["reveal"],
                                                 reason=data["reason"])
            except PermissionDenied as exc:
                form.add_error("reveal", str(exc))
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
        response = TemplateResponse(request, "admin/petitions/platform_export.html", {
            **self.admin_site.each_context(request), "opts": self.model._meta, "title": "导出办理结果（回传平台）",
            "form": form, "changelist_url": self._import_url("changelist")})
        add_never_cache_headers(response)
        return response

    # --- hooks of the import flow -------------------------------------------------------------

    def import_instructions(self) -> list[str]:
        return instructions()

    def get_import_form(self, request):
        return ImportFileForm(request.POST or None, request.FILES or None)

    def import_preview(self, request, form):
        upload = form.cleaned_data["file"]
        report = import_orders_file(upload, actor=request.user, dry_run=True)
        return self._import_checked(request, upload, report, {}, {"async": report.rows > jobs.SYNC_MAX_ROWS})

    def import_claimed(self, request, entry: dict, name: str):
        if entry["rows"] > jobs.SYNC_MAX_ROWS:
            job = jobs.start_import_job(name=name, filename=entry["filename"], rows=entry["rows"],
                                        organization=acting_organization(request.user), actor=request.user)
            messages.info(request, f"文件较大（{entry['rows']} 行），已转入后台导入，完成后本页显示导入报告。")
            return redirect("jobs:detail", pk=job.pk)
        report = run_stored(name, lambda handle: import_orders_file(handle, actor=request.user))
        return self._import_finish(
            request, report, f"导入完成：新增工单 {report.created} 件，已登记跳过 {report.existing} 件。", entry,
            {"async": False})
