"""/api/v1/competitions/editions|groups|quotas: who reads, who writes, what each unit sees."""

from __future__ import annotations

import json

import pytest

from apps.competitions.enums import EditionStatus, EntryStatus
from apps.competitions.models import Edition, Group, UnitQuota
from apps.core.models import AuditLog
from apps.core.scoping import scopes_disabled
from tests.competitions.factories import make_edition, make_entry, make_quota
from tests.conftest import login
from tests.factories.members import make_member

pytestmark = pytest.mark.django_db

EDITIONS = "/api/v1/competitions/editions/"
GROUPS = "/api/v1/competitions/groups/"
QUOTAS = "/api/v1/competitions/quotas/"


def send(client, method: str, url: str, data: dict):
    client.get("/")
    token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
    return getattr(client, method)(url, data=json.dumps(data), content_type="application/json",
                                   HTTP_X_CSRFTOKEN=token)


@pytest.fixture
def setup(tree):
    """An open edition (理科 with 清华 5 places, 2 approved + 1 waiting) and a draft one."""
    edition = make_edition()
    group = edition.groups.get()
    quota = make_quota(group, tree.tsinghua, 5)
    for i in range(2):
        make_entry(group, make_member(tree.tsinghua, name=f"清华{i}"))
    make_entry(group, make_member(tree.tsinghua, name="待审"), status=EntryStatus.SUBMITTED)
    draft = make_edition(series="jjb", number=5, year=2026, status=EditionStatus.DRAFT)
    return edition, group, quota, draft


def test_teachers_and_judges_read_open_editions_with_structure(setup, users):
    edition, group, _, draft = setup
    for key in ("teacher", "judge"):
        data = login(users[key]).get(EDITIONS).json()
        assert [r["id"] for r in data["results"]] == [edition.pk], key  # not the draft
        (row,) = data["results"]
        assert row["registration_open"] is True and row["status"] == "open" and row["status_label"] == "报名中"
        assert row["series"] == "qjs" and [g["name"] for g in row["groups"]] == ["理科"]
        (stage,) = row["stages"]
        assert [(c["name"], c["weight"]) for c in stage["criteria"]] == [
            ("教学设计", "20.00"), ("课堂教学", "75.00"), ("教学反思", "5.00")]
        assert row["groups"][0]["my_quota"] is None
        assert login(users[key]).get(f"{EDITIONS}{draft.pk}/").status_code == 404, key


def test_staff_see_drafts_and_only_their_own_quota(setup, users):
    edition, group, _, draft = setup
    data = login(users["tsinghua"]).get(EDITIONS).json()
    assert {r["id"] for r in data["results"]} == {edition.pk, draft.pk}
    row = next(r for r in data["results"] if r["id"] == edition.pk)
    assert row["groups"][0]["my_quota"] == {"quota": 5, "used": 2, "left": 3}
    assert login(users["tsinghua"]).get(f"{GROUPS}{group.pk}/").json()["my_quota"] == {"quota": 5, "used": 2,
                                                                                       "left": 3}
    for key in ("haidian", "municipal", "haidian_clerk"):
        assert login(users[key]).get(f"{GROUPS}{group.pk}/").json()["my_quota"] is None, key


def test_anonymous_is_refused(setup):
    from django.test import Client

    assert Client().get(EDITIONS).status_code in (401, 403)


def test_only_the_municipal_admin_creates_an_edition_in_preparation(setup, users):
    payload = {"series": "qgs", "number": 3, "year": 2025, "name": "第三届青管赛",
               "registration_opens": "2025-03-01T08:00:00+08:00", "registration_closes": "2025-04-01T08:00:00+08:00",
               "participating_units": ["U-THU"]}
    for key in ("haidian", "tsinghua", "teacher", "judge"):
        assert send(login(users[key]), "post", EDITIONS, payload).status_code == 403, key
    response = send(login(users["municipal"]), "post", EDITIONS, payload)
    assert response.status_code == 201, response.content
    edition = Edition.objects.get(pk=response.json()["id"])
    assert edition.status == EditionStatus.DRAFT and response.json()["participating_units"] == ["U-THU"]
    assert AuditLog._base_manager.filter(action="edition.create", object_id=str(edition.pk)).count() == 1
    bad = send(login(users["municipal"]), "post", EDITIONS, {**payload, "number": 4,
                                                            "registration_closes": "2025-02-01T08:00:00+08:00"})
    assert bad.status_code == 400 and bad.json() == {"registration_closes": ["报名截止时间应晚于报名开始时间。"]}


def test_only_the_municipal_admin_edits_an_edition(setup, users):
    edition = setup[0]
    for key in ("haidian", "tsinghua", "teacher"):
        assert send(login(users[key]), "patch", f"{EDITIONS}{edition.pk}/", {"name": "改"}).status_code == 403, key
    response = send(login(users["municipal"]), "patch", f"{EDITIONS}{edition.pk}/", {"name": "第14届（改）",
                                                                                   "status": "published"})
    assert response.status_code == 200 and response.json()["name"] == "第14届（改）"
    assert Edition.objects.get(pk=edition.pk).status == EditionStatus.OPEN  # status is not edited


def test_status_action_moves_and_refuses_clearly(setup, users):
    draft = setup[3]
    url = f"{EDITIONS}{draft.pk}/status/"
    assert send(login(users["tsinghua"]), "post", url, {"to": "open"}).status_code == 403
    municipal = login(users["municipal"])
    response = send(municipal, "post", url, {"to": "open"})
    assert response.status_code == 200 and response.json()["status"] == "open"
    wrong = send(municipal, "post", url, {"to": "published"})
    assert wrong.status_code == 400 and "发布结果请用发布功能" in wrong.json()["to"][0]
    back = send(municipal, "post", f"{EDITIONS}{setup[0].pk}/status/", {"to": "open"})  # already open: no-op
    assert back.status_code == 200
    assert list(AuditLog._base_manager.filter(action__startswith="edition.").values_list("action", flat=True)) == [
        "edition.open"]


def test_groups_filter_by_edition_and_municipal_adds_one(setup, users):
    edition, group, _, draft = setup
    data = login(users["tsinghua"]).get(f"{GROUPS}?edition={edition.pk}").json()
    assert [r["id"] for r in data["results"]] == [group.pk]
    payload = {"edition": draft.pk, "name": "团队组", "code": "team", "entry_kind": "team", "team_size": 1}
    assert send(login(users["haidian"]), "post", GROUPS, payload).status_code == 403
    municipal = login(users["municipal"])
    bad = send(municipal, "post", GROUPS, payload)
    assert bad.status_code == 400 and bad.json() == {"team_size": ["团队参赛的人数应不少于 2 人。"]}
    response = send(municipal, "post", GROUPS, {**payload, "team_size": 3, "capacity": 10})
    assert response.status_code == 201 and response.json()["places_left"] == 10
    assert Group.objects.get(pk=response.json()["id"]).edition == draft


def test_quotas_are_scoped_to_the_units_subtree(setup, users, tree):
    _, group, quota, _ = setup
    rows = login(users["tsinghua"]).get(QUOTAS).json()["results"]
    assert [(r["id"], r["organization"], r["quota"], r["used"], r["left"]) for r in rows] == [
        (quota.pk, "U-THU", 5, 2, 3)]
    for key in ("haidian", "haidian_clerk", "chaoyang"):
        client = login(users[key])
        assert client.get(QUOTAS).json()["results"] == [], key
        assert client.get(f"{QUOTAS}{quota.pk}/").status_code == 404, key
    assert login(users["teacher"]).get(QUOTAS).status_code == 403
    assert send(login(users["tsinghua"]), "patch", f"{QUOTAS}{quota.pk}/", {"quota": 50}).status_code == 403


def test_municipal_admin_sets_quotas_audited(setup, users, tree):
    _, group, quota, _ = setup
    municipal = login(users["municipal"])
    first = send(municipal, "post", QUOTAS, {"group": group.pk, "organization": "D-HAIDIAN", "quota": 2})
    again = send(municipal, "post", QUOTAS, {"group": group.pk, "organization": "D-HAIDIAN", "quota": 4})
    assert (first.status_code, again.status_code) == (201, 201) and first.json()["id"] == again.json()["id"]
    with scopes_disabled():
        assert UnitQuota.objects.get(group=group, organization=tree.haidian).quota == 4
    low = send(municipal, "patch", f"{QUOTAS}{quota.pk}/", {"quota": 1})
    assert low.status_code == 400 and low.json() == {"quota": ["该单位在本组已审核通过 2 人，名额不能少于 2。"]}
    branch = send(municipal, "post", QUOTAS, {"group": group.pk, "organization": "U-THU-B01", "quota": 1})
    assert branch.status_code == 400 and branch.json() == {"organization": ["单位名额只能分配给基层工会。"]}
    assert AuditLog._base_manager.filter(action="competition_quota.set").count() == 2
