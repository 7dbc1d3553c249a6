"""Access-matrix entries for apps/service_points (found by name by test_access_matrix).

The foreign objects belong to 朝阳: a service point (with a recognition and a photo), an
own-staff-only resource (so 清华's teacher is not offered it) with a weekly pattern, a slot
starting in ten minutes (so its host can check in now), and a booking of a 朝阳 teacher. The
fair-use rules are city-wide data, the municipal admin's only. Controls: the municipal
admin, 朝阳's admin (the host), or the booker."""

from __future__ import annotations

import io
from collections.abc import Callable

from tests.conftest import login
from tests.core import test_access_matrix as m

MAKERS: list[Callable] = []
API = "api/v1/welfare/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
RESOURCE = "朝阳内部活动室"
POINT = "朝阳教职工小家"


def service_point_objects(tree, users, member) -> dict:
    import datetime as dt

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from apps.accounts.enums import Role
    from apps.service_points.models import (
        Booking, FairUsePolicy, PointPhoto, Recognition, Resource, ServicePoint, Slot, SlotPattern,
    )
    from tests.factories.orgs import make_user

    point = ServicePoint.objects.create(kind="staff_home", name=POINT, organization=tree.chaoyang_school,
                                        district="朝阳区", address="朝阳校内")
    recognition = Recognition.objects.create(point=point, year=2025, title="市教育工会先进教职工小家", amount=3000)
    photo = PointPhoto(point=point, original_name="小家.png")
    photo.file.save("sp-test.png", ContentFile(PNG), save=False)
    photo.save()
    resource = Resource.objects.create(organization=tree.chaoyang, name=RESOURCE, kind="meeting", audience="own",
                                       district="朝阳区", address="朝阳区教育工会三层", point=point,
                                       cancel_cutoff_hours=0)
    pattern = SlotPattern.objects.create(resource=resource, weekday=0, start_time=dt.time(9), end_time=dt.time(10),
                                         capacity=5)
    starts = timezone.now().replace(microsecond=0) + dt.timedelta(minutes=10)
    slot = Slot.objects.create(resource=resource, starts_at=starts, ends_at=starts + dt.timedelta(hours=1),
                               capacity=5)
    teacher = make_user("t_cy_teacher", tree.chaoyang_school, Role.TEACHER)
    booking = Booking.objects.create(slot=slot, user=teacher, organization=tree.chaoyang_school, own_staff=True)
    policy = FairUsePolicy.objects.create(name="朝阳测试规则")
    return {ServicePoint: point, Recognition: recognition, PointPhoto: photo, Resource: resource,
            SlotPattern: pattern, Slot: slot, Booking: booking, FairUsePolicy: policy}


MAKERS.append(service_point_objects)


def _obj(name: str) -> Callable:
    def get(w):
        from apps.service_points import models

        return w.objects[getattr(models, name)]
    return get


_point, _resource, _slot, _booking, _photo = (_obj(n) for n in ("ServicePoint", "Resource", "Slot", "Booking",
                                                                 "PointPhoto"))


def _booker(w):
    return login(_booking(w).user)


def _text(response) -> str:
    if "spreadsheetml" in response.get("Content-Type", ""):
        return m._xlsx_text(response)
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def _logs() -> int:
    return m.AuditLog._base_manager.filter(action__startswith="service_points.").count()


def check_get(url_for: Callable, marker: str, *, control: Callable | str = "municipal",
              staff_404: bool = True) -> Callable:
    """A GET: outsiders refused (404 for staff when ``staff_404``) and never shown the marker;
    the control sees it."""

    def check(w) -> None:
        url = url_for(w)
        client = control(w) if callable(control) else w.client(control)
        response = client.get(url)
        assert response.status_code == 200 and marker in _text(response), f"control must see it at {url}"
        for key in m.OUTSIDERS:
            response = w.client(key).get(url)
            assert response.status_code == 200 or m.refused(response), (key, url, response.status_code)
            if staff_404 and key in m.STAFF_OUTSIDERS:
                assert response.status_code == 404, (key, url, response.status_code)
            assert marker not in _text(response), (key, url)
    return check


def check_list(url_for: Callable, marker: str, *, control: Callable | str = "municipal") -> Callable:
    return check_get(url_for, marker, control=control, staff_404=False)


def check_post(url_for: Callable, payload: dict, obj_for: Callable, *, ok=(200, 201), control: Callable | str =
               "municipal", form: bool = False, multipart: bool = False, not_found: tuple = m.STAFF_OUTSIDERS,
               ) -> Callable:
    """A POST on a foreign object: refused to every outsider (404 for ``not_found``), nothing
    changes and nothing is audited; the control's same POST gets past the scope (``ok``)."""

    def send(client, url):
        if multipart:
            client.get("/")
            upload = io.BytesIO(PNG)
            upload.name = "照片.png"
            return client.post(url, {"file": upload}, HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
        return (m.form_post if form else m.csrf_post)(client, url, payload)

    def check(w) -> None:
        url = url_for(w)
        before, logs = m.state(obj_for(w)), _logs()
        for key in m.OUTSIDERS:
            response = send(w.client(key), url)
            assert m.refused(response), (key, url, response.status_code)
            if key in not_found:
                assert response.status_code == 404, (key, url, response.status_code)
        assert m.state(obj_for(w)) == before, "an outsider changed it"
        assert _logs() == logs, "an outsider was audited"
        response = send(control(w) if callable(control) else w.client(control), url)
        assert response.status_code in ok, (url, response.status_code, response.content[:300])
    return check


def check_patch(url_for: Callable, payload: dict, obj_for: Callable) -> Callable:
    def check(w) -> None:
        url = url_for(w)
        before = m.state(obj_for(w))
        for key in m.OUTSIDERS:
            client = w.client(key)
            client.get("/")
            token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
            response = client.patch(url, data=payload, content_type="application/json", HTTP_X_CSRFTOKEN=token)
            assert m.refused(response), (key, url, response.status_code)
        assert m.state(obj_for(w)) == before
    return check


def _both(*checks: Callable) -> Callable:
    def check(w) -> None:
        for c in checks:
            c(w)
    return check


def _token(w) -> str:
    from apps.service_points.services import checkin_token

    return checkin_token(booking=_booking(w))


def _second_chaoyang_teacher(w):
    from apps.accounts.enums import Role
    from tests.factories.orgs import make_user

    return login(make_user("t_cy_teacher2", w.tree.chaoyang, Role.TEACHER))


def entries() -> dict:
    sp = lambda suffix="": lambda w: f"/{API}service-points/{_point(w).pk}/{suffix}"  # noqa: E731
    res = lambda suffix="": lambda w: f"/{API}resources/{_resource(w).pk}/{suffix}"  # noqa: E731
    slot = lambda suffix="": lambda w: f"/{API}slots/{_slot(w).pk}/{suffix}"  # noqa: E731
    bk = lambda suffix="": lambda w: f"/{API}bookings/{_booking(w).pk}/{suffix}"  # noqa: E731
    page = lambda suffix: lambda w: f"/services/bookings/{_booking(w).pk}/{suffix}"  # noqa: E731
    teacher_404 = (*m.STAFF_OUTSIDERS, "teacher")
    return {
        f"{API}^service-points/$": check_list(lambda w: f"/{API}service-points/", POINT),
        f"{API}^service-points/export/$": check_list(lambda w: f"/{API}service-points/export/", POINT),
        f"{API}^service-points/(?P<pk>[0-9]+)/$": _both(check_get(sp(), POINT),
                                                        check_patch(sp(), {"name": "改名"}, _point)),
        f"{API}^service-points/(?P<pk>[0-9]+)/recognitions/$": _both(
            check_get(sp("recognitions/"), "市教育工会先进教职工小家"),
            check_post(sp("recognitions/"), {"year": 2024, "title": "母婴关爱室资助", "amount": "1.00"}, _point,
                       ok=(201,))),
        f"{API}^service-points/(?P<pk>[0-9]+)/photos/$": check_post(sp("photos/"), {}, _point, ok=(201,),
                                                                    multipart=True),
        f"{API}^resources/$": check_list(lambda w: f"/{API}resources/", RESOURCE),
        f"{API}^resources/(?P<pk>[0-9]+)/$": _both(check_get(res(), RESOURCE),
                                                   check_patch(res(), {"name": "改名"}, _resource)),
        f"{API}^resources/(?P<pk>[0-9]+)/patterns/$": _both(
            check_get(res("patterns/"), '"09:00:00"'),
            check_post(res("patterns/"), {"weekday": 1, "start_time": "09:00", "end_time": "10:00", "capacity": 5},
                       _resource, ok=(201,))),
        f"{API}^resources/(?P<pk>[0-9]+)/materialise/$": check_post(
            res("materialise/"), {"start": "2026-12-07", "weeks": 1}, _resource, ok=(200,)),
        f"{API}^slots/$": check_list(lambda w: f"/{API}slots/", RESOURCE),
        f"{API}^slots/(?P<pk>[0-9]+)/$": check_get(slot(), RESOURCE),
        f"{API}^slots/(?P<pk>[0-9]+)/book/$": check_post(slot("book/"), {}, _slot, ok=(201,),
                                                         control=_second_chaoyang_teacher, not_found=("teacher",)),
        f"{API}^bookings/$": check_list(lambda w: f"/{API}bookings/", RESOURCE),
        f"{API}^bookings/export/$": check_list(lambda w: f"/{API}bookings/export/", RESOURCE),
        f"{API}^bookings/scan/$": lambda w: check_post(lambda _w: f"/{API}bookings/scan/", {"token": _token(w)},
                                                       _booking, control="chaoyang")(w),
        f"{API}^bookings/(?P<pk>[0-9]+)/$": check_get(bk(), RESOURCE),
        f"{API}^bookings/(?P<pk>[0-9]+)/ics/$": check_get(bk("ics/"), RESOURCE),
        f"{API}^bookings/(?P<pk>[0-9]+)/cancel/$": check_post(bk("cancel/"), {}, _booking, control=_booker,
                                                              not_found=teacher_404),
        f"{API}^bookings/(?P<pk>[0-9]+)/check-in/$": check_post(bk("check-in/"), {}, _booking, control="chaoyang"),
        f"{API}^bookings/(?P<pk>[0-9]+)/no-show/$": check_post(bk("no-show/"), {}, _booking, control="chaoyang",
                                                               ok=(400,)),
        # pages
        "services/resources/": check_list(lambda w: "/services/resources/", RESOURCE),
        "services/resources/<int:pk>/": check_get(lambda w: f"/services/resources/{_resource(w).pk}/", RESOURCE),
        "services/slots/<int:pk>/book/": check_post(lambda w: f"/services/slots/{_slot(w).pk}/book/", {}, _slot,
                                                    ok=(302,), form=True, control=_second_chaoyang_teacher,
                                                    not_found=("teacher",)),
        "services/bookings/": check_list(lambda w: "/services/bookings/", RESOURCE, control=_booker),
        "services/bookings/<int:pk>/": check_get(page(""), RESOURCE, control=_booker),
        "services/bookings/<int:pk>/qr.svg": check_get(page("qr.svg"), "<svg", control=_booker),
        "services/bookings/<int:pk>/booking.ics": check_get(page("booking.ics"), RESOURCE, control=_booker),
        "services/bookings/<int:pk>/cancel/": check_post(page("cancel/"), {}, _booking, ok=(302,), form=True,
                                                         control=_booker, not_found=teacher_404),
        "services/checkin/<str:token>/": lambda w: _both(
            check_get(lambda _w: f"/services/checkin/{_token(w)}/", RESOURCE, control="chaoyang"),
            check_post(lambda _w: f"/services/checkin/{_token(w)}/", {}, _booking, ok=(302,), form=True,
                       control="chaoyang"))(w),
        "services/photos/<int:pk>/": check_get(lambda w: f"/services/photos/{_photo(w).pk}/", "PNG"),
    }
