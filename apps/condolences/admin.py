"""Staff admin (Chinese, scoped): policies (municipal admin), campaigns (preview → generate,
cancel, grants export), occasions (approve / return), distribution lists (sign-off sheet,
receipts), the grants ledger. Every write goes through the services."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action, display

from apps.core.admin_base import ReadOnlyAdmin, ScopedAdmin
from apps.core.excel import xlsx_attachment, xlsx_filename
from apps.members.masking import mask_id

from . import campaigns, distributions, exporting, occasions, policies
from .enums import CAMPAIGN_KINDS, OCCASION_KINDS, CampaignStatus, Kind, OccasionStatus
from .models import Campaign, Distribution, Grant, Occasion, Policy
from .targeting import target_clean


def _errors(exc: ValidationError) -> str:
    return "；".join(exc.messages)


def _confirm_page(admin_obj, request, obj, title, back, *, needs_reason=False, reason_required=False):
    """A GET of an action shows what it will do; only the confirmed POST acts."""
    context = {**admin_obj.admin_site.each_context(request), "opts": admin_obj.model._meta, "title": title,
               "object": obj, "back": back, "needs_reason": needs_reason, "reason_required": reason_required}
    response = TemplateResponse(request, "admin/condolences/confirm.html", context)
    add_never_cache_headers(response)
    return response


class PolicyForm(forms.ModelForm):
    """The service's checks run at validation, so an error shows beside its field."""

    class Meta:
        model = Policy
        fields = policies.FIELDS

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                policies.clean_values({name: data.get(name) for name in policies.FIELDS})
            except ValidationError as exc:
                self.add_error(None, exc)
        return data


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ("kind", "title", "date", "period_end", "organization", "target")

    def clean(self):
        data = super().clean()
        try:
            data["target"] = target_clean(data.get("target") if isinstance(data.get("target"), dict) else {})
            if data.get("kind") and data.get("date") and data.get("organization"):
                policies.policy_allows_payer(policies.policy_in_force(data["kind"], data["date"]),
                                             data["organization"])
        except ValidationError as exc:
            self.add_error(None, exc)
        return data


@admin.register(Policy)
class PolicyAdmin(ScopedAdmin):
    form = PolicyForm
    list_display = ("kind", "valid_from", "form", "amount", "amount_front_line", "amount_retired", "cap_per_occasion",
                    "cap_per_year", "times_per_year", "payer")
    list_filter = ("kind", "form", "payer")
    fields = policies.FIELDS

    def has_delete_permission(self, request, obj=None):
        return False  # versions are history: a new version replaces an old one from its date

    def save_model(self, request, obj, form, change):
        values = {name: form.cleaned_data.get(name) for name in self.fields}
        try:
            if change:
                saved = policies.policy_update(policy=obj, actor=request.user, **values)
            else:
                saved = policies.policy_create(actor=request.user, **values)
        except ValidationError as exc:
            raise PermissionDenied(_errors(exc)) from exc
        obj.pk = saved.pk


@admin.register(Campaign)
class CampaignAdmin(ScopedAdmin):
    form = CampaignForm
    list_display = ("title", "kind", "date", "organization", "status", "people", "total", "batch")
    list_filter = ("kind", "status")
    search_fields = ("title",)
    list_select_related = ("organization", "batch")
    fields = ("kind", "title", "date", "period_end", "organization", "target")
    readonly_fields = ()
    actions_detail = ("preview_generate", "export_grants", "cancel")

    def get_readonly_fields(self, request, obj=None):
        return self.fields if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        return False

    @display(description=_("人数"))
    def people(self, obj):
        return obj.summary.get("count", "—") if obj.summary else "—"

    @display(description=_("金额或价值（元）"))
    def total(self, obj):
        return obj.summary.get("sum", "—") if obj.summary else "—"

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "kind":
            kwargs["choices"] = [(k, Kind(k).label) for k in CAMPAIGN_KINDS]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            return
        data = form.cleaned_data
        try:
            saved = campaigns.campaign_create(kind=data["kind"], title=data["title"], date=data["date"],
                                              period_end=data.get("period_end"), organization=data["organization"],
                                              target=data.get("target") or {}, actor=request.user)
        except ValidationError as exc:
            raise PermissionDenied(_errors(exc)) from exc
        obj.pk = saved.pk

    @action(description=_("预览并生成"), url_path="generate", icon="play_arrow")
    def preview_generate(self, request, object_id):
        campaign = self.get_object(request, object_id)
        if not request.user.has_perm("condolences.change_campaign"):
            raise PermissionDenied
        error, preview = None, None
        if request.method == "POST" and campaign.status == CampaignStatus.DRAFT:
            try:
                result = campaigns.campaign_generate_start(campaign=campaign, actor=request.user)
            except ValidationError as exc:
                error = _errors(exc)
            else:
                if isinstance(result, Campaign):
                    messages.success(request, f"已生成：{result.summary['count']} 人，共 {result.summary['sum']} 元。")
                    if result.batch_id:
                        return HttpResponseRedirect(reverse("admin:payments_paymentbatch_change", args=[result.batch_id]))
                    return HttpResponseRedirect(reverse("admin:condolences_campaign_change", args=[result.pk]))
                messages.info(request, "人数较多，已转入后台任务生成。")
                return HttpResponseRedirect(reverse("jobs:detail", args=[result.pk]))
        if campaign.status == CampaignStatus.DRAFT:
            try:
                preview = campaigns.campaign_preview(campaign=campaign)
            except ValidationError as exc:
                error = _errors(exc)
        else:
            preview = campaign.summary
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "title": _("预览并生成"),
                   "campaign": campaign, "preview": preview, "error": error,
                   "can_generate": campaign.status == CampaignStatus.DRAFT and preview and preview.get("count")}
        response = TemplateResponse(request, "admin/condolences/campaign_generate.html", context)
        add_never_cache_headers(response)
        return response

    @action(description=_("导出发放明细（脱敏）"), url_path="export", icon="download")
    def export_grants(self, request, object_id):
        campaign = self.get_object(request, object_id)
        grants = Grant.objects.filter(campaign=campaign).order_by("unit__path", "member__name", "id")
        response, _rows = xlsx_attachment(lambda h: exporting.grants_xlsx(grants, h),
                                          xlsx_filename("慰问发放明细", campaign.title))
        return response

    @action(description=_("撤销活动"), url_path="cancel", icon="cancel")
    def cancel(self, request, object_id):
        campaign = self.get_object(request, object_id)
        if not request.user.has_perm("condolences.change_campaign"):
            raise PermissionDenied
        back = reverse("admin:condolences_campaign_change", args=[campaign.pk])
        if request.method != "POST":
            return _confirm_page(self, request, campaign, "撤销活动", back, needs_reason=True)
        try:
            campaigns.campaign_cancel(campaign=campaign, actor=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, "活动已撤销。")
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        return HttpResponseRedirect(reverse("admin:condolences_campaign_change", args=[campaign.pk]))


@admin.register(Occasion)
class OccasionAdmin(ScopedAdmin):
    list_display = ("member", "kind", "date", "unit", "status", "immediate", "created_at")
    list_filter = ("kind", "status")
    list_select_related = ("member", "unit")
    autocomplete_fields = ("member",)
    fields = ("member", "kind", "date", "note", "evidence", "immediate")
    actions_detail = ("approve", "reject")
    actions = ("make_batch",)

    def get_readonly_fields(self, request, obj=None):
        return (*self.fields, "status", "reason") if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        return False

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "kind":
            kwargs["choices"] = [(k, Kind(k).label) for k in OCCASION_KINDS]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            return
        data = form.cleaned_data
        try:
            saved = occasions.occasion_record(member=data["member"], kind=data["kind"], date=data["date"],
                                              note=data.get("note", ""), evidence=data.get("evidence") or None,
                                              immediate=data.get("immediate", False), actor=request.user)
        except ValidationError as exc:
            raise PermissionDenied(_errors(exc)) from exc
        obj.pk = saved.pk

    def _move(self, request, object_id, to):
        occasion = self.get_object(request, object_id)  # another unit's: a 404 first
        if not request.user.has_perm(occasions.APPROVE_PERMISSION):
            raise PermissionDenied
        if request.method != "POST":
            back = reverse("admin:condolences_occasion_change", args=[occasion.pk])
            return _confirm_page(self, request, occasion, str(OccasionStatus(to).label).removeprefix("已"), back,
                                 needs_reason=to == OccasionStatus.REJECTED,
                                 reason_required=to == OccasionStatus.REJECTED)
        try:
            occasions.occasion_transition(occasion=occasion, to=to, actor=request.user,
                                          reason=request.POST.get("reason") or request.GET.get("reason") or "")
            messages.success(request, f"已{OccasionStatus(to).label}。")
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        return HttpResponseRedirect(reverse("admin:condolences_occasion_change", args=[occasion.pk]))

    @action(description=_("批准"), url_path="approve", icon="check")
    def approve(self, request, object_id):
        return self._move(request, object_id, OccasionStatus.APPROVED)

    @action(description=_("退回"), url_path="reject", icon="undo")
    def reject(self, request, object_id):
        return self._move(request, object_id, OccasionStatus.REJECTED)

    @admin.action(description=_("把所选单位已批准的个人慰问生成发放批次"), permissions=("add",))
    def make_batch(self, request, queryset):
        units = {o.unit for o in queryset.select_related("unit")}
        for unit in units:
            try:
                batch = occasions.occasion_batch_create(unit=unit, actor=request.user)
                messages.success(request, f"{unit.name}：已生成发放批次（{batch.item_count} 人）。")
            except ValidationError as exc:
                messages.error(request, f"{unit.name}：{_errors(exc)}")


@admin.register(Distribution)
class DistributionAdmin(ReadOnlyAdmin):
    list_display = ("campaign", "unit", "people", "signed_sheet_name", "created_at")
    list_select_related = ("campaign", "unit")
    fields = ("campaign", "unit", "people", "signed_sheet_name")
    actions_detail = ("sheet",)

    @action(description=_("下载签收表"), url_path="sheet", icon="print")
    def sheet(self, request, object_id):
        distribution = self.get_object(request, object_id)
        response, _rows = xlsx_attachment(lambda h: exporting.signoff_sheet(distribution, h),
                                          xlsx_filename("签收表", distribution.unit.name))
        return response


@admin.register(Grant)
class GrantAdmin(ReadOnlyAdmin):
    list_display = ("member_name", "id_masked", "kind", "form", "amount", "unit", "payer", "campaign", "batch",
                    "received_at")
    list_filter = ("kind", "form", "year")
    list_select_related = ("member", "unit", "payer", "campaign", "batch")
    fields = ("kind", "year", "form", "unit", "payer", "category", "amount", "item_name", "quantity", "campaign",
              "occasion", "batch", "distribution", "received_at")
    actions = ("confirm_receipt",)

    @display(description=_("姓名"))
    def member_name(self, obj):
        return obj.member.name

    @display(description=_("身份证号"))
    def id_masked(self, obj):
        return mask_id(obj.member.id_number)

    @admin.action(description=_("确认所选慰问品已签收"), permissions=("view",))
    def confirm_receipt(self, request, queryset):
        if not request.user.has_perm("condolences.change_distribution"):
            raise PermissionDenied
        total = 0
        by_list: dict[int, list[int]] = {}
        for pk, list_id in queryset.filter(distribution__isnull=False).values_list("pk", "distribution_id"):
            by_list.setdefault(list_id, []).append(pk)
        for list_id, ids in by_list.items():
            total += distributions.distribution_confirm(distribution=Distribution.objects.get(pk=list_id),
                                                        grant_ids=ids, actor=request.user)
        messages.success(request, f"已确认签收 {total} 人。")
