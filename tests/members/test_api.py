"""/api/v1/members/: masked, filtered, scoped; reveal needs the permission and is audited."""

from __future__ import annotations

import datetime as dt
import json
import logging

import pytest

from apps.core.models import AuditLog
from apps.core.scoping import scopes_disabled
from apps.members.models import Member
from tests.conftest import login
from tests.factories.members import make_member, new_id_number

pytestmark = pytest.mark.django_db

GOOD_ID = "11010519491231002X"


def csrf(client):
    client.get("/")
    return {"HTTP_X_CSRFTOKEN": client.cookies["csrftoken"].value}


def post(client, url, payload):
    return client.post(url, data=json.dumps(payload), content_type="application/json", **csrf(client))


@pytest.fixture
def people(tree):
    today = dt.date.today()
    return {
        "young_woman": make_member(tree.haidian, name="李青", branch=tree.haidian_school,
                                   id_number=new_id_number(birth=today.replace(year=today.year - 28), female=True)),
        "older_man": make_member(tree.haidian, name="王老师", id_number=new_id_number(birth=dt.date(1970, 1, 1)),
                                 employment_type="dispatched"),
        "chaoyang": make_member(tree.chaoyang, name="朝阳会员", id_number=new_id_number(birth=dt.date(1975, 3, 3))),
    }


def names(response):
    assert response.status_code == 200, response.content[:300]
    return sorted(row["name"] for row in response.json()["results"])


def test_list_is_masked_and_scoped(people, users):
    response = login(users["haidian"]).get("/api/v1/members/")
    assert names(response) == ["李青", "王老师"]
    body = response.content.decode()
    for member in (people["young_woman"], people["older_man"]):
        assert member.id_number not in body and member.bank_account not in body and member.phone not in body
        assert member.id_number_masked in body
    assert "138****8000" in body


def test_filters(people, users, tree):
    client = login(users["municipal"])
    assert names(client.get("/api/v1/members/?young=true")) == ["李青"]
    assert names(client.get("/api/v1/members/?women=true")) == ["李青"]
    assert names(client.get("/api/v1/members/?employment_type=dispatched")) == ["王老师"]
    assert names(client.get(f"/api/v1/members/?unit={tree.chaoyang.code}")) == ["朝阳会员"]
    assert names(client.get(f"/api/v1/members/?unit={tree.haidian_school.code}")) == ["李青"]
    assert names(client.get("/api/v1/members/?search=王")) == ["王老师"]
    exact = people["chaoyang"].id_number
    assert names(client.get(f"/api/v1/members/?search={exact.lower()}")) == ["朝阳会员"]
    assert names(client.get("/api/v1/members/?status=retired")) == []
    # another unit's code filters to nothing for a district admin (not an error, not a leak)
    assert names(login(users["haidian"]).get(f"/api/v1/members/?unit={tree.chaoyang.code}")) == []


def test_create_validates_in_chinese_and_changes_nothing(users, tree):
    client = login(users["haidian"])
    bad = {"organization": tree.haidian.code, "name": "赵老师", "id_number": "110105194912310021",
           "employment_type": "permanent", "phone": "12345"}
    response = post(client, "/api/v1/members/", bad)
    assert response.status_code == 400
    errors = response.json()
    assert "校验位" in errors["id_number"][0] and "手机号" in errors["phone"][0]
    with scopes_disabled():
        assert not Member.objects.exists()
    good = dict(bad, id_number="11010519491231002x", phone="13800138000")
    response = post(client, "/api/v1/members/", good)
    assert response.status_code == 201, response.content
    assert response.json()["id_number"] == "110105********002X" and response.json()["gender"] == "F"
    again = post(client, "/api/v1/members/", good)  # a double submit
    assert again.status_code == 400 and "已是本单位在会会员" in again.json()["id_number"][0]
    foreign = post(client, "/api/v1/members/", dict(good, organization=tree.chaoyang.code, id_number=new_id_number()))
    assert foreign.status_code == 400  # 朝阳 "does not exist" for 海淀
    with scopes_disabled():
        assert Member.objects.count() == 1


def test_reveal_needs_permission_reason_and_is_audited(people, users, caplog):
    member = people["young_woman"]
    url = f"/api/v1/members/{member.pk}/reveal/"
    clerk = post(login(users["haidian_clerk"]), url, {"reason": "核对"})
    assert clerk.status_code == 403
    no_reason = post(login(users["haidian"]), url, {"reason": ""})
    assert no_reason.status_code == 400
    with scopes_disabled():
        assert not AuditLog.objects.filter(action="member.reveal").exists()
    with caplog.at_level(logging.DEBUG):
        response = post(login(users["haidian"]), url, {"reason": "发放慰问金核对账号"})
    assert response.status_code == 200
    assert response.json() == {"id_number": member.id_number, "phone": member.phone,
                               "bank_account": member.bank_account}
    assert response["Cache-Control"] == "no-store"
    with scopes_disabled():
        entry = AuditLog.objects.get(action="member.reveal")
    assert entry.actor == users["haidian"] and entry.object_id == str(member.pk)
    assert entry.data["reason"] == "发放慰问金核对账号" and entry.created_at is not None
    assert member.id_number not in json.dumps(entry.data) + entry.object_repr
    assert member.id_number not in caplog.text and member.bank_account not in caplog.text


def test_update_and_status_and_transfer(people, users, tree):
    client = login(users["haidian"])
    member = people["older_man"]
    response = client.patch(f"/api/v1/members/{member.pk}/", data=json.dumps({"phone": "13912345678"}),
                            content_type="application/json", **csrf(client))
    assert response.status_code == 200 and response.json()["phone"] == "139****5678"
    response = post(client, f"/api/v1/members/{member.pk}/status/", {"status": "deceased", "reason": "病故"})
    assert response.status_code == 200 and response.json()["status"] == "deceased"
    response = post(client, f"/api/v1/members/{member.pk}/status/", {"status": "active"})
    assert response.status_code == 400 and "不能从“去世”变为“在会”" in response.json()[0]
    moved = people["young_woman"]
    response = post(client, f"/api/v1/members/{moved.pk}/transfer/", {"to_organization": tree.tsinghua.code})
    assert response.status_code == 201 and response.json()["organization"] == tree.tsinghua.code
    assert "李青" in names(login(users["tsinghua"]).get("/api/v1/members/"))


def test_admin_pages_mask_and_reveal_audits(people, users):
    member = people["young_woman"]
    client = login(users["haidian"])
    listing = client.get("/admin/members/member/").content.decode()
    change = client.get(f"/admin/members/member/{member.pk}/change/").content.decode()
    for body in (listing, change):
        assert member.id_number_masked in body
        assert member.id_number not in body and member.bank_account not in body and member.phone not in body
    search = client.get(f"/admin/members/member/?q={member.id_number}").content.decode()
    assert "李青" in search and "王老师" not in search
    url = f"/admin/members/member/{member.pk}/reveal/"
    page = client.get(url)
    assert page.status_code == 200 and member.id_number not in page.content.decode()
    token = client.cookies["csrftoken"].value
    shown = client.post(url, {"reason": "核对工资卡", "csrfmiddlewaretoken": token})
    assert shown.status_code == 200 and member.id_number in shown.content.decode()
    assert "no-store" in shown["Cache-Control"]
    with scopes_disabled():
        assert AuditLog.objects.filter(action="member.reveal", actor=users["haidian"]).count() == 1
    clerk = login(users["haidian_clerk"])
    assert clerk.get(url).status_code == 403


def test_admin_add_form_reports_errors_in_chinese(users, tree):
    client = login(users["haidian"])
    client.get("/admin/members/member/add/")
    token = client.cookies["csrftoken"].value
    data = {"csrfmiddlewaretoken": token, "organization": tree.haidian.pk, "name": "钱老师",
            "id_number": "110105194912310021", "employment_type": "permanent",
            "status_changes-TOTAL_FORMS": "0", "status_changes-INITIAL_FORMS": "0"}
    response = client.post("/admin/members/member/add/", data)
    assert response.status_code == 200 and "校验位错误" in response.content.decode()
    data["id_number"] = GOOD_ID
    response = client.post("/admin/members/member/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    with scopes_disabled():
        member = Member.objects.get(name="钱老师")
        assert member.birth_date == dt.date(1949, 12, 31)
        assert AuditLog.objects.filter(action="member.create", object_id=str(member.pk)).exists()
