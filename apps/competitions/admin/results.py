"""Staff admin for what judging and publishing produce: stage results, awards,
certificates and the talent pool. Read-only and scoped (a unit sees its subtree's)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from apps.core.admin_base import ReadOnlyAdmin

from ..models import Award, Certificate, StageResult, TalentPoolEntry
from .common import WithEditionFilter


@admin.register(StageResult)
class StageResultAdmin(ReadOnlyAdmin):
    list_display = ("entry", "group", "stage", "score", "judges", "rank", "advanced")
    list_filter = ("stage__edition", ("stage", WithEditionFilter), ("entry__group", WithEditionFilter), "advanced")
    search_fields = ("entry__code", "entry__member__name", "entry__team_name")
    list_select_related = ("entry", "entry__member", "entry__group", "stage", "stage__edition")
    fields = ("stage", "entry", "score", "judges", "rank", "advanced")

    @admin.display(description=_("组别"))
    def group(self, obj):
        return obj.entry.group.name


@admin.register(Award)
class AwardAdmin(ReadOnlyAdmin):
    list_display = ("recipient", "name", "kind", "level", "group", "organization", "rank", "edition")
    list_filter = ("edition", "kind", "level", ("group", WithEditionFilter))
    search_fields = ("recipient", "name", "entry__code")
    list_select_related = ("edition", "group", "group__edition", "organization")
    fields = ("edition", "group", "entry", "organization", "kind", "level", "name", "recipient", "rank",
              "created_at")


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ("code", "holder_name", "award", "created_at")
    list_filter = ("award__edition", "award__kind")
    search_fields = ("code", "holder_name")
    list_select_related = ("award",)
    fields = ("code", "holder_name", "award", "created_at")


@admin.register(TalentPoolEntry)
class TalentPoolEntryAdmin(ReadOnlyAdmin):
    list_display = ("teacher", "organization", "edition", "award", "added_at")
    list_filter = ("edition",)
    search_fields = ("member__name",)
    list_select_related = ("member", "organization", "edition", "award")
    fields = ("teacher", "organization", "edition", "award", "added_at")

    @admin.display(description=_("教师"))
    def teacher(self, obj):
        return str(obj.member)  # name and masked ID
