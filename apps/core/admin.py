from __future__ import annotations

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .admin_base import ReadOnlyAdmin
from .jobs import jobs_visible
from .models import AuditLog, Job, OutboxMessage
from .outbox import outbox_retry


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor_username", "action", "object_type", "object_repr", "ip_address")
    list_filter = ("action", "object_type")
    search_fields = ("actor_username", "action", "object_repr", "object_id")
    date_hierarchy = "created_at"


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "status", "progress_bar", "organization", "started_by", "page_link")
    list_filter = ("kind", "status")
    list_select_related = ("organization", "started_by")
    exclude = ("result_file",)  # downloaded from the job page (checked and audited), never a direct link

    def get_queryset(self, request):
        return jobs_visible(user=request.user, queryset=super().get_queryset(request))

    @admin.display(description=_("进度"))
    def progress_bar(self, obj: Job):
        return format_html(
            '<progress max="100" value="{}" class="job-progress"></progress> {}%', obj.percent, obj.percent
        )

    @admin.display(description=_("详情"))
    def page_link(self, obj: Job):
        return format_html('<a href="{}">{}</a>', reverse("jobs:detail", args=[obj.pk]), _("查看"))


@admin.action(description="重新发送所选的发送失败消息", permissions=["change"])
def retry_messages(modeladmin, request, queryset):
    moved = sum(outbox_retry(message=m, actor=request.user) for m in queryset)
    modeladmin.message_user(request, f"已将 {moved} 条消息重新放入待发送。", messages.SUCCESS)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    """The outbox (scoped by the recipient's unit): what went out, what waits, what failed and why."""

    list_display = ("created_at", "subject", "organization", "channel", "status", "tries", "sent_at")
    list_filter = ("status", "channel")
    search_fields = ("subject", "dedup_key")
    list_select_related = ("organization",)
    actions = [retry_messages]
    fields = ("subject", "body", "organization", "recipient_member", "recipient_user", "channel", "dedup_key",
              "status", "tries", "last_error", "next_attempt_at", "sent_at", "created_at")
    readonly_fields = fields

    def has_change_permission(self, request, obj=None):
        return obj is None and request.user.has_perm("core.change_outboxmessage")  # the retry action only
