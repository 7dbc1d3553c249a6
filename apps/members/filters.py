"""The member lists' filters as data, shared by the API list, the admin changelist's export and
the export job (which stores only the query string and rebuilds the rows from it here)."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from apps.organizations.filters import SubtreeFilter

from .enums import EmploymentType, Gender, MemberStatus
from .models import Member
from .selectors import id_number_filter, member_name_search, young_cutoff


class MemberUnitFilter(SubtreeFilter):
    """Members hang off their grassroots union; a branch code narrows to that branch."""

    def narrow(self, qs, root):
        qs = qs.filter(organization__path__startswith=root.grassroots_path())
        return qs if root.is_grassroots else qs.filter(branch__path__startswith=root.path)


def _young(queryset, value: bool):
    cutoff = young_cutoff()
    return queryset.filter(birth_date__gt=cutoff) if value else queryset.filter(birth_date__lte=cutoff)


def _search(queryset, value: str):
    by_id = id_number_filter(value)
    return queryset.filter(by_id) if by_id is not None else member_name_search(queryset, value)


class MemberFilter(django_filters.FilterSet):
    """The API list's filters (``/api/v1/members/``)."""

    unit = MemberUnitFilter()
    status = django_filters.ChoiceFilter(choices=MemberStatus.choices)
    employment_type = django_filters.ChoiceFilter(choices=EmploymentType.choices)
    young = django_filters.BooleanFilter(method="filter_young", label="青年教职工（40 岁及以下）")
    women = django_filters.BooleanFilter(method="filter_women", label="女职工")
    search = django_filters.CharFilter(method="filter_search", label="姓名或身份证号（精确）")

    class Meta:
        model = Member
        fields = ()

    def filter_young(self, queryset, name, value):
        return _young(queryset, value)

    def filter_women(self, queryset, name, value):
        return queryset.filter(gender=Gender.FEMALE) if value else queryset.exclude(gender=Gender.FEMALE)

    def filter_search(self, queryset, name, value):
        return _search(queryset, value)


# The admin changelist's parameters (list_filter, search box, column sort) as the export job reads them.
ADMIN_CHOICE_PARAMS = {"status__exact": "status", "employment_type__exact": "employment_type",
                       "gender__exact": "gender"}
# the changelist's column positions (0 is the action checkbox) → what it sorts by; a unit sorts by its path
ADMIN_SORT_COLUMNS = {1: "name", 2: "organization__path", 3: "branch__path", 5: "gender", 7: "employment_type",
                      8: "status"}
DEFAULT_ORDERING = tuple(Member._meta.ordering)  # the changelist's order without a column sort


def member_admin_rows(queryset: QuerySet, params: dict[str, str]) -> QuerySet:
    """The rows of the admin changelist for its query string (filters, ``q`` and ``o``)."""
    for param, field in ADMIN_CHOICE_PARAMS.items():
        if params.get(param):
            queryset = queryset.filter(**{field: params[param]})
    if params.get("young") in ("1", "0"):
        queryset = _young(queryset, params["young"] == "1")
    if params.get("q", "").strip():
        queryset = _search(queryset, params["q"])
    ordering = []
    for part in (params.get("o") or "").split("."):
        column = part.lstrip("-")
        if column.isdigit() and int(column) in ADMIN_SORT_COLUMNS:
            ordering.append(("-" if part.startswith("-") else "") + ADMIN_SORT_COLUMNS[int(column)])
    return queryset.order_by(*ordering, "-pk") if ordering else queryset.order_by(*DEFAULT_ORDERING)

