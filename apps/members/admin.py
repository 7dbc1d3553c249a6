from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.cache import add_never_cache_headers
from unfold.decorators import action

from apps.core.admin_base import ReadOnlyInline, ScopedAdmin

from .admin_export import MemberExportAdminMixin
from .admin_import import MemberImportAdminMixin
from .forms import MemberAddForm, MemberChangeForm, RevealForm
from .models import Member, MemberStatusChange
from .selectors import id_number_filter, member_name_search, members_of_acting_units, young_cutoff
from .services import REVEAL_PERMISSION, member_create, member_reveal, member_update


class YoungFilter(admin.SimpleListFilter):
    title = _("青年教职工（40 岁及以下）")
    parameter_name = "young"

    def lookups(self, request, model_admin):
        return (("1", _("是")), ("0", _("否")))

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(birth_date__gt=young_cutoff())
        if self.value() == "0":
            return queryset.filter(birth_date__lte=young_cutoff())
        return queryset


class StatusChangeInline(ReadOnlyInline):
    model = MemberStatusChange
    fields = ("changed_on", "from_status", "to_status", "reason", "actor")


@admin.register(Member)
class MemberAdmin(MemberImportAdminMixin, MemberExportAdminMixin, ScopedAdmin):
    list_display = ("name", "organization", "branch", "id_number_masked", "gender", "age", "employment_type",
                    "status")
    list_filter = ("status", "employment_type", "gender", YoungFilter)
    search_fields = ("name",)
    list_select_related = ("organization", "branch")
    inlines = (StatusChangeInline,)
    actions_detail = ("reveal",)
    actions_list = MemberImportAdminMixin.import_actions + MemberExportAdminMixin.export_actions
    readonly_when_changing = ("organization", "id_number_masked", "phone_masked", "bank_account_masked", "gender",
                              "birth_date", "age", "is_young", "years_teaching", "status")

    def get_queryset(self, request):
        if request.resolver_match and request.resolver_match.url_name == "members_member_changelist":
            # the changelist walks the member_list_order index by its units' ids (see the selector)
            queryset = members_of_acting_units()
            ordering = self.get_ordering(request)
            return queryset.order_by(*ordering) if ordering else queryset
        return super().get_queryset(request)

    @admin.display(description=_("身份证号"))
    def id_number_masked(self, obj):
        return obj.id_number_masked

    @admin.display(description=_("手机号"))
    def phone_masked(self, obj):
        return obj.phone_masked

    @admin.display(description=_("银行账号"))
    def bank_account_masked(self, obj):
        return obj.bank_account_masked

    @admin.display(description=_("年龄"))
    def age(self, obj):
        return obj.age

    @admin.display(description=_("青年教职工"), boolean=True)
    def is_young(self, obj):
        return obj.is_young

    @admin.display(description=_("教龄（年）"))
    def years_teaching(self, obj):
        return obj.years_teaching

    def get_search_results(self, request, queryset, search_term):
        """Search by name (within the acting subtree first, see ``member_name_search``), or by an
        exact ID number through its keyed hash."""
        by_id = id_number_filter(search_term)
        if by_id is not None:
            return queryset.filter(by_id), False
        return member_name_search(queryset, search_term), False

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = MemberChangeForm if obj else MemberAddForm
        kwargs["fields"] = None
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return MemberAddForm._meta.fields
        return self.readonly_when_changing + MemberChangeForm.admin_fields

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_when_changing if obj else ()

    def save_model(self, request, obj, form, change):
        try:
            if change:
                member_update(member=obj, actor=request.user, **form.changes())
            else:
                data = {k: v for k, v in form.cleaned_data.items() if k not in ("organization", "branch")}
                created = member_create(organization=form.cleaned_data["organization"],
                                        branch=form.cleaned_data.get("branch"), actor=request.user, **data)
                obj.pk = created.pk
        except ValidationError as exc:  # a race lost after the form validated
            raise PermissionDenied("；".join(exc.messages)) from exc

    def get_inlines(self, request, obj):
        return self.inlines if obj else ()  # the history is written by the services only

    def has_delete_permission(self, request, obj=None):
        return False  # memberships end by a status change (退会/转出/去世), never deletion

    def has_reveal_permission(self, request, obj=None):
        return request.user.has_perm(REVEAL_PERMISSION)

    @action(description=_("查看完整个人信息"), url_path="reveal")
    def reveal(self, request, object_id):
        return self.reveal_view(request, object_id)

    def reveal_view(self, request, object_id):
        member = self.get_object(request, object_id)  # scoped: 404 outside
        if member is None:
            raise Http404
        if not self.has_reveal_permission(request, member):
            raise PermissionDenied
        form = RevealForm(request.POST or None)
        revealed = None
        if request.method == "POST" and form.is_valid():
            revealed = member_reveal(member=member, actor=request.user, reason=form.cleaned_data["reason"])
            messages.info(request, _("本次查看已记入审计日志。"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("查看完整个人信息"),
            "member": member,
            "form": form,
            "revealed": revealed,
        }
        response = TemplateResponse(request, "admin/members/reveal.html", context)
        add_never_cache_headers(response)
        return response
