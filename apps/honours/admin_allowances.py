"""Staff admin for allowance schedules (municipal admin only; a 404 for anyone else).

The "生成发放批次" button shows the preview (count, sum, by title) for a period, then a
confirmed POST generates the payments batch and opens it.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline
from unfold.decorators import action

from apps.core.admin_base import ReadOnlyInline, ScopedAdmin

from . import allowances
from .allowance_models import AllowanceRate, AllowanceRun, AllowanceSchedule

SCHEDULE_VIEW = "honours.view_allowanceschedule"
SCHEDULE_CHANGE = "honours.change_allowanceschedule"


class AllowanceRateInline(TabularInline):
    """The amounts per level are part of the schedule: whoever may add or change a schedule
    edits them (saved with it through the service)."""

    model = AllowanceRate
    extra = 0
    min_num = 1
    fields = ("level", "amount")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(SCHEDULE_VIEW)

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm(SCHEDULE_CHANGE)

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm(SCHEDULE_CHANGE)

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm(SCHEDULE_CHANGE)


class AllowanceRunInline(ReadOnlyInline):
    model = AllowanceRun
    fields = ("period", "batch", "created_by", "created_at")


@admin.register(AllowanceSchedule)
class AllowanceScheduleAdmin(ScopedAdmin):
    """City-wide data, like the honour titles: only the municipal admin's role sees it."""

    list_display = ("name", "kind", "qualifies_on_roll_only", "requires_beijing_residence", "awarded_in_year", "active",
                    "created_at")
    list_filter = ("kind", "active")
    search_fields = ("name",)
    fields = ("name", "kind", "qualifies_on_roll_only", "requires_beijing_residence", "awarded_in_year", "active")
    inlines = (AllowanceRateInline, AllowanceRunInline)
    actions_detail = ("generate_batch",)

    def get_object(self, request, object_id, from_field=None):
        if not request.user.has_perm(SCHEDULE_VIEW):
            raise Http404
        return super().get_object(request, object_id, from_field)

    def has_delete_permission(self, request, obj=None):
        return False  # retire a schedule with 启用 = off; its runs keep the history

    # Adding and changing go through the services (validation, rates, audit): the schedule and
    # its rate inline are saved together in ``save_related``, never by the ModelForm.
    def save_model(self, request, obj, form, change):
        pass

    def save_related(self, request, form, formsets, change):
        [rate_forms] = [f for f in formsets if f.model is AllowanceRate]
        rates = {f.cleaned_data["level"]: f.cleaned_data["amount"] for f in rate_forms.forms
                 if f.cleaned_data and not f.cleaned_data.get("DELETE")}
        fields = {name: form.cleaned_data[name] for name in self.fields if name in form.cleaned_data}
        try:
            if change:
                schedule = allowances.allowance_schedule_update(schedule=form.instance, actor=request.user,
                                                                rates=rates, **fields)
            else:
                schedule = allowances.allowance_schedule_create(actor=request.user, rates=rates, **fields)
        except ValidationError as exc:
            raise PermissionDenied("；".join(exc.messages)) from exc
        form.instance.pk = schedule.pk
        # the admin's change message reads what each formset saved: the service saved the rates
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    @action(description=_("生成发放批次"), url_path="generate-batch", icon="payments")
    def generate_batch(self, request, object_id):
        schedule = self.get_object(request, object_id)  # a 404 for anyone but the municipal admin
        if not request.user.has_perm(SCHEDULE_CHANGE):
            raise PermissionDenied
        period = (request.POST.get("period") or request.GET.get("period") or "").strip()
        preview, error = None, None
        if period:
            try:
                if request.method == "POST" and request.POST.get("confirm"):
                    run = allowances.allowance_generate(schedule=schedule, period=period, actor=request.user)
                    messages.success(request, f"已生成发放批次：{run.batch.item_count} 笔，共 {run.batch.total_amount} 元。")
                    return HttpResponseRedirect(reverse("admin:payments_paymentbatch_change", args=[run.batch_id]))
                preview = allowances.allowance_preview(schedule, period)
            except ValidationError as exc:
                error = "；".join(exc.messages)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "title": _("生成发放批次"),
                   "schedule": schedule, "period": period, "preview": preview, "error": error}
        response = TemplateResponse(request, "admin/honours/allowance_generate.html", context)
        add_never_cache_headers(response)
        return response
