"""Staff admin for nomination campaigns (the municipal admin's only) and nominations.

Campaigns are city-wide data: for anyone without the campaign permissions the pages are
a 404 (an object) or a 403 (the list), like titles. Nominations are scoped; they change
only through ``nomination_transition`` by the detail buttons, each shown only when the
move is allowed from the current status and the acting role holds the permission.
Nominees are shown by name and masked ID (a member's ``__str__``), never the full ID.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline
from unfold.decorators import action
from unfold.enums import ActionVariant
from unfold.widgets import (
    UnfoldAdminSelectWidget,
    UnfoldAdminTextareaWidget,
    UnfoldAdminTextInputWidget,
)

from apps.accounts.acting import acting_organization
from apps.core.admin_base import ScopedAdmin
from apps.members.enums import MemberStatus
from apps.members.models import Member
from apps.organizations.enums import GRASSROOTS_KINDS
from apps.organizations.forms import OrganizationPathChoiceField
from apps.organizations.models import Organization

from . import services
from .enums import NOMINATION_MOVES, NominationStatus
from .models import HonourTitle, Nomination, NominationCampaign, NominationQuota

CAMPAIGN_KEEP = "honours.change_nominationcampaign"
SUBMIT = "honours.add_nomination"
REVIEW = "honours.change_nomination"


class NominationQuotaInline(TabularInline):
    model = NominationQuota
    extra = 0
    fields = ("organization", "quota", "used")
    readonly_fields = ("used",)
    autocomplete_fields = ("organization",)

    @admin.display(description=_("已推荐"))
    def used(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        return services.quota_used(campaign=obj.campaign, organization=obj.organization)


@admin.register(NominationCampaign)
class NominationCampaignAdmin(ScopedAdmin):
    list_display = ("name", "year", "opens_on", "closes_on")
    search_fields = ("name",)
    list_filter = ("year",)
    fields = ("year", "name", "titles", "opens_on", "closes_on")
    filter_horizontal = ("titles",)
    inlines = [NominationQuotaInline]

    @staticmethod
    def _keeper(request) -> bool:
        return request.user.has_perm(CAMPAIGN_KEEP)

    def has_module_permission(self, request):
        return self._keeper(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._keeper(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return self._keeper(request) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return self._keeper(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # a campaign with nominations is protected; keep the record

    def get_object(self, request, object_id, from_field=None):
        if not self._keeper(request):
            raise Http404
        return super().get_object(request, object_id, from_field)

    def save_model(self, request, obj, form, change):
        try:
            services.campaign_save(campaign=obj, actor=request.user)
        except ValidationError as exc:
            raise PermissionDenied("；".join(exc.messages)) from exc

    def save_formset(self, request, form, formset, change):
        for quota in formset.save(commit=False):
            try:
                services.quota_save(quota=quota, actor=request.user)
            except ValidationError as exc:
                raise PermissionDenied("；".join(exc.messages)) from exc
        formset.save_m2m()


class ConfirmForm(forms.Form):
    pass


class ReturnForm(forms.Form):
    reason = forms.CharField(label="退回原因", widget=forms.Textarea(attrs={"rows": 3}))


class NoticeForm(forms.Form):
    notice_start = forms.DateField(label="公示开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    notice_end = forms.DateField(label="公示结束日期", widget=forms.DateInput(attrs={"type": "date"}))


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label="决定", choices=[("approve", "批准"), ("reject", "不予通过")])
    reason = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class NominationAddForm(forms.Form):
    """What a unit fills in to nominate; every rule (window, title, quota under a lock,
    once per campaign, scope) is ``services.nomination_submit``'s."""

    campaign = forms.ModelChoiceField(label="推荐评选", queryset=NominationCampaign.objects.none(),
                                      widget=UnfoldAdminSelectWidget)
    title = forms.ModelChoiceField(label="推荐称号", queryset=HonourTitle.objects.none(), widget=UnfoldAdminSelectWidget)
    member = forms.ModelChoiceField(label="被推荐人（个人称号）", required=False, queryset=Member._base_manager.none(),
                                    widget=UnfoldAdminSelectWidget, help_text="本单位（及下属）在会会员，身份证号脱敏显示。")
    collective_name = forms.CharField(label="被推荐集体（集体称号）", required=False, max_length=200,
                                      widget=UnfoldAdminTextInputWidget)
    organization = OrganizationPathChoiceField(label="集体所属基层工会", required=False,
                                               queryset=Organization._base_manager.none(),
                                               widget=UnfoldAdminSelectWidget,
                                          help_text="仅集体称号填写；个人称号取会员所在工会。")
    deed_summary = forms.CharField(label="主要事迹", widget=UnfoldAdminTextareaWidget(attrs={"rows": 6}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["campaign"].queryset = NominationCampaign.objects.filter(
            opens_on__lte=today, closes_on__gte=today).order_by("-year", "-id")
        self.fields["title"].queryset = HonourTitle.objects.filter(is_active=True, campaigns__closes_on__gte=today,
                                                                   campaigns__opens_on__lte=today).distinct()
        self.fields["member"].queryset = (Member.objects.filter(status=MemberStatus.ACTIVE)  # scoped
                                          .select_related("organization").order_by("organization__path", "name", "id"))
        self.fields["organization"].queryset = Organization.objects.filter(kind__in=GRASSROOTS_KINDS).order_by("path")
        acting = acting_organization(user) if user is not None else None
        if acting is not None and acting.kind in GRASSROOTS_KINDS:
            self.fields["organization"].initial = acting.pk


@admin.register(Nomination)
class NominationAdmin(ScopedAdmin):
    list_display = ("nominee", "title", "campaign", "organization", "status")
    list_filter = ("status", "campaign", "title")
    search_fields = ("member__name", "collective_name")
    list_select_related = ("title", "campaign", "organization", "member")
    fields = ("campaign", "title", "nominee", "organization", "deed_summary", "status", "return_reason",
              "notice_start", "notice_end", "honour", "material_links", "submitted_by", "submitted_at")
    readonly_fields = fields
    actions_detail = ["submit_nomination", "review_pass", "review_return", "put_on_notice", "decide"]

    @admin.display(description=_("被推荐人"))
    def nominee(self, obj):
        return str(obj.member) if obj.member_id else obj.collective_name  # a member's str is masked

    @admin.display(description=_("推荐材料"))
    def material_links(self, obj):
        """Links to the permission-checked download view; files are never served directly."""
        materials = list(obj.materials.order_by("id")) if obj is not None and obj.pk else []
        if not materials:
            return "—"
        return format_html_join(
            mark_safe("<br>"), '<a class="underline" href="{}" data-testid="material-link">{}</a>（{}，{} KB）',
            ((reverse("honours:material_download", args=[m.pk]), m.name, m.get_kind_display(),
              max(1, round(m.size / 1024))) for m in materials))

    def has_add_permission(self, request):
        return request.user.has_perm(SUBMIT)  # units; the add view goes through nomination_submit

    def add_view(self, request, form_url="", extra_context=None):
        """Nominate through ``services.nomination_submit``: the window, the title, the unit's
        quota (locked, so two clerks never exceed it) and once per campaign are checked there;
        its Chinese messages are shown on the form and nothing is written."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = NominationAddForm(request.POST or None, user=request.user,
                                 initial={"campaign": request.GET.get("campaign")})  # 新增推荐 on the campaign page
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                nomination = services.nomination_submit(
                    campaign=data["campaign"], title=data["title"], deed_summary=data["deed_summary"],
                    actor=request.user, member=data.get("member"), collective_name=data.get("collective_name", ""),
                    organization=None if data.get("member") else data.get("organization"))
            except ValidationError as exc:
                for text in exc.messages:
                    form.add_error(None, text)
            else:
                left = services.campaign_quota_summary(campaign=nomination.campaign,
                                                       organization=nomination.organization)
                tail = f"本单位名额剩余 {left['left']} 个。" if left else ""
                self.message_user(request, f"已登记推荐：{nomination}（草稿）。{tail}上传材料后请点击“基层推荐”报送。",
                                  messages.SUCCESS)
                return redirect(reverse("admin:honours_nomination_change", args=[nomination.pk]))
        context = {**self.admin_site.each_context(request), "title": "新增推荐", "form": form,
                   "opts": self.model._meta, "changelist_url": reverse("admin:honours_nomination_changelist")}
        response = TemplateResponse(request, "admin/honours/nomination/add.html", context)
        add_never_cache_headers(response)
        return response

    def has_change_permission(self, request, obj=None):
        return False  # read-only; statuses move by the detail buttons

    def has_delete_permission(self, request, obj=None):
        return False

    # --- the cascade ---------------------------------------------------------------

    def _allowed(self, request, object_id, perm: str, to: str) -> bool:
        if not request.user.has_perm(perm):
            return False
        nomination = self.get_object(request, object_id)  # scoped: outside → 404
        return to in NOMINATION_MOVES[NominationStatus(nomination.status)]

    def has_submit_nomination_permission(self, request, object_id=None):
        return object_id is not None and self._allowed(request, object_id, SUBMIT, NominationStatus.RECOMMENDED)

    def has_review_permission(self, request, object_id=None):
        return object_id is not None and self._allowed(request, object_id, REVIEW, NominationStatus.INITIAL_APPROVED)

    def has_notice_permission(self, request, object_id=None):
        return object_id is not None and self._allowed(request, object_id, REVIEW, NominationStatus.NOTICE)

    def has_decide_permission(self, request, object_id=None):
        return object_id is not None and self._allowed(request, object_id, REVIEW, NominationStatus.REJECTED)

    def _step(self, request, object_id, *, title: str, form_class, to):
        nomination = self.get_object(request, object_id)
        change_url = reverse("admin:honours_nomination_change", args=[nomination.pk])
        form = form_class(request.POST) if request.method == "POST" else form_class()
        if request.method == "POST" and form.is_valid():
            data = dict(form.cleaned_data)
            target = to(data) if callable(to) else to
            try:
                services.nomination_transition(nomination=nomination, to=target, actor=request.user, **data)
            except ValidationError as exc:
                for text in exc.messages:
                    form.add_error(None, text)
            else:
                self.message_user(request, f"已改为“{NominationStatus(target).label}”。", messages.SUCCESS)
                return redirect(change_url)
        context = {**self.admin_site.each_context(request), "title": title, "form": form,
                   "nomination": nomination, "change_url": change_url, "opts": self.model._meta}
        return TemplateResponse(request, "admin/honours/nomination/transition.html", context)

    @action(description="基层推荐", url_path="submit", permissions=["submit_nomination"])
    def submit_nomination(self, request, object_id):
        return self._step(request, object_id, title="基层推荐（报送市级）", form_class=ConfirmForm,
                          to=NominationStatus.RECOMMENDED)

    @action(description="初审通过", url_path="review-pass", permissions=["review"], variant=ActionVariant.SUCCESS)
    def review_pass(self, request, object_id):
        return self._step(request, object_id, title="市级初审通过", form_class=ConfirmForm,
                          to=NominationStatus.INITIAL_APPROVED)

    @action(description="退回", url_path="return", permissions=["review"], variant=ActionVariant.DANGER)
    def review_return(self, request, object_id):
        return self._step(request, object_id, title="退回基层（须填写原因）", form_class=ReturnForm,
                          to=NominationStatus.RETURNED)

    @action(description="公示", url_path="notice", permissions=["notice"])
    def put_on_notice(self, request, object_id):
        return self._step(request, object_id, title="公示", form_class=NoticeForm, to=NominationStatus.NOTICE)

    @action(description="批准/不予通过", url_path="decide", permissions=["decide"])
    def decide(self, request, object_id):
        def to(data):
            decision = data.pop("decision")
            return NominationStatus.APPROVED if decision == "approve" else NominationStatus.REJECTED
        return self._step(request, object_id, title="评选决定", form_class=DecideForm, to=to)
