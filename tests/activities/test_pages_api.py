"""The portal section 活动与服务 and /api/v1/welfare/: a member sees what they may apply to and
why not for the rest, applies, waits with a position, withdraws; an organiser draws and anyone
with the seed verifies; another unit's organiser gets a 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from apps.activities.enums import Allocation, ApplicationStatus as S
from apps.activities.models import Application
from apps.core.scoping import scopes_disabled
from tests.activities.factories import bulk_members, make_activity
from tests.competitions.factories import make_teacher
from tests.conftest import login
from tests.core.test_access_matrix import csrf_post, form_post

pytestmark = pytest.mark.django_db


def test_member_page_lists_open_activities_with_refusals_applies_waits_and_withdraws(tree):
    _, session = make_activity(tree.root, title="北戴河疗休养", places=1)
    make_activity(tree.root, title="劳模疗休养", rules=[{"rule": "honoured"}])
    first, me = bulk_members(tree.tsinghua, 2)
    client = login(make_teacher(me))
    page = client.get("/activities/").content.decode()
    assert "北戴河疗休养" in page and "不符合荣誉条件：须为荣誉名册在册的劳模或先进。" in page
    with scopes_disabled():
        from apps.activities.services import application_apply

        held = application_apply(session=session, member=first)
    response = form_post(client, f"/activities/sessions/{session.pk}/apply/", {})
    assert response.status_code == 302
    page = client.get("/activities/").content.decode()
    assert "候补中" in page and "候补第 1 位" in page
    with scopes_disabled():
        mine = Application._base_manager.get(member=me)
        from apps.activities.services import application_withdraw

        application_withdraw(application=held)
    page = client.get("/activities/").content.decode()
    assert "您已从候补递补获得" in page and "已获名额" in page
    assert form_post(client, f"/activities/applications/{mine.pk}/withdraw/", {}).status_code == 302
    with scopes_disabled():
        assert Application._base_manager.get(pk=mine.pk).status == S.WITHDRAWN
    # someone else's application is a 404
    assert form_post(client, f"/activities/applications/{held.pk}/confirm/", {}).status_code == 404


def test_api_apply_draw_and_verify(tree, users):
    activity, session = make_activity(tree.root, allocation=Allocation.DRAW, places=1)
    people = bulk_members(tree.tsinghua, 3)
    for person in people:
        response = csrf_post(login(make_teacher(person)), "/api/v1/welfare/applications/", {"session": session.pk})
        assert response.status_code == 201 and response.json()["status"] == "applied", response.content
    bad = csrf_post(login(make_teacher(bulk_members(tree.haidian, 1)[0])), "/api/v1/welfare/applications/",
                    {"session": 10**9})
    assert bad.status_code == 400 and "session" in bad.json()
    admin = login(users["municipal"])
    early = csrf_post(admin, f"/api/v1/welfare/sessions/{session.pk}/draw/", {"seed": "seed-2025-0001"})
    assert early.status_code == 400 and early.json() == {"session": ["报名截止后才能抽签。"]}
    with scopes_disabled():
        activity.closes_at = timezone.now() - dt.timedelta(minutes=1)
        activity.save()
    assert csrf_post(login(users["haidian"]), f"/api/v1/welfare/sessions/{session.pk}/draw/", {}).status_code == 404
    drawn = csrf_post(admin, f"/api/v1/welfare/sessions/{session.pk}/draw/", {"seed": "seed-2025-0001"})
    assert drawn.status_code == 200 and drawn.json()["draw_seed"] == "seed-2025-0001"
    verify = admin.get(f"/api/v1/welfare/draws/{session.pk}/verify/").json()
    assert (verify["ok"], verify["applicants"], verify["allocated"], verify["waitlist"]) == (True, 3, 1, 2)
    listing = admin.get("/api/v1/welfare/applications/").json()
    rows = listing["results"] if isinstance(listing, dict) else listing
    assert sorted(r["position"] for r in rows if r["status"] == "waitlisted") == [1, 2]
    export = admin.get(f"/api/v1/welfare/sessions/{session.pk}/export/?kind=draw")
    assert export.status_code == 200 and "spreadsheetml" in export["Content-Type"]


def test_teacher_may_not_draw_and_admin_qr_page_shows_the_code(tree, users):
    _, session = make_activity(tree.root, allocation=Allocation.DRAW)
    person, = bulk_members(tree.tsinghua, 1)
    teacher = login(make_teacher(person))
    assert csrf_post(teacher, f"/api/v1/welfare/sessions/{session.pk}/draw/", {}).status_code == 403
    page = login(users["municipal"]).get(f"/activities/sessions/{session.pk}/qr/")
    assert page.status_code == 200 and "data:image/svg+xml;base64," in page.content.decode()
    assert login(users["haidian"]).get(f"/activities/sessions/{session.pk}/qr/").status_code == 404


def test_child_id_numbers_are_masked_in_the_excel_and_the_api(tree, users):
    import io

    from openpyxl import load_workbook

    from apps.activities.enums import ActivityKind
    from apps.members.idgen import make_id_number
    from apps.members.masking import mask_id

    _, camp = make_activity(tree.haidian, kind=ActivityKind.CAMP, rules=[{"rule": "child", "min_age": 6,
                                                                          "max_age": 14}])
    parent, = bulk_members(tree.haidian, 1)
    today = dt.date.today()
    child = make_id_number(today.replace(year=today.year - 9), 77)
    with scopes_disabled():
        from apps.activities.services import application_apply

        application_apply(session=camp, member=parent, child_name="小宇", child_id_number=child)
    clerk = login(users["haidian_clerk"])
    response = clerk.get(f"/activities/sessions/{camp.pk}/export/applicants/")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = [str(c.value) for row in book.active.iter_rows() for c in row if c.value is not None]
    assert "小宇" in cells and child not in " ".join(cells) and mask_id(child) in cells
    api = clerk.get("/api/v1/welfare/applications/").content.decode()
    assert "小宇" in api and child not in api
