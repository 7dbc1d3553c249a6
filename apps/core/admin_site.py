"""The portal's admin site: unfold's, with autocomplete answers a model admin may label.

A model admin with ``autocomplete_labels(objs) -> {pk: text}`` gets those texts in the
searchable pickers (e.g. units shown with their path "海淀区教育工会 › 中关村中学", one query per
page of results); the selected value's label is set the same way by ``ScopedAdmin``.
Installed by ``PortalUnfoldConfig`` in place of unfold's default app config, exactly as unfold
installs its own site.
"""

from __future__ import annotations

from django.apps import AppConfig
from django.contrib import admin
from django.contrib.admin import sites
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from unfold.sites import UnfoldAdminSite


class PortalAutocompleteJsonView(AutocompleteJsonView):
    labels: dict = {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        label = getattr(self.model_admin, "autocomplete_labels", None)
        self.labels = label(list(context["object_list"])) if label else {}
        return context

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        if obj.pk in self.labels:
            result["text"] = self.labels[obj.pk]
        return result


class PortalAdminSite(UnfoldAdminSite):
    def autocomplete_view(self, request):
        return PortalAutocompleteJsonView.as_view(admin_site=self)(request)


class PortalUnfoldConfig(AppConfig):
    """unfold's app (templates, static files) with the portal's site as ``admin.site``."""

    name = "unfold"
    label = "unfold"

    def ready(self):
        site = PortalAdminSite()
        admin.site = site
        sites.site = site
