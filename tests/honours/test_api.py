from __future__ import annotations

import json

import pytest

from apps.core.scoping import scopes_disabled
from apps.honours.enums import HonourStatus
from apps.honours.models import Honour
from apps.honours.services import honour_change_status
from tests.conftest import login
from tests.factories.members import make_member

from .factories import make_honour

pytestmark = pytest.mark.django_db
URL = "/api/v1/honours/"


def post(client, url, payload):
    client.get("/")
    return client.post(url, data=json.dumps(payload), content_type="application/json",
                       HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content[:300]
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def roll(tree):
    hd = make_member(tree.haidian, name="海淀劳模", branch=tree.haidian_school)
    cy = make_member(tree.chaoyang, name="朝阳劳模")
    return {
        "hd_national": make_honour(code="national_model_worker", year=2020, member=hd, certificate_no="N-1"),
        "hd_medal": make_honour(code="capital_labour_medal", year=2016, member=hd),
        "hd_collective": make_honour(code="beijing_model_collective", collective_name="一〇一中学数学组",
                                     organization=tree.haidian_school),
        "cy_worker": make_honour(code="beijing_advanced_worker", year=2020, member=cy),
    }


def test_municipal_admin_creates_an_honour_with_the_member_masked(tree, users):
    member = make_member(tree.chaoyang, name="新劳模")
    response = post(login(users["municipal"]), URL, {"title": "beijing_model_worker", "year": 2025,
                                                     "member": member.pk, "certificate_no": "BJ-25-7"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["title_name"], body["organization"], body["member_name"]) == ("北京市劳动模范", "D-CHAOYANG", "新劳模")
    assert body["member_id_number"] == member.id_number_masked and member.id_number not in response.content.decode()


def test_create_reports_service_errors_as_400(tree, users):
    response = post(login(users["municipal"]), URL, {"title": "beijing_model_collective", "year": 2025})
    assert response.status_code == 400 and "collective_name" in response.json()


def test_unit_admin_may_not_create(tree, users):
    member = make_member(tree.haidian)
    response = post(login(users["haidian"]), URL, {"title": "beijing_model_worker", "year": 2025,
                                                   "member": member.pk})
    assert response.status_code == 403
    with scopes_disabled():
        assert Honour.objects.count() == 0


def test_list_is_scoped_to_the_acting_subtree(tree, users, roll):
    assert sorted(ids(login(users["haidian"]).get(URL))) == sorted(
        [roll["hd_national"].pk, roll["hd_medal"].pk, roll["hd_collective"].pk])
    assert ids(login(users["haidian_clerk"]).get(URL + "?level=national")) == [roll["hd_national"].pk]
    assert login(users["haidian"]).get(f"{URL}{roll['cy_worker'].pk}/").status_code == 404
    assert login(users["teacher"]).get(URL).status_code == 403


def test_list_filters_title_level_status_and_unit_subtree(tree, users, roll):
    client = login(users["municipal"])
    assert ids(client.get(URL + "?title=capital_labour_medal")) == [roll["hd_medal"].pk]
    assert sorted(ids(client.get(URL + "?level=municipal"))) == sorted(
        [roll["hd_medal"].pk, roll["hd_collective"].pk, roll["cy_worker"].pk])
    assert ids(client.get(URL + "?unit=D-HAIDIAN-S01")) == [roll["hd_collective"].pk]
    assert len(ids(client.get(URL + "?unit=D-HAIDIAN"))) == 3
    with scopes_disabled():
        honour_change_status(honour=roll["cy_worker"], to_status=HonourStatus.DECEASED)
    assert ids(client.get(URL + "?status=deceased")) == [roll["cy_worker"].pk]
    assert ids(login(users["haidian"]).get(URL + "?unit=D-CHAOYANG")) == []


def test_roll_filter_lists_each_person_once(tree, users, roll):
    assert ids(login(users["municipal"]).get(URL + "?roll=true")) == [roll["hd_national"].pk, roll["cy_worker"].pk]
