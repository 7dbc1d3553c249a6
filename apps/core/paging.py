"""Pagination whose deep pages cost what the first ones do.

A page in the second half of an ordered result is read from the other end: the query's order
is reversed, the offset counted from the end, and the rows turned back in Python. With an index
matching the list's order, the last page of 500,000 rows is then as cheap as the first (an
``OFFSET 499,950`` would walk the whole index). Used by the admin (``ScopedAdmin``) and the API
(``PortalPageNumberPagination``)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import QuerySet
from rest_framework.pagination import PageNumberPagination


class NearEndPaginator(Paginator):
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


class PortalPageNumberPagination(PageNumberPagination):
    django_paginator_class = NearEndPaginator
