"""Admin: export of the filtered member list to Excel.

* "导出 Excel" (a list action above the changelist) exports the rows the changelist
  currently shows — same filters, search and order — masked. The button carries the
  changelist's query string (``changelist_view`` appends it); a link without one falls
  back to the Referer's query string when the Referer is the changelist.
* "导出完整信息" does the same with full personal data, for holders of the reveal
  permission only, after a confirmation (a POST with a reason); the export and its reason
  are written to the audit log.
* The classic actions "导出所选会员到 Excel" (and its full variant, which first asks for the
  reason on an intermediate page) export the ticked rows.

Up to ``MEMBER_EXPORT_SYNC_LIMIT`` rows the file is the response; a bigger export is
confirmed and then runs as a background job whose page offers the download.
"""

from __future__ import annotations

import copy
from urllib.parse import urlsplit

from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR, IncorrectLookupParameters
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, QueryDict
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from unfold.decorators import action

from .export_jobs import query_params, start_member_export
from .exporting import acting_unit, export_filename, record_export, reveal_reason, sync_limit, xlsx_response
from .services import REVEAL_PERMISSION


class MemberExportAdminMixin:
    export_actions: tuple[str, ...] = ("export_members", "export_members_full")
    export_selected_actions: tuple[str, ...] = ("export_selected", "export_selected_full")
    actions = export_selected_actions

    # --- permissions -------------------------------------------------------------------

    def has_export_permission(self, request, obj=None) -> bool:
        return self.has_view_permission(request, obj)

    def has_export_full_permission(self, request, obj=None) -> bool:
        return self.has_view_permission(request, obj) and request.user.has_perm(REVEAL_PERMISSION)

    # --- list actions (buttons above the changelist) -------------------------------------

    @action(description="导出 Excel", url_path="export-members", icon="download", permissions=["export"])
    def export_members(self, request):
        return self._export_changelist(request, reveal=False)

    @action(description="导出完整信息", url_path="export-members-full", icon="lock_open",
            permissions=["export_full"])
    def export_members_full(self, request):
        return self._export_changelist(request, reveal=True)

    def changelist_view(self, request, extra_context=None):
        """The export buttons carry the changelist's current filters."""
        response = super().changelist_view(request, extra_context)
        query = request.GET.urlencode()
        context = getattr(response, "context_data", None)
        if query and context and context.get("actions_list"):
            ours = {self._export_url(name) for name in self.export_actions}
            for item in context["actions_list"]:
                for entry in [item, *item.get("items", ())]:
                    if entry.get("path") in ours:
                        entry["path"] = f"{entry['path']}?{query}"
        return response

    def _export_url(self, name: str) -> str:
        opts = self.model._meta
        return reverse(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_{name}")

    def _changelist_url(self) -> str:
        opts = self.model._meta
        return reverse(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_changelist")

    def _export_query(self, request) -> str:
        """The changelist's query string: the request's own, else the Referer's when it is
        the changelist page (a button rendered without the filters)."""
        query = request.GET.urlencode()
        if query:
            return query
        referer = urlsplit(request.META.get("HTTP_REFERER", ""))
        same_site = not referer.netloc or referer.netloc == request.get_host()
        if referer.path == self._changelist_url() and same_site:
            return referer.query
        return ""

    def _export_changelist(self, request, *, reveal: bool):
        if request.method not in ("GET", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        query = self._export_query(request)
        changelist_request = copy.copy(request)
        changelist_request.GET = QueryDict(query)
        try:
            queryset = self.get_changelist_instance(changelist_request).queryset
        except IncorrectLookupParameters:
            messages.error(request, "筛选条件无效，请重新筛选后再导出。")
            return redirect(self._changelist_url())
        rows = queryset.count()
        big = rows > sync_limit()
        reason, error = self._reason(request, reveal=reveal)
        if (request.method == "POST" and not error) or not (reveal or big):
            if big:
                job = start_member_export(user=request.user, reveal=reveal, source="admin",
                                          filters=query_params(query), reason=reason)
                messages.info(request, f"导出任务已开始（{rows} 名会员），完成后可在任务页面下载。")
                return redirect("jobs:detail", pk=job.pk)
            return self._export_response(request, queryset, reveal=reveal, via="admin",
                                         filters=query_params(query), reason=reason)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "导出完整信息" if reveal else "导出 Excel",
            "rows": rows,
            "reveal": reveal,
            "big": big,
            "query": query,
            "changelist_url": self._changelist_url() + (f"?{query}" if query else ""),
            "reason": request.POST.get("reason", ""),
            "reason_error": error if request.method == "POST" else "",
        }
        response = TemplateResponse(request, "admin/members/export_confirm.html", context)
        add_never_cache_headers(response)
        return response

    @staticmethod
    def _reason(request, *, reveal: bool) -> tuple[str, str]:
        """A full export is a POST with a reason: (the reason, the error beside the field)."""
        if not reveal:
            return "", ""
        try:
            return reveal_reason(request.POST.get("reason")), ""
        except ValidationError as exc:
            return "", "；".join(exc.messages)

    def _export_response(self, request, queryset, *, reveal: bool, via: str, filters=None, reason: str = ""):
        unit = acting_unit(request.user)
        response, rows = xlsx_response(queryset, filename=export_filename(unit), reveal=reveal)
        record_export(actor=request.user, organization=unit, reveal=reveal, rows=rows, via=via,
                      filters=filters, reason=reason)
        if reveal:
            add_never_cache_headers(response)
        return response

    # --- classic actions on the ticked rows ---------------------------------------------------

    @admin.action(description="导出所选会员到 Excel", permissions=["export"])
    def export_selected(self, request, queryset):
        return self._export_selected(request, queryset, reveal=False)

    @admin.action(description="导出所选会员到 Excel（完整信息）", permissions=["export_full"])
    def export_selected_full(self, request, queryset):
        return self._export_selected(request, queryset, reveal=True)

    def _export_selected(self, request, queryset, *, reveal: bool):
        if reveal and not self.has_export_full_permission(request):
            raise PermissionDenied
        rows = queryset.count()
        reason, error = self._reason(request, reveal=reveal)
        if error:  # an intermediate page asks for the reason, then posts the same action again
            context = {
                **self.admin_site.each_context(request), "opts": self.model._meta, "title": "导出完整信息",
                "rows": rows, "reveal": True, "big": rows > sync_limit(), "query": request.GET.urlencode(),
                "changelist_url": self._changelist_url(), "action": request.POST.get("action", ""),
                "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
                "select_across": request.POST.get("select_across", "0"),
                "reason": "", "reason_error": error if "reason" in request.POST else "",
            }
            response = TemplateResponse(request, "admin/members/export_confirm.html", context)
            add_never_cache_headers(response)
            return response
        if rows > sync_limit():
            if request.POST.get("select_across") == "1":  # every row of the filtered changelist
                job = start_member_export(user=request.user, reveal=reveal, source="admin",
                                          filters=query_params(request.GET.urlencode()), reason=reason)
            else:
                job = start_member_export(user=request.user, reveal=reveal, source="ids",
                                          ids=list(queryset.values_list("pk", flat=True)), reason=reason)
            messages.info(request, f"导出任务已开始（{rows} 名会员），完成后可在任务页面下载。")
            return redirect("jobs:detail", pk=job.pk)
        return self._export_response(request, queryset, reveal=reveal, via="admin:selected",
                                     filters=query_params(request.GET.urlencode()), reason=reason)

    def get_actions(self, request):
        """The export actions stay available even if another mixin redefines ``actions``."""
        actions = super().get_actions(request)
        if self.actions is None or IS_POPUP_VAR in request.GET:
            return actions
        missing = [self.get_action(name) for name in self.export_selected_actions if name not in actions]
        allowed = self._filter_actions_by_permissions(request, [a for a in missing if a])
        for func, name, description in allowed:
            actions[name] = (func, name, description)
        return actions
