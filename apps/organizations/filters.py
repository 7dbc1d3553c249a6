"""The "unit including its subtree" filter every API list shares."""

from __future__ import annotations

import django_filters

from .models import Organization


class SubtreeFilter(django_filters.CharFilter):
    """A unit code → the rows of that unit and every unit below it. The look-up goes through
    the scoped manager, so a code outside the acting subtree filters to nothing."""

    def __init__(self, *, path_field: str = "organization__path", **kwargs):
        kwargs.setdefault("label", "单位编码（含下级）")
        super().__init__(**kwargs)
        self.path_field = path_field

    def filter(self, qs, value):
        if not value:
            return qs
        root = Organization.objects.filter(code=value).first()
        return self.narrow(qs, root) if root is not None else qs.none()

    def narrow(self, qs, root: Organization):
        return qs.filter(**{f"{self.path_field}__startswith": root.path})
