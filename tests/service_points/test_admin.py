"""The admin: a unit adds a point with a photo (through the services, checked by content); a
host checks in and records no-shows through the actions (booking_transition)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.accounts.enums import Role
from apps.core.scoping import scopes_disabled
from apps.service_points import services
from apps.service_points.models import Booking, PointPhoto, ServicePoint
from tests.conftest import login
from tests.factories.orgs import make_user
from tests.service_points.factories import make_resource, make_slot

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def management(prefix: str, initial: int = 0, total: int = 0) -> dict:
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


def add_point(client, tree, photo: bytes):
    client.get("/admin/service_points/servicepoint/add/")
    data = {"csrfmiddlewaretoken": client.cookies["csrftoken"].value, "kind": "mother_baby", "name": "母婴关爱室",
            "organization": tree.tsinghua_branch.pk, "district": "海淀区", "is_active": "on",
            **management("recognitions"), **management("photos", total=1),
            "photos-0-file": SimpleUploadedFile("关爱室.png", photo)}
    return client.post("/admin/service_points/servicepoint/add/", data)


def test_unit_adds_a_point_with_a_photo_checked_by_content(tree, users):
    client = login(users["tsinghua"])
    refused = add_point(client, tree, b"GIF89a not allowed")
    assert refused.status_code == 200 and "只能上传 JPEG 或 PNG 图片。" in refused.content.decode()
    with scopes_disabled():
        assert ServicePoint.objects.count() == 0
    done = add_point(client, tree, PNG)
    assert done.status_code == 302, done.content.decode()[:3000]
    with scopes_disabled():
        photo = PointPhoto.objects.get()
        assert photo.original_name == "关爱室.png" and photo.uploaded_by == users["tsinghua"]


def test_host_checks_in_and_marks_no_shows_through_actions(tree, users):
    resource = make_resource(tree.tsinghua)
    now_slot, past_slot = make_slot(resource, in_hours=0.2), make_slot(resource, in_hours=-2)
    teacher = make_user("t_hd", tree.haidian_school, Role.TEACHER)
    here, _ = services.slot_book(slot=now_slot, user=teacher)
    gone, _ = services.slot_book(slot=past_slot, user=teacher, now=past_slot.starts_at - dt.timedelta(hours=3))
    client = login(users["tsinghua"])
    url = "/admin/service_points/booking/"
    client.get(url)
    token = client.cookies["csrftoken"].value
    client.post(url, {"csrfmiddlewaretoken": token, "action": "check_in", "_selected_action": [here.pk]})
    client.post(url, {"csrfmiddlewaretoken": token, "action": "mark_no_show", "_selected_action": [gone.pk]})
    outsider = login(users["haidian"])
    outsider.get(url)
    outsider.post(url, {"csrfmiddlewaretoken": outsider.cookies["csrftoken"].value, "action": "cancel",
                        "_selected_action": [here.pk]})
    with scopes_disabled():
        assert dict(Booking.objects.values_list("pk", "status")) == {here.pk: "checked_in", gone.pk: "no_show"}
