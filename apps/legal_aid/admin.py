"""Staff admin of the legal-aid centre (Chinese, scoped to the municipal union): consultations
with their thread, assigning a lawyer from the pool and turning one into a petition case —
both through ``consultation_transition``; every open of a detail audited."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action

from apps.accounts.models import User
from apps.core.admin_base import ReadOnlyInline, ScopedAdmin

from . import services
from .enums import ConsultationAction
from .models import Consultation, ConsultationMessage


class MessageInline(ReadOnlyInline):
    model = ConsultationMessage
    fields = ("at", "kind", "author", "text")
    verbose_name_plural = _("咨询记录")


class AssignForm(forms.Form):
    lawyer = forms.ModelChoiceField(label=_("援助律师"), queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lawyer"].queryset = services.lawyer_pool()
        self.fields["lawyer"].label_from_instance = lambda u: f"{u.full_name or u.username}（{u.username}）"


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(label=_("确认将本咨询转为诉求工单（来源：法律援助平台）"))


@admin.register(Consultation)
class ConsultationAdmin(ScopedAdmin):
    list_display = ("title", "category", "status", "asker_unit", "lawyer", "created_at", "case")
    list_filter = ("status", "category")
    search_fields = ("title",)
    list_select_related = ("asker_unit", "lawyer", "case")
    inlines = (MessageInline,)
    actions_detail = ("assign", "to_case")
    fields = ("title", "category", "status", "asker", "asker_unit", "question", "lawyer", "assigned_at",
              "answered_at", "closed_at", "case", "attachment_links", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # members ask from their phone (consultation_ask)

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_assign_permission(self, request, obj=None):
        return request.user.has_perm(services.ASSIGN_PERMISSION)

    def has_to_case_permission(self, request, obj=None):
        return request.user.has_perm(services.ASSIGN_PERMISSION) and request.user.has_perm("petitions.add_case")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        consultation = self.get_object(request, object_id)
        services.consultation_opened(consultation=consultation, actor=request.user, via="admin")
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("附件"))
    def attachment_links(self, obj):
        items = list(obj.attachments.order_by("id"))
        if not items:
            return "—"
        return format_html_join(mark_safe("<br>"), '<a href="{}">{}</a>', (
            (reverse("legal_aid:attachment_download", args=[a.pk]), a.original_name) for a in items))

    def _run(self, request, object_id, *, action_name: str, form_class, title: str):
        consultation = self.get_object(request, object_id)  # scoped: 404 outside, before the permission check
        if not getattr(self, f"has_{action_name}_permission")(request, consultation):
            raise PermissionDenied
        form = form_class(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.consultation_transition(consultation=consultation, action=action_name, actor=request.user,
                                                 lawyer=form.cleaned_data.get("lawyer"))
            except ValidationError as exc:
                for field, errors in (exc.message_dict if hasattr(exc, "error_dict") else
                                      {None: exc.messages}).items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, f"已{ConsultationAction(action_name).label}。")
                return redirect(reverse("admin:legal_aid_consultation_change", args=[consultation.pk]))
        response = TemplateResponse(request, "admin/legal_aid/form.html", {
            **self.admin_site.each_context(request), "opts": self.model._meta, "title": f"{title} · {consultation}",
            "c": consultation, "form": form})
        add_never_cache_headers(response)
        return response

    @action(description=_("分配律师"), url_path="assign")
    def assign(self, request, object_id):
        return self._run(request, object_id, action_name="assign", form_class=AssignForm, title="分配律师")

    @action(description=_("转为诉求工单"), url_path="to-case")
    def to_case(self, request, object_id):
        return self._run(request, object_id, action_name="to_case", form_class=ConfirmForm, title="转为诉求工单")
