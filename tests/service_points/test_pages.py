"""The phone pages: browse, book (a full slot refused with the Chinese reason), my booking with
QR and .ics, cancel; the host's check-in page the QR opens."""

from __future__ import annotations

import pytest

from apps.accounts.enums import Role
from apps.core.scoping import scopes_disabled
from apps.service_points.models import Booking
from apps.service_points.services import checkin_token
from tests.conftest import login
from tests.factories.orgs import make_user
from tests.service_points.factories import make_resource, make_slot

pytestmark = pytest.mark.django_db


def form_post(client, url, data=None):
    client.get("/")
    return client.post(url, {"csrfmiddlewaretoken": client.cookies["csrftoken"].value, **(data or {})})


def test_teacher_books_sees_qr_and_ics_and_cancels(tree, users):
    gym = make_resource(tree.tsinghua, name="清华综合体育馆")
    slot = make_slot(gym, capacity=1, in_hours=30)
    teacher = login(make_user("t_pku_teacher", tree.haidian_school, Role.TEACHER))
    page = teacher.get("/services/resources/?kind=gym").content.decode()
    assert "清华综合体育馆" in page and "服务阵地与预约" in page
    assert "剩余 1 / 1" in teacher.get(f"/services/resources/{gym.pk}/").content.decode()
    response = form_post(teacher, f"/services/slots/{slot.pk}/book/")
    with scopes_disabled():
        booking = Booking.objects.get()
    assert response["Location"] == f"/services/bookings/{booking.pk}/"
    detail = teacher.get(response["Location"]).content.decode()
    assert "签到二维码" in detail and "data-confirm" in detail
    qr = teacher.get(f"/services/bookings/{booking.pk}/qr.svg")
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
    assert b"BEGIN:VEVENT" in teacher.get(f"/services/bookings/{booking.pk}/booking.ics").content
    other = login(make_user("t_other", tree.haidian_school, Role.TEACHER))
    assert other.get(f"/services/bookings/{booking.pk}/").status_code == 404
    refused = form_post(other, f"/services/slots/{slot.pk}/book/")
    assert "该时段已约满，请选择其他时段。" in other.get(refused["Location"]).content.decode()
    form_post(teacher, f"/services/bookings/{booking.pk}/cancel/")
    assert "已取消" in teacher.get(f"/services/bookings/{booking.pk}/").content.decode()


def test_host_confirms_the_check_in_the_qr_opens(tree, users):
    slot = make_slot(make_resource(tree.tsinghua), in_hours=0.1)
    teacher = make_user("t_pku_teacher", tree.haidian_school, Role.TEACHER)
    form_post(login(teacher), f"/services/slots/{slot.pk}/book/")
    with scopes_disabled():
        booking = Booking.objects.get()
    url = f"/services/checkin/{checkin_token(booking=booking)}/"
    assert login(users["haidian"]).get(url).status_code == 404
    assert login(teacher).get(url).status_code == 403
    host = login(users["tsinghua"])
    assert "确认签到" in host.get(url).content.decode()
    form_post(host, url)
    with scopes_disabled():
        assert Booking.objects.get().status == "checked_in"


def test_home_queues_count_my_bookings_and_the_hosts_check_ins(tree, users):
    import re

    slot = make_slot(make_resource(tree.tsinghua), in_hours=0.2)
    teacher = make_user("t_pku_teacher", tree.haidian_school, Role.TEACHER)
    form_post(login(teacher), f"/services/slots/{slot.pk}/book/")

    def count(html, label):
        return int(re.search(rf'data-queue-item="{label}"[^>]*>.*?data-count="(\d+)"', html, re.S).group(1))

    assert count(login(teacher).get("/").content.decode(), "待使用的场地预约") == 1
    from django.utils import timezone

    from apps.service_points.services import TZ

    today = slot.starts_at.astimezone(TZ).date() == timezone.now().astimezone(TZ).date()
    assert count(login(users["tsinghua"]).get("/").content.decode(), "今日待签到的预约") == (1 if today else 0)
    assert count(login(users["haidian"]).get("/").content.decode(), "今日待签到的预约") == 0
