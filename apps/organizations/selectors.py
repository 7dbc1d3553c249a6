"""Reads of the organisation tree. The scope does the filtering; the explicit path
filters here are a second fence."""

from __future__ import annotations

from django.db.models import QuerySet

from .enums import GRASSROOTS_KINDS
from .models import Organization


def organization_subtree(*, root: Organization, include_self: bool = True) -> QuerySet[Organization]:
    """One indexed query: every unit whose path starts with the root's."""
    qs = Organization.objects.filter(path__startswith=root.path)
    if not include_self:
        qs = qs.exclude(pk=root.pk)
    return qs.order_by("path")


def organization_list(*, within: Organization | None, search: str = "", kind: str = "") -> QuerySet[Organization]:
    qs = Organization.objects.all() if within is None else organization_subtree(root=within)
    if kind:
        qs = qs.filter(kind=kind)
    if search:
        qs = qs.filter(name__icontains=search) | qs.filter(code__iexact=search)
    return qs.order_by("path")


def organization_get(*, code: str) -> Organization:
    """Raises Organization.DoesNotExist for a unit outside the scope, like a missing one."""
    return Organization.objects.get(code=code)


def units_count(request=None) -> int:
    """Units of the acting subtree (the admin's home page)."""
    return Organization.objects.count()


def grassroots_units_count(request=None) -> int:
    return Organization.objects.filter(kind__in=GRASSROOTS_KINDS).count()
