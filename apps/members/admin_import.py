"""Admin: the template download and the upload → preview → confirm import.

The views only move files and show reports; every rule lives in ``apps.members.importing``.
The target unit is chosen among the grassroots unions of the acting scope (another
district's unit is not even a choice); the flow (a dry run, the stored upload claimed once
by the confirm step, so a double submit cannot import twice) is ``importing.admin_flow``.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action
from unfold.widgets import UnfoldAdminSelectWidget

from apps.accounts.acting import acting_organization
from apps.core.enums import JobKind
from apps.core.jobs import job_start
from apps.organizations.enums import GRASSROOTS_KINDS
from apps.organizations.models import Organization

from apps.core.importing import uploads
from apps.core.importing.admin_flow import ImportFileForm, ImportFlowMixin, run_stored, template_download
from .importing import import_members_file, write_template
from .importing.columns import instructions

SYNC_MAX_ROWS = 3000  # bigger files are imported by a Celery job with a progress bar
SESSION_KEY = "member_imports"
TEMPLATE_NAME = "会员名册导入模板.xlsx"


class MemberImportForm(ImportFileForm):
    organization = forms.ModelChoiceField(label=_("导入到（基层工会）"), queryset=Organization._base_manager.none(),
                                          widget=UnfoldAdminSelectWidget,
                                          help_text=_("“所属工会编码”为空的行登记在此单位。"))
    field_order = ("organization", "file")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = Organization.objects.filter(kind__in=GRASSROOTS_KINDS).order_by("path")  # scoped
        self.fields["organization"].queryset = units
        acting = acting_organization(user) if user is not None else None
        if acting is not None and acting.kind in GRASSROOTS_KINDS:
            self.fields["organization"].initial = acting.pk


class MemberImportAdminMixin(ImportFlowMixin):
    import_actions: tuple[str, ...] = ("download_template", "import_members")
    import_session_key = SESSION_KEY
    import_title = _("导入会员")
    import_form_template = "admin/members/import_form.html"
    import_preview_template = "admin/members/import_preview.html"

    @action(description=_("下载导入模板"), url_path="download-template", permissions=["add"], icon="download")
    def download_template(self, request):
        return template_download(write_template, TEMPLATE_NAME)

    @action(description=_("导入会员"), url_path="import-members", permissions=["add"], icon="upload_file")
    def import_members(self, request):
        return self._import_view(request)

    # --- hooks of the flow ---------------------------------------------------------------

    def import_instructions(self) -> list[str]:
        return instructions()

    def get_import_form(self, request):
        return MemberImportForm(request.POST or None, request.FILES or None, user=request.user)

    def import_preview(self, request, form):
        """The dry run of the upload into the chosen unit."""
        organization = form.cleaned_data["organization"]
        upload = form.cleaned_data["file"]
        report = import_members_file(upload, organization=organization, actor=request.user, dry_run=True)
        return self._import_checked(request, upload, report, {"organization": organization.pk}, {
            "organization": organization, "async": report.rows > SYNC_MAX_ROWS})

    def import_claimed(self, request, entry: dict, name: str):
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
        report = run_stored(name, lambda handle: import_members_file(handle, organization=organization,
                                                                     actor=request.user))
        return self._import_finish(request, report, f"导入完成：新增会员 {report.created} 名。", entry, {
            "organization": organization, "async": False})


def _task():
    from .import_jobs import import_members_job

    return import_members_job
