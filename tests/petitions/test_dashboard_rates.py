"""The petition rates on the admin home (figures) and the portal home (work queue), from the
one rates selector, scoped to the acting unit, at a fixed number of queries."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.petitions.enums import Action
from tests.conftest import login
from tests.petitions.factories import at, dispatched, make_case, move

pytestmark = pytest.mark.django_db


def figures(client) -> dict[str, str]:
    page = client.get("/admin/").content.decode()
    return dict(re.findall(r'data-figure="([^"]+)">([^<]*)<', page))


def handled(unit, day):
    case = dispatched(unit, when=at(2026, 11, day, 9))
    for action, kw in ((Action.SIGN, {}), (Action.CONTACT, {}), (Action.REPLY, {"reply_text": "已答复"}),
                       (Action.CLOSE, {}), (Action.CALLBACK, {"satisfaction": "satisfied"})):
        move(case, action, at=at(2026, 11, day, 10), **kw)
    return case


def test_rates_on_the_admin_and_portal_homes_scoped_at_fixed_queries(tree, users):
    handled(tree.haidian, 2)
    dispatched(tree.haidian, when=at(2026, 11, 3, 9))  # never signed: overdue by now
    make_case(received_at=at(2026, 11, 4, 9))  # received, not dispatched yet (the municipal union's)

    city = figures(login(users["municipal"]))
    assert (city["诉求办结率"], city["诉求响应率"], city["诉求满意率"], city["超期诉求（件）"]) == (
        "33.3%", "50%", "100%", "1")
    haidian = figures(login(users["haidian"]))
    assert (haidian["诉求办结率"], haidian["诉求响应率"], haidian["诉求解决率"], haidian["超期诉求（件）"]) == (
        "50%", "50%", "100%", "1")
    chaoyang = figures(login(users["chaoyang"]))
    assert (chaoyang["诉求办结率"], chaoyang["超期诉求（件）"]) == ("—", "0")  # none of 海淀's orders

    home = login(users["haidian"]).get("/").content.decode()
    assert 'data-queue-item="2026 年受理诉求"' in home and 'data-count="2"' in home
    assert "响应率 50% · 解决率 100% · 满意率 100% · 办结率 50% · 超期 1 件" in home
    assert "年受理诉求" not in login(users["chaoyang"]).get("/").content.decode()
    assert "诉求办结率" not in login(users["teacher"]).get("/admin/").content.decode()

    client = login(users["haidian"])
    client.get("/admin/")
    with CaptureQueriesContext(connection) as few:
        client.get("/admin/")
    handled(tree.haidian, 5)
    handled(tree.haidian_school, 6)
    dispatched(tree.haidian_school, when=at(2026, 11, 9, 9))
    with CaptureQueriesContext(connection) as more:
        page = client.get("/admin/")
    assert len(more) == len(few), "the rates must not cost a query per case"
    assert 'data-figure="诉求办结率">60%<' in page.content.decode()
