"""Pagination whose pages cost the same in a district and in the whole city.

Counted up to a cap. A list's ``COUNT(*)`` is exact up to ``PAGE_COUNT_CAP`` rows (settings;
counted over a ``LIMIT cap + 1`` subquery, so it never reads more than cap + 1 rows); beyond it
the paginator knows only that there are more, and says so (``count_capped``; the API's
``count_capped`` field, the admin's "5000+"). Without the cap, a filtered list of the city
(``?status=active&women=true`` as the municipal administrator) counted half of 500,000 rows on
every page. Its pages up to the cap are plain offsets inside the first cap rows; "next" is
always offered while rows remain. A page past the cap is a deliberate walk to the far end: it
counts exactly (the one request that pays for the whole list) and is read from the near end.

Read from the near end. A page in the second half of an exactly counted result is read from the
other end: the query's order is reversed, the offset counted from the end, and the rows turned
back in Python. With an index matching the list's order, the last page of 500,000 rows is then
as cheap as the first (an ``OFFSET 499,950`` would walk the whole index).

Used by the admin (``ScopedAdmin``) and the API (``PortalPageNumberPagination``)."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response


def count_cap() -> int:
    return getattr(settings, "PAGE_COUNT_CAP", 5000)


class AtLeast(int):
    """A count that is a lower bound: compares and computes as the number, reads as "5000+"."""

    def __str__(self) -> str:
        return f"{int(self)}+"


class NearEndPaginator(Paginator):
    """Exact count; pages in the second half are read from the near end."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.object_list
        if isinstance(rows, QuerySet) and rows.ordered and bottom > self.count // 2:
            from_end = list(rows.reverse()[self.count - top:self.count - bottom])
            return self._get_page(from_end[::-1], number, self)
        return self._get_page(rows[bottom:top], number, self)


class CappedCountPaginator(NearEndPaginator):
    """Counts exactly up to the cap (see the module docstring); ``count_capped`` tells whether
    ``count`` is only a lower bound."""

    def __init__(self, *args, cap: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.cap = cap or count_cap()
        self.count_capped = False

    @cached_property
    def count(self):
        rows = self.object_list
        if not isinstance(rows, QuerySet):
            return super().count
        seen = rows.order_by().values("pk")[: self.cap + 1].count()
        if seen <= self.cap:
            return seen
        self.count_capped = True
        return AtLeast(self.cap)

    @cached_property
    def num_pages(self):
        self.count  # noqa: B018 -- counting sets count_capped
        if self.count_capped:
            return max(1, self.cap // self.per_page)  # the pages wholly inside the cap
        return super().num_pages

    def count_exactly(self) -> None:
        """Replace a capped count by the exact one (a walk past the cap asked for it)."""
        self.count  # noqa: B018 -- counting sets count_capped
        if self.count_capped:
            self.__dict__["count"] = self.object_list.count()
            self.__dict__.pop("num_pages", None)
            self.count_capped = False

    def page(self, number):
        try:
            wanted = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("页码不是整数。") from None
        if wanted > 1 and wanted * self.per_page > self.cap:
            self.count_exactly()
        self.count  # noqa: B018 -- counting sets count_capped
        if not self.count_capped:
            return super().page(wanted)
        wanted = self.validate_number(wanted)
        bottom = (wanted - 1) * self.per_page
        rows = list(self.object_list[bottom:bottom + self.per_page + 1])  # one more: is there a next page?
        return _CappedPage(rows[:self.per_page], wanted, self, more=len(rows) > self.per_page)


class _CappedPage(Page):
    """A page inside a capped count: whether a next page exists was read with the page (one row
    more), and the next page may lie past the numbered ones."""

    def __init__(self, object_list, number, paginator, *, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self):
        return self.more

    def next_page_number(self):
        if not self.more:
            raise EmptyPage("本页结果为空")
        return self.number + 1


class PortalPageNumberPagination(PageNumberPagination):
    """``count`` is exact up to ``PAGE_COUNT_CAP``; beyond it ``count`` is the cap and
    ``count_capped`` is true (follow ``next`` to go on; ``?page=last`` counts exactly)."""

    django_paginator_class = CappedCountPaginator

    def get_page_number(self, request, paginator):
        page_number = request.query_params.get(self.page_query_param) or 1
        if page_number in self.last_page_strings:
            paginator.count_exactly()
            page_number = paginator.num_pages
        return page_number

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response({
            "count": int(paginator.count),
            "count_capped": paginator.count_capped,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": data,
        })

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count"]["description"] = (
            f"结果总数；超过 {count_cap()} 条时只计到上限，此时 count_capped 为 true。")
        response["properties"]["count_capped"] = {
            "type": "boolean",
            "description": f"为 true 时结果多于 count（只计数到 {count_cap()} 条为止）；请沿 next 继续翻页，"
                           "或用 page=last 到末页（此时精确计数）。",
            "example": False,
        }
        response["properties"] = {key: response["properties"][key]
                                  for key in ("count", "count_capped", "next", "previous", "results")}
        return response
