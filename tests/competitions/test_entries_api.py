"""/api/v1/competitions/entries/: registration (201 / 200 / 409 / 400), scoped reads for
units, teachers and judges, approve / reject / withdraw and the quota."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from knox.models import AuthToken

from apps.competitions.enums import EntryStatus
from apps.competitions.models import Entry, JudgeAssignment
from apps.core.scoping import scopes_disabled
from tests.competitions.factories import make_edition, make_entry, make_judge, make_quota, make_teacher
from tests.conftest import login
from tests.factories.members import make_member

pytestmark = pytest.mark.django_db

URL = "/api/v1/competitions/entries/"


def post(client, url, data):
    client.get("/")
    token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
    return client.post(url, data=json.dumps(data), content_type="application/json", HTTP_X_CSRFTOKEN=token)


def token_client(user) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user=user)[1]}")


def test_register_by_token_201_then_200_then_409_when_full(tree):
    group = make_edition(capacity=1, requires_lesson_plan=False).groups.get()
    first = token_client(make_teacher(make_member(tree.tsinghua, name="甲")))
    body = json.dumps({"group": group.pk, "course_title": "函数的极限"})
    created = first.post(URL, body, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "submitted" and created.json()["course_title"] == "函数的极限"
    again = first.post(URL, body, content_type="application/json")
    assert again.status_code == 200 and again.json()["id"] == created.json()["id"]
    second = token_client(make_teacher(make_member(tree.tsinghua, name="乙")))
    full = second.post(URL, body, content_type="application/json")
    assert full.status_code == 409 and full.json() == {"detail": "本组报名名额已满", "code": "full"}
    with scopes_disabled():
        assert Entry.objects.filter(group=group).count() == 1


def test_register_bad_input_is_a_400_with_chinese_messages(tree):
    group = make_edition(requires_lesson_plan=True).groups.get()
    client = token_client(make_teacher(make_member(tree.tsinghua)))
    response = client.post(URL, json.dumps({"group": group.pk}), content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"course_title": ["请填写课程/题目。"], "lesson_plan": ["请上传教案（PDF 或 Word）。"]}
    assert client.post(URL, json.dumps({"group": 999999}), content_type="application/json").status_code == 400
    multipart = client.post(URL, {"group": group.pk, "course_title": "题目",
                                  "lesson_plan": SimpleUploadedFile("a.pdf", b"%PDF-1.4 ok")})
    assert multipart.status_code == 201 and multipart.json()["lesson_plan_name"] == "a.pdf"
    assert multipart.json()["lesson_plan_url"].endswith("/files/lesson_plan/")


def test_staff_are_refused_registration(tree, users):
    group = make_edition(requires_lesson_plan=False).groups.get()
    response = post(login(users["tsinghua"]), URL, {"group": group.pk, "course_title": "题目"})
    assert response.status_code == 403


def test_reads_are_scoped_for_units_teachers_and_judges(tree, users):
    edition = make_edition(requires_lesson_plan=False)
    group = edition.groups.get()
    own_member = make_member(tree.tsinghua, name="甲")
    own = make_entry(group, own_member, status=EntryStatus.APPROVED)
    colleague = make_entry(group, make_member(tree.tsinghua, name="乙"), status=EntryStatus.APPROVED)
    foreign = make_entry(group, make_member(tree.chaoyang, name="朝阳丙"), status=EntryStatus.APPROVED)

    def ids(client, query=""):
        return sorted(r["id"] for r in client.get(URL + query).json()["results"])

    assert ids(login(users["tsinghua"])) == sorted([own.pk, colleague.pk])
    assert ids(login(users["municipal"]), f"?unit={tree.chaoyang.code}") == [foreign.pk]
    teacher = login(make_teacher(own_member))
    assert ids(teacher) == [own.pk]
    assert teacher.get(f"{URL}{colleague.pk}/").status_code == 404
    judge = make_judge("t_thu_judge", tree.tsinghua)
    with scopes_disabled():
        JudgeAssignment._base_manager.create(stage=edition.stages.get(), group=group, judge=judge, organization=tree.tsinghua)
    assert ids(login(judge)) == [foreign.pk]  # never their own union's entries
    assert login(users["haidian"]).get(f"{URL}{own.pk}/").status_code == 404


def test_approve_reject_quota_and_withdraw_actions(tree, users):
    group = make_edition(requires_lesson_plan=False).groups.get()
    make_quota(group, tree.tsinghua, 1)
    member = make_member(tree.tsinghua, name="甲")
    first = make_entry(group, member, status=EntryStatus.SUBMITTED)
    second = make_entry(group, make_member(tree.tsinghua, name="乙"), status=EntryStatus.SUBMITTED)
    unit = login(users["tsinghua"])
    assert post(unit, f"{URL}{first.pk}/approve/", {}).json()["status"] == "approved"
    assert post(unit, f"{URL}{first.pk}/approve/", {}).status_code == 200  # idempotent
    refused = post(unit, f"{URL}{second.pk}/approve/", {})
    assert refused.status_code == 400 and refused.json() == ["本单位该组别推荐名额已用完（1/1）"]
    assert unit.get(f"{URL}{second.pk}/quota/").json() == {
        "group": group.pk, "organization": tree.tsinghua.code, "quota": 1, "used": 1, "left": 0}
    assert post(unit, f"{URL}{second.pk}/reject/", {}).status_code == 400
    rejected = post(unit, f"{URL}{second.pk}/reject/", {"reason": "名额已满"})
    assert rejected.json()["status"] == "rejected" and rejected.json()["decision_reason"] == "名额已满"
    teacher = login(make_teacher(member))
    assert post(teacher, f"{URL}{first.pk}/approve/", {}).status_code == 403
    assert post(teacher, f"{URL}{second.pk}/withdraw/", {}).status_code == 404
    assert post(teacher, f"{URL}{first.pk}/withdraw/", {}).json()["status"] == "withdrawn"
