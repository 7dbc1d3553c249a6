"""Access-matrix entries for apps/milestones (从教30周年, milestones) and core's outbox and
public certificate verification page (imported at the end of test_access_matrix).

The foreign objects belong to 朝阳: a confirmed roll of 2025 (written directly: the matrix is
about who sees it, not how it was built), its honoree (the 朝阳 member, with an issued
certificate) and a failed outbox message to that member."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from tests.core import test_access_matrix as m

MAKERS: list[Callable] = []
API = "api/v1/welfare/"
CODE = "CYTHIRTY2345"


def milestone_objects(tree, users, member) -> dict:
    from django.utils import timezone

    from apps.core.enums import OutboxStatus
    from apps.core.models import OutboxMessage
    from apps.milestones.enums import RollStatus
    from apps.milestones.models import ThirtyYearHonoree, ThirtyYearRoll

    roll = ThirtyYearRoll.objects.create(organization=tree.chaoyang, year=2025, status=RollStatus.CONFIRMED,
                                         honoree_count=1)
    honoree = ThirtyYearHonoree.objects.create(roll=roll, member=member, name="朝阳会员",
                                               teaching_since=dt.date(1995, 9, 1), code=CODE, issued_at=timezone.now())
    message = OutboxMessage.objects.create(organization=tree.chaoyang, recipient_member=member, channel="log",
                                           subject="朝阳消息主题", body="朝阳消息", dedup_key="t-cy-1",
                                           status=OutboxStatus.FAILED, tries=3, last_error="HTTP 500")
    return {ThirtyYearRoll: roll, ThirtyYearHonoree: honoree, OutboxMessage: message}


MAKERS.append(milestone_objects)


def _obj(w, name):
    from apps.core.models import OutboxMessage
    from apps.milestones.models import ThirtyYearHonoree, ThirtyYearRoll

    return w.objects[{"roll": ThirtyYearRoll, "honoree": ThirtyYearHonoree, "message": OutboxMessage}[name]]


def _text(response) -> str:
    if "spreadsheetml" in response.get("Content-Type", ""):
        return m._xlsx_text(response)
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def check_get(url_for: Callable, marker: Callable | None, *, staff_404: bool = True, perm: str = "") -> Callable:
    """The municipal control sees it; outsiders are refused (staff: 404, for those holding
    ``perm`` when given) or see a list without it."""

    def check(w) -> None:
        url = url_for(w)
        response = w.client("municipal").get(url)
        assert response.status_code == 200, (url, response.status_code)
        text = marker(w) if marker else None
        if text:
            assert text in _text(response), f"control must see it at {url}"
        for key in m.OUTSIDERS:
            response = w.client(key).get(url)
            assert response.status_code == 200 or m.refused(response), (key, url, response.status_code)
            if staff_404 and key in m.STAFF_OUTSIDERS and (not perm or w.users[key].has_perm(perm)):
                assert response.status_code == 404, (key, url, response.status_code)
            if text:
                assert text not in _text(response), (key, url)
    return check


def check_post(url_for: Callable, payload: dict, obj: str, *, ok=(200,), outsider_ok=(400, 403, 404)) -> Callable:
    """A POST touching 朝阳's object: outsiders are refused and nothing changes; the control's
    same POST gets through (so the URL was right)."""

    def check(w) -> None:
        url = url_for(w)
        before = m.state(_obj(w, obj))
        for key in m.OUTSIDERS:
            response = m.csrf_post(w.client(key), url, payload)
            assert response.status_code in outsider_ok or m.refused(response), (key, url, response.status_code)
        assert m.state(_obj(w, obj)) == before, "an outsider changed it"
        control = m.csrf_post(w.client("municipal"), url, payload)
        assert control.status_code in ok, (url, control.status_code, control.content[:300])
    return check


def entries() -> dict:
    roll = lambda suffix="": lambda w: f"/{API}thirty-years/{_obj(w, 'roll').pk}/{suffix}"  # noqa: E731
    honoree = lambda w: f"/{API}thirty-years/honorees/{_obj(w, 'honoree').pk}/"  # noqa: E731
    message = lambda suffix="": lambda w: f"/{API}outbox/{_obj(w, 'message').pk}/{suffix}"  # noqa: E731
    unit = lambda w: w.tree.chaoyang.name  # noqa: E731
    person = lambda w: "朝阳会员"  # noqa: E731
    subject = lambda w: "朝阳消息主题"  # noqa: E731
    return {
        "verify/": m.check_public("/verify/"),
        "verify/<str:code>/": m.check_public(f"/verify/{CODE}/", ok=(200,)),
        "milestones/certificates/<str:code>/pdf/": check_get(lambda w: f"/milestones/certificates/{CODE}/pdf/",
                                                             lambda w: "%PDF-"),
        "milestones/rolls/<int:pk>/roster.xlsx": check_get(
            lambda w: f"/milestones/rolls/{_obj(w, 'roll').pk}/roster.xlsx", person),
        f"{API}^thirty-years/$": check_get(lambda w: f"/{API}thirty-years/", unit, staff_404=False),
        f"{API}^thirty-years/(?P<pk>[0-9]+)/$": check_get(roll(), unit),
        f"{API}^thirty-years/(?P<pk>[0-9]+)/missing/$": check_get(roll("missing/"), None),
        f"{API}^thirty-years/(?P<pk>[0-9]+)/roster/$": check_get(roll("roster/"), person),
        f"{API}^thirty-years/(?P<pk>[0-9]+)/confirm/$": check_post(roll("confirm/"), {}, "roll"),
        f"{API}^thirty-years/(?P<pk>[0-9]+)/reopen/$": check_post(roll("reopen/"), {}, "roll"),
        f"{API}^thirty-years/build/$": _build_check(),
        f"{API}^thirty-years/issue/$": _issue_check(),
        f"{API}^thirty-years/honorees/$": check_get(lambda w: f"/{API}thirty-years/honorees/", person,
                                                    staff_404=False),
        f"{API}^thirty-years/honorees/(?P<pk>[0-9]+)/$": check_get(honoree, person),
        f"{API}milestones/run/": check_post(lambda w: f"/{API}milestones/run/", {"year": 2026, "month": 3}, "message"),
        f"{API}^outbox/$": check_get(lambda w: f"/{API}outbox/", subject, staff_404=False),
        f"{API}^outbox/(?P<pk>[0-9]+)/$": check_get(message(), subject, perm="core.view_outboxmessage"),
        f"{API}^outbox/(?P<pk>[0-9]+)/retry/$": check_post(message("retry/"), {}, "message"),
    }


def _build_check() -> Callable:
    """Building 朝阳's roll: outsiders cannot name it (400 'does not exist', or no permission);
    the control builds its own subtree's universities."""

    def check(w) -> None:
        url = f"/{API}thirty-years/build/"
        before = m.state(_obj(w, "roll"))
        for key in m.OUTSIDERS:
            response = m.csrf_post(w.client(key), url, {"year": 2025, "organization": w.tree.chaoyang.code})
            assert response.status_code in (400, 403, 404), (key, response.status_code)
        assert m.state(_obj(w, "roll")) == before
        assert m.csrf_post(w.client("municipal"), url, {"year": 2025}).status_code == 200
    return check


def _issue_check() -> Callable:
    def check(w) -> None:
        url = f"/{API}thirty-years/issue/"
        payload = {"rolls": [_obj(w, "roll").pk]}
        before = m.state(_obj(w, "roll"))
        for key in m.OUTSIDERS:
            response = m.csrf_post(w.client(key), url, payload)
            assert m.refused(response) or response.status_code == 400, (key, response.status_code)
        assert m.state(_obj(w, "roll")) == before
        assert m.csrf_post(w.client("municipal"), url, payload).status_code == 202
    return check
