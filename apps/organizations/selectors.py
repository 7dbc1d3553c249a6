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


PATH_SEPARATOR = " › "


def organization_path_labels(orgs) -> dict[int, str]:
    """{pk: "海淀区教育工会 › 中关村中学"} for the given units, in one query for all their
    ancestors: the path from below the municipal union (depth 1, every unit's root) down to the
    unit, so the ~500 units' repeated names (机关工会 …) are told apart. Ancestors outside the
    acting scope are left out (the scope filters them): a district sees paths from itself."""
    orgs = list(orgs)
    steplen = Organization.steplen
    wanted = {o.path[: steplen * d] for o in orgs for d in range(2, o.depth)}
    names = dict(Organization.objects.filter(path__in=wanted).values_list("path", "name")) if wanted else {}
    labels = {}
    for o in orgs:
        parts = [names.get(o.path[: steplen * d]) for d in range(2, o.depth)]
        labels[o.pk] = PATH_SEPARATOR.join([p for p in parts if p] + [o.name])
    return labels
