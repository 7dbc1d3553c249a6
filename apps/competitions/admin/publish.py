"""The edition page's "预览获奖名单" and "发布结果" buttons.

Both call the prizes service (``prize_preview(edition=…)``, ``edition_publish(edition=…,
actor=…)``); publishing is a confirmed POST (CSRF) by a role holding
``competitions.publish_edition`` and is audited by the service. The preview (documented in
services/prizes.py) is shown per group: the ranking with each entry's prize, the group's single-item
and supervisor awards, then the organisation awards, the totals and any warnings.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action

from ..enums import EditionStatus
from ..services.prizes import edition_publish, prize_preview
from .common import error_text, is_keeper

PUBLISH = "competitions.publish_edition"


def organisation_awards(preview: dict) -> list[dict]:
    return [row for row in preview.get("awards", []) if row.get("kind") == "organisation"]


class EditionPublishMixin:
    """Detail buttons of the edition admin."""

    def has_prize_preview_permission(self, request, object_id=None):
        if object_id is None:
            return False
        self.get_object(request, object_id)  # anyone but the municipal admin: a 404
        return is_keeper(request)

    def has_publish_results_permission(self, request, object_id=None):
        if object_id is None:
            return False
        self.get_object(request, object_id)  # a 404 for anyone but the municipal admin
        return request.user.has_perm(PUBLISH)

    def _page(self, request, edition, *, title: str, template: str, **extra):
        preview, error = None, None
        try:
            preview = prize_preview(edition=edition)
        except ValidationError as exc:
            error = error_text(exc)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "title": title,
                   "edition": edition, "preview": preview, "error": extra.pop("error", None) or error,
                   "organisation_awards": organisation_awards(preview) if preview else [],
                   "change_url": reverse("admin:competitions_edition_change", args=[edition.pk]), **extra}
        response = TemplateResponse(request, template, context)
        add_never_cache_headers(response)
        return response

    @action(description=_("预览获奖名单"), url_path="prize-preview", icon="leaderboard",
            permissions=["prize_preview"])
    def prize_preview(self, request, object_id):
        edition = self.get_object(request, object_id)
        return self._page(request, edition, title=f"预览获奖名单：{edition.name}",
                          template="admin/competitions/edition/prize_preview.html")

    @action(description=_("发布结果"), url_path="publish", icon="campaign", permissions=["publish_results"])
    def publish_results(self, request, object_id):
        edition = self.get_object(request, object_id)
        if not request.user.has_perm(PUBLISH):
            raise PermissionDenied
        error = None
        if request.method == "POST":
            if not request.POST.get("confirm"):
                error = "请勾选确认后再发布。"
            else:
                try:
                    edition_publish(edition=edition, actor=request.user)
                except (ValidationError, PermissionDenied) as exc:
                    error = error_text(exc) if isinstance(exc, ValidationError) else str(exc)
                else:
                    messages.success(request, f"已发布“{edition.name}”的比赛结果。")
                    return HttpResponseRedirect(reverse("admin:competitions_edition_change", args=[edition.pk]))
        return self._page(request, edition, title=f"发布结果：{edition.name}",
                          template="admin/competitions/edition/publish.html", error=error,
                          published=edition.status == EditionStatus.PUBLISHED)
