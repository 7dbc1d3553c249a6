"""The booking API: a teacher of another unit browses and books, a full slot is a 409 with the
Chinese reason, a double submit acts once, cancel, .ics; the host lists, checks in by code and
exports; the registry's points and recognitions."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from apps.accounts.enums import Role
from apps.core.scoping import scopes_disabled
from apps.service_points.models import Booking, Recognition, ServicePoint
from tests.conftest import login
from tests.factories.orgs import make_user
from tests.service_points.factories import make_resource, make_slot

pytestmark = pytest.mark.django_db
API = "/api/v1/welfare/"


def post(client, url, data=None):
    client.get("/")
    token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
    return client.post(url, data or {}, content_type="application/json", HTTP_X_CSRFTOKEN=token)


def test_teacher_of_another_unit_books_cancels_and_gets_the_ics(tree, users):
    gym = make_resource(tree.tsinghua, name="清华综合体育馆")
    make_resource(tree.tsinghua, name="清华内部会议室", kind="meeting", audience="own")
    slot = make_slot(gym, capacity=1)
    teacher = login(make_user("t_hd_teacher", tree.haidian_school, Role.TEACHER))
    names = [r["name"] for r in teacher.get(f"{API}resources/").json()["results"]]
    assert names == ["清华综合体育馆"]  # the own-staff-only room is not offered
    listed = teacher.get(f"{API}slots/?kind=gym&district=海淀区").json()["results"]
    assert [(s["id"], s["remaining"]) for s in listed] == [(slot.pk, 1)]
    first, again = post(teacher, f"{API}slots/{slot.pk}/book/"), post(teacher, f"{API}slots/{slot.pk}/book/")
    assert (first.status_code, again.status_code, again.json()["id"]) == (201, 200, first.json()["id"])
    assert first.json()["checkin_token"]
    other = login(make_user("t_hd_teacher2", tree.haidian_school, Role.TEACHER))
    full = post(other, f"{API}slots/{slot.pk}/book/")
    assert (full.status_code, full.json()) == (409, {"detail": "该时段已约满，请选择其他时段。", "code": "full"})
    booking_id = first.json()["id"]
    ics = teacher.get(f"{API}bookings/{booking_id}/ics/")
    body = ics.content.decode()
    assert ics["Content-Type"].startswith("text/calendar") and "SUMMARY:清华综合体育馆（清华大学工会）" in body
    assert other.get(f"{API}bookings/{booking_id}/").status_code == 404
    assert post(other, f"{API}bookings/{booking_id}/cancel/").status_code == 404
    cancelled = post(teacher, f"{API}bookings/{booking_id}/cancel/")
    assert (cancelled.status_code, cancelled.json()["status"]) == (200, "cancelled")
    assert post(other, f"{API}slots/{slot.pk}/book/").status_code == 201


def test_host_lists_checks_in_by_code_and_exports(tree, users):
    slot = make_slot(make_resource(tree.tsinghua, name="心理咨询室", kind="counselling"), in_hours=0.2)
    teacher = login(make_user("t_hd_teacher", tree.haidian_school, Role.TEACHER))
    token = post(teacher, f"{API}slots/{slot.pk}/book/").json()["checkin_token"]
    assert post(login(users["haidian"]), f"{API}bookings/scan/", {"token": token}).status_code == 404
    host = login(users["tsinghua"])
    rows = host.get(f"{API}bookings/").json()["results"]
    assert [r["checkin_token"] for r in rows] == [None]  # the code is its booker's only
    done = post(host, f"{API}bookings/scan/", {"token": token})
    assert (done.status_code, done.json()["status"]) == (200, "checked_in")
    assert post(host, f"{API}bookings/scan/", {"token": token + "x"}).json() == {"token": ["签到码无效或已过期。"]}
    export = host.get(f"{API}bookings/export/")
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    assert [c.value for c in sheet[2]][0:1] == ["心理咨询室"] and sheet[2][8].value == "已签到"
    assert login(users["haidian"]).get(f"{API}bookings/").json()["results"] == []


def test_points_and_recognitions_are_scoped(tree, users):
    admin = login(users["municipal"])
    created = post(admin, f"{API}service-points/", {"kind": "staff_home", "name": "计算机系教职工小家",
                                                     "organization": tree.tsinghua_branch.code})
    assert created.status_code == 201, created.content
    url = f"{API}service-points/{created.json()['id']}/recognitions/"
    rec = post(admin, url, {"year": 2025, "level": "municipal", "title": "市教育工会先进教职工小家", "amount": "5000.00"})
    assert rec.status_code == 201, rec.content
    assert post(login(users["tsinghua"]), url, {"year": 2025, "title": "x"}).status_code == 403
    assert login(users["haidian"]).get(url).status_code == 404
    assert [p["name"] for p in login(users["tsinghua"]).get(f"{API}service-points/?year=2025").json()["results"]] \
        == ["计算机系教职工小家"]
    refused = post(login(users["haidian"]), f"{API}service-points/", {"kind": "reading", "name": "阅读站",
                                                                       "organization": tree.tsinghua.code})
    assert refused.status_code == 400 and "organization" in refused.json()
    with scopes_disabled():
        assert (ServicePoint.objects.count(), Recognition.objects.count(), Booking.objects.count()) == (1, 1, 0)


def test_photos_are_checked_by_content_and_served_with_the_permission(tree, users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    admin = login(users["tsinghua"])
    point = post(admin, f"{API}service-points/", {"kind": "reading", "name": "职工阅读站",
                                                   "organization": tree.tsinghua.code}).json()
    url = f"{API}service-points/{point['id']}/photos/"

    def upload(client, name, content):
        client.get("/")
        return client.post(url, {"file": SimpleUploadedFile(name, content)},
                           HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)

    refused = upload(admin, "假图片.png", b"%PDF-1.4 not an image")
    assert (refused.status_code, refused.json()) == (400, {"file": ["只能上传 JPEG 或 PNG 图片。"]})
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
    done = upload(admin, "阅读站.png", png)
    assert done.status_code == 201 and done.json()["original_name"] == "阅读站.png"
    photo = done.json()["id"]
    got = admin.get(f"/services/photos/{photo}/")
    assert got.status_code == 200 and b"".join(got.streaming_content) == png
    assert login(users["haidian"]).get(f"/services/photos/{photo}/").status_code == 404
