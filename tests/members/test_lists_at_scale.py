"""Member lists at the city's size: name search goes through the acting subtree first, deep
pages are read from the near end with the same rows as a plain OFFSET, and each list page
counts once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.paging import NearEndPaginator
from apps.core.scoping import scope, scopes_disabled
from apps.members.models import Member
from tests.conftest import login
from tests.factories.members import make_member, new_id_number


@pytest.fixture
def namesakes(tree):
    return {
        "haidian": make_member(tree.haidian, name="王晓燕"),
        "haidian_other": make_member(tree.haidian_school.get_parent(), name="李明"),
        "chaoyang": make_member(tree.chaoyang, name="王晓燕"),
    }


def member_queries(captured) -> list[str]:
    return [q["sql"] for q in captured if 'FROM "members_member"' in q["sql"]]


@pytest.mark.parametrize("url", ["/api/v1/members/?search=晓燕", "/admin/members/member/?q=晓燕"])
def test_name_search_is_narrowed_to_the_acting_subtrees_units(users, namesakes, url):
    client = login(users["haidian"])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "王晓燕" in body and "李明" not in body
    searches = [sql for sql in member_queries(captured) if "LIKE" in sql.upper()]
    assert searches and all('"members_member"."organization_id" IN (' in sql for sql in searches), searches
    if url.startswith("/api/"):
        assert [row["id"] for row in response.json()["results"]] == [namesakes["haidian"].pk]  # not 朝阳's


def test_the_municipal_search_sees_the_city(users, namesakes):
    rows = login(users["municipal"]).get("/api/v1/members/?search=王晓燕").json()["results"]
    assert sorted(r["id"] for r in rows) == sorted([namesakes["haidian"].pk, namesakes["chaoyang"].pk])


def test_deep_pages_from_the_near_end_hold_the_same_rows_as_an_offset(tree):
    for i in range(11):
        make_member(tree.haidian if i % 2 else tree.chaoyang, name=f"成员{i % 4}")
    with scopes_disabled():
        ordered = Member.objects.order_by("organization_id", "name", "id")
        expected = list(ordered)
        for per_page, orphans in ((3, 0), (4, 1), (5, 0)):
            paginator = NearEndPaginator(ordered, per_page, orphans=orphans)
            got = [m for number in paginator.page_range for m in paginator.page(number).object_list]
            assert got == expected, (per_page, orphans)


def test_the_last_api_page_is_read_in_reverse_order(users, tree):
    for i in range(7):
        make_member(tree.haidian, name=f"成员{i}")
    client = login(users["municipal"])
    with scope(paths=[tree.root.path]):
        expected = list(Member.objects.order_by("organization_id", "name", "id").values_list("pk", flat=True))
    from apps.core.paging import PortalPageNumberPagination

    PortalPageNumberPagination.page_size, old = 3, PortalPageNumberPagination.page_size
    try:
        with CaptureQueriesContext(connection) as captured:
            last = client.get("/api/v1/members/?page=3").json()
        reads = member_queries(captured)  # now: the log is reset by the next request
        pages = [client.get(f"/api/v1/members/?page={n}").json()["results"] for n in (1, 2)]
    finally:
        PortalPageNumberPagination.page_size = old
    assert [r["id"] for r in pages[0] + pages[1] + last["results"]] == expected
    assert any('ORDER BY "members_member"."organization_id" DESC' in sql for sql in reads), reads


@pytest.mark.parametrize("url", ["/admin/members/member/", "/api/v1/members/", "/admin/members/member/?q=王"])
def test_a_list_page_counts_once(users, namesakes, url):
    client = login(users["municipal"])
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    counts = [sql for sql in member_queries(captured) if "COUNT(" in sql.upper()]
    assert len(counts) == 1, counts


@pytest.mark.parametrize("params", [
    {}, {"q": "王"}, {"status__exact": "active", "o": "1.-0"}, {"young": "1"}, {"gender__exact": "F", "o": "-7"},
    {"o": "2.4"},
])
def test_the_export_jobs_admin_rows_are_the_changelists(users, tree, params):
    """The export job rebuilds the changelist's rows from its query string (no fake request)."""
    from urllib.parse import urlencode

    from apps.members.filters import member_admin_rows

    for i, name in enumerate(["王一", "李二", "王三", "赵四", "王五"]):
        make_member(tree.haidian, name=name, id_number=new_id_number(female=i % 2 == 0),
                    branch=tree.haidian_school if i == 3 else None)
    response = login(users["haidian"]).get("/admin/members/member/?" + urlencode(params))
    shown = list(response.context["cl"].queryset.values_list("pk", flat=True))
    with scope(paths=[tree.haidian.path]):
        rows = list(member_admin_rows(Member.objects.all(), params).values_list("pk", flat=True))
    assert shown and rows == shown


# --- counted up to a cap (PAGE_COUNT_CAP): a filtered list of the whole city never counts all of it ---

def _counts(captured) -> list[str]:
    return [sql for sql in member_queries(captured) if "COUNT(" in sql.upper()]


def test_a_city_wide_filter_counts_only_up_to_the_cap(users, tree, settings):
    settings.PAGE_COUNT_CAP = 4
    for i in range(7):
        make_member(tree.haidian if i % 2 else tree.chaoyang, name=f"女{i}", id_number=new_id_number(female=True))
    make_member(tree.haidian, name="男", id_number=new_id_number(female=False))
    client = login(users["municipal"])
    from apps.core.paging import PortalPageNumberPagination

    PortalPageNumberPagination.page_size, old = 2, PortalPageNumberPagination.page_size
    try:
        with CaptureQueriesContext(connection) as captured:
            data = client.get("/api/v1/members/?status=active&women=true").json()
        counts = _counts(captured)  # now: the next request resets the log
        exact = client.get("/api/v1/members/?status=active&women=true&page=last").json()  # the far end counts
    finally:
        PortalPageNumberPagination.page_size = old
    assert len(counts) == 1 and "LIMIT 5" in counts[0], counts  # never a COUNT over every matching row
    assert data["count"] == 4 and data["count_capped"] is True and data["next"], data
    assert exact["count"] == 7 and exact["count_capped"] is False and exact["next"] is None
    assert len(exact["results"]) == 1
    small = client.get("/api/v1/members/?search=女1").json()
    assert small["count"] == 1 and small["count_capped"] is False


def test_the_admin_says_the_count_is_capped(users, tree, settings):
    settings.PAGE_COUNT_CAP = 4
    for i in range(6):
        make_member(tree.haidian, name=f"成员{i}")
    with CaptureQueriesContext(connection) as captured:
        response = login(users["municipal"]).get("/admin/members/member/?status__exact=active")
    counts = _counts(captured)
    assert len(counts) == 1 and "LIMIT 5" in counts[0], counts
    assert str(response.context["cl"].result_count) == "4+"


def test_following_next_past_the_cap_reaches_every_row_in_order(tree):
    from apps.core.paging import CappedCountPaginator

    for i in range(11):
        make_member(tree.haidian if i % 2 else tree.chaoyang, name=f"成员{i % 4}")
    with scopes_disabled():
        ordered = Member.objects.order_by("organization_id", "name", "id")
        expected = list(ordered)
        for per_page, cap in ((3, 7), (2, 4), (5, 20)):
            got, number = [], 1
            while True:
                page = CappedCountPaginator(ordered, per_page, cap=cap).page(number)  # one request per page
                got += list(page.object_list)
                if not page.has_next():
                    break
                number = page.next_page_number()
            assert got == expected, (per_page, cap)


@pytest.mark.parametrize("url", ["/api/v1/members/", "/admin/members/member/"])
def test_a_list_page_reads_members_by_the_acting_units_ids(users, namesakes, url):
    """The scope decides through the units read first (so it still fails closed: 朝阳's member is
    not listed), and the rows are filtered by those ids, not through the path join."""
    with CaptureQueriesContext(connection) as captured:
        response = login(users["haidian"]).get(url)
    body = response.content.decode()
    assert response.status_code == 200 and "王晓燕" in body and "李明" in body
    rows = [sql for sql in member_queries(captured) if "COUNT(" not in sql.upper()]
    assert rows and all('"members_member"."organization_id" IN (' in sql and "LIKE" not in sql for sql in rows), rows
    if url.startswith("/api/"):
        assert namesakes["chaoyang"].pk not in [r["id"] for r in response.json()["results"]]
    else:
        assert namesakes["chaoyang"].pk not in [m.pk for m in response.context["cl"].result_list]
