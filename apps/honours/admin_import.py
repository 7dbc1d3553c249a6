"""Admin: the honour-roll template download and the upload → preview → confirm import.

Municipal admin only (``honours.add_honour``). The views only move files and show reports;
every rule lives in ``apps.honours.importing``. The flow (dry run, the upload kept in the
private file storage under a random token, the confirm step claiming it exactly once, so a
double submit cannot import twice) is the members import's ``admin_flow``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from unfold.decorators import action

from apps.core.importing.admin_flow import ImportFileForm, ImportFlowMixin, run_stored, template_download

from .importing import import_honours_file, instructions, write_template

SESSION_KEY = "honour_imports"
TEMPLATE_NAME = "荣誉名册导入模板.xlsx"


class HonourImportAdminMixin(ImportFlowMixin):
    import_actions: tuple[str, ...] = ("download_honour_template", "import_honours")
    import_session_key = SESSION_KEY
    import_title = _("导入荣誉名册")
    import_form_template = "admin/honours/import_form.html"
    import_preview_template = "admin/honours/import_preview.html"

    @action(description=_("下载导入模板"), url_path="download-template", permissions=["add"], icon="download")
    def download_honour_template(self, request):
        return template_download(write_template, TEMPLATE_NAME)

    @action(description=_("导入荣誉名册"), url_path="import-honours", permissions=["add"], icon="upload_file")
    def import_honours(self, request):
        return self._import_view(request)

    # --- hooks of the flow ---------------------------------------------------------------

    def import_instructions(self) -> list[str]:
        return instructions()

    def get_import_form(self, request):
        return ImportFileForm(request.POST or None, request.FILES or None)

    def import_preview(self, request, form):
        upload = form.cleaned_data["file"]
        report = import_honours_file(upload, actor=request.user, dry_run=True)
        return self._import_checked(request, upload, report, {})

    def import_claimed(self, request, entry: dict, name: str):
        report = run_stored(name, lambda handle: import_honours_file(handle, actor=request.user))
        return self._import_finish(request, report, f"导入完成：新增荣誉 {report.created} 条。", entry)
