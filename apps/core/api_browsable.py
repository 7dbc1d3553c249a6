"""The API's HTML pages (what a browser gets from /api/v1/…): the portal's look, Chinese,
read-only. DRF's own pages are English in places (view names, the Bootstrap theme's controls)
and their forms fail the accessibility check; people who write use the JSON API or the pages."""

from __future__ import annotations

from rest_framework.renderers import BrowsableAPIRenderer


class PortalBrowsableAPIRenderer(BrowsableAPIRenderer):
    template = "rest_framework/portal_api.html"

    def show_form_for_method(self, view, method, request, obj):
        return False


def view_name(view) -> str:
    """VIEW_NAME_FUNCTION: "<model's verbose name>列表/详情" instead of "Organization List"."""
    if type(view).__name__ == "APIRootView":
        return "API 目录"
    queryset = getattr(view, "queryset", None)
    meta = getattr(getattr(view, "serializer_class", None), "Meta", None)
    model = queryset.model if queryset is not None else getattr(meta, "model", None)
    if model is not None:
        verbose = model._meta.verbose_name
        return f"{verbose}列表" if getattr(view, "suffix", None) == "List" else f"{verbose}详情"
    return getattr(view, "name", None) or "API 接口"
