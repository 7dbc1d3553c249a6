from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .admin_base import ReadOnlyAdmin
from .jobs import jobs_visible
from .models import AuditLog, Job


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
