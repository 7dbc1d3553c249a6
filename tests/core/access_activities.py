"""Access-matrix entries for apps/activities (imported by test_access_matrix by name).

The foreign objects belong to 朝阳: an open first-come activity organised by 朝阳 for its own
subtree (not city-wide, so no other unit's teacher sees it) with a session running today and
朝阳会员's application; a closed draw activity with a drawn session (its seed published), a
cost record and a participation; a club hosted by 朝阳. 朝阳会员 has a self-service account
(the member's control: ``activities.teacher``). Clubs are open to staff city-wide by design, so
a teacher of any unit may read the club directory; other units' staff never see 朝阳's club."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from tests.core import test_access_matrix as m

MAKERS: list[Callable] = []
API = "api/v1/welfare/"
TITLE = "朝阳联谊活动"
SESSION = "朝阳第1期"
DRAWN = "朝阳抽签期"
CLUB = "朝阳合唱兴趣汇"
MEMBER = "朝阳会员"


def activity_objects(tree, users, member) -> dict:
    from django.utils import timezone

    from apps.accounts.enums import Role
    from apps.activities import services
    from apps.activities.enums import ActivityKind, Allocation
    from apps.activities.models import Activity, Application, Club, CostRecord, Participation, Session
    from apps.competitions.models import TeacherAccount
    from tests.factories.orgs import make_user

    now, today = timezone.now(), timezone.localdate()
    account = TeacherAccount._base_manager.filter(member=member).select_related("user").first()
    if account is not None:  # the competitions' maker already linked 朝阳会员 (t_cy_teacher)
        teacher = account.user
    else:
        teacher = make_user("t_cy_member", tree.chaoyang, Role.TEACHER)
        TeacherAccount._base_manager.create(user=teacher, member=member)
    club = services.club_save(club=Club(name=CLUB, organization=tree.chaoyang))
    activity = services.activity_save(activity=Activity(
        kind=ActivityKind.MIXER, title=TITLE, organization=tree.chaoyang, opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=5), published=True, city_wide=False, cost_per_person=100))
    session = services.session_save(session=Session(activity=activity, name=SESSION, starts_on=today,
                                                    ends_on=today + dt.timedelta(days=1), places=5))
    application = services.application_apply(session=session, member=member)
    drawn_activity = services.activity_save(activity=Activity(
        kind=ActivityKind.CLUB, title="朝阳合唱汇演", organization=tree.chaoyang, club=club,
        opens_at=now - dt.timedelta(days=30), closes_at=now - dt.timedelta(days=20), published=True,
        allocation=Allocation.DRAW, city_wide=True, cost_per_person=50))
    drawn = services.session_save(session=Session(activity=drawn_activity, name=DRAWN,
                                                  starts_on=dt.date(2025, 6, 1), ends_on=dt.date(2025, 6, 2),
                                                  places=3))
    drawn = services.session_draw(session=drawn, seed="chaoyang-seed-1")
    participation = Participation._base_manager.create(session=drawn, member=member, method="bulk",
                                                       attended_on=dt.date(2025, 6, 1))
    cost = CostRecord._base_manager.create(session=drawn, kind="vendor_payment", payee="朝阳承办方", headcount=1,
                                           per_person=50, amount=50)

    return {Activity: activity, Session: session, Application: application, Club: club,
            Participation: participation, CostRecord: cost, "activities.teacher": teacher,
            "activities.drawn": drawn}


MAKERS.append(activity_objects)


def _o(w, name):
    from apps.activities import models

    return w.objects[getattr(models, name)]


def _client(w, control: str):
    from tests.conftest import login

    if control == "member":
        return login(w.objects["activities.teacher"])
    return w.client(control)


def _text(response) -> str:
    if "spreadsheetml" in response.get("Content-Type", ""):
        return m._xlsx_text(response)
    return response.content.decode(errors="replace")


def check_get(url_for: Callable, marker: str, *, control: str = "municipal", staff_404: bool = True,
              teacher_sees: bool = False) -> Callable:
    def check(w) -> None:
        url = url_for(w)
        response = _client(w, control).get(url)
        assert response.status_code == 200 and marker in _text(response), f"control must see it at {url}"
        for key in m.OUTSIDERS:
            response = w.client(key).get(url)
            assert response.status_code == 200 or m.refused(response), (key, url, response.status_code)
            if staff_404 and key in m.STAFF_OUTSIDERS:
                assert response.status_code == 404, (key, url, response.status_code)
            if not (teacher_sees and key == "teacher"):
                assert marker not in _text(response), (key, url)
    return check


def check_list(url_for: Callable, marker: str, **kw) -> Callable:
    return check_get(url_for, marker, staff_404=False, **kw)


def check_post(url_for: Callable, payload: dict, obj_for: Callable, *, control: str = "municipal",
               staff_404: bool = True, form: bool = False, ok=(200, 201, 302)) -> Callable:
    """A POST: no outsider succeeds (404 for staff where they hold the permission), nothing
    changes and nothing is audited; the control's same POST succeeds."""

    def check(w) -> None:
        url = url_for(w)
        before = m.state(obj_for(w))
        logs = m.AuditLog._base_manager.filter(action__startswith="activities.").count()
        post = m.form_post if form else m.csrf_post
        for key in m.OUTSIDERS:
            response = post(w.client(key), url, payload)
            assert response.status_code >= 400 or m.is_login_redirect(response), (key, url, response.status_code)
            if staff_404 and key in m.STAFF_OUTSIDERS:
                assert response.status_code == 404, (key, url, response.status_code)
        assert m.state(obj_for(w)) == before, "an outsider changed it"
        assert m.AuditLog._base_manager.filter(action__startswith="activities.").count() == logs, "outsider audited"
        response = post(_client(w, control), url, payload)
        assert response.status_code in ok, (url, response.status_code, response.content[:300])
    return check


def _token(w) -> str:
    from apps.activities.services import checkin_token

    return checkin_token(_o(w, "Session"))


def entries() -> dict:
    act = lambda s="": lambda w: f"/{API}activities/{_o(w, 'Activity').pk}/{s}"  # noqa: E731
    ses = lambda s="": lambda w: f"/{API}sessions/{_o(w, 'Session').pk}/{s}"  # noqa: E731
    drawn = lambda s="": lambda w: f"/{API}sessions/{w.objects['activities.drawn'].pk}/{s}"  # noqa: E731
    app = lambda s="": lambda w: f"/{API}applications/{_o(w, 'Application').pk}/{s}"  # noqa: E731
    draw = lambda s="": lambda w: f"/{API}draws/{w.objects['activities.drawn'].pk}/{s}"  # noqa: E731
    club = lambda s="": lambda w: f"/{API}clubs/{_o(w, 'Club').pk}/{s}"  # noqa: E731
    application = lambda w: _o(w, "Application")  # noqa: E731
    session = lambda w: _o(w, "Session")  # noqa: E731
    return {
        # the portal
        "activities/": check_list(lambda w: "/activities/", TITLE, control="member"),
        "activities/<int:pk>/": check_get(lambda w: f"/activities/{_o(w, 'Activity').pk}/", TITLE, control="member"),
        "activities/sessions/<int:pk>/apply/": check_post(
            lambda w: f"/activities/sessions/{_o(w, 'Session').pk}/apply/", {}, session, control="member", form=True),
        "activities/sessions/<int:pk>/qr/": check_get(
            lambda w: f"/activities/sessions/{_o(w, 'Session').pk}/qr/", SESSION),
        "activities/sessions/<int:pk>/export/<str:kind>/": check_get(
            lambda w: f"/activities/sessions/{_o(w, 'Session').pk}/export/applicants/", MEMBER),
        "activities/applications/<int:pk>/withdraw/": check_post(
            lambda w: f"/activities/applications/{_o(w, 'Application').pk}/withdraw/", {}, application,
            control="member", form=True),
        "activities/applications/<int:pk>/confirm/": check_post(
            lambda w: f"/activities/applications/{_o(w, 'Application').pk}/confirm/", {}, application,
            control="member", form=True),
        "activities/checkin/<str:token>/": _both(
            check_get(lambda w: f"/activities/checkin/{_token(w)}/", SESSION, control="member"),
            check_post(lambda w: f"/activities/checkin/{_token(w)}/", {}, application, control="member",
                       form=True)),
        # the API
        f"{API}^activities/$": check_list(lambda w: f"/{API}activities/", TITLE),
        f"{API}^activities/(?P<pk>[0-9]+)/$": check_get(act(), TITLE),
        f"{API}^activities/(?P<pk>[0-9]+)/eligibility/$": check_get(act("eligibility/"), '"eligible"',
                                                                    control="member", staff_404=False),
        f"{API}^sessions/$": check_list(lambda w: f"/{API}sessions/", SESSION),
        f"{API}^sessions/(?P<pk>[0-9]+)/$": check_get(ses(), SESSION),
        f"{API}^sessions/(?P<pk>[0-9]+)/checkin-token/$": check_get(ses("checkin-token/"), '"token"'),
        f"{API}^sessions/(?P<pk>[0-9]+)/draw/$": check_post(drawn("draw/"), {}, lambda w: w.objects["activities.drawn"]),
        f"{API}^sessions/(?P<pk>[0-9]+)/export/$": check_get(lambda w: ses("export/")(w) + "?kind=applicants", MEMBER),
        f"{API}^sessions/(?P<pk>[0-9]+)/no-shows/$": check_post(drawn("no-shows/"), {},
                                                                lambda w: w.objects["activities.drawn"]),
        f"{API}^sessions/(?P<pk>[0-9]+)/settle/$": check_post(drawn("settle/"), {}, lambda w: _o(w, "CostRecord")),
        f"{API}^applications/$": check_list(lambda w: f"/{API}applications/", MEMBER),
        f"{API}^applications/(?P<pk>[0-9]+)/$": check_get(app(), MEMBER),
        f"{API}^applications/checkin/$": _token_checkin(),
        f"{API}^applications/(?P<pk>[0-9]+)/check-in/$": check_post(app("check-in/"), {}, application),
        f"{API}^applications/(?P<pk>[0-9]+)/confirm/$": check_post(app("confirm/"), {}, application,
                                                                   control="member", staff_404=False),
        f"{API}^applications/(?P<pk>[0-9]+)/withdraw/$": check_post(app("withdraw/"), {}, application),
        f"{API}^draws/$": check_list(lambda w: f"/{API}draws/", DRAWN),
        f"{API}^draws/(?P<pk>[0-9]+)/$": check_get(draw(), "chaoyang-seed-1"),
        f"{API}^draws/(?P<pk>[0-9]+)/verify/$": check_get(draw("verify/"), "chaoyang-seed-1"),
        f"{API}^clubs/$": check_list(lambda w: f"/{API}clubs/", CLUB, teacher_sees=True),
        f"{API}^clubs/participation/$": check_list(lambda w: f"/{API}clubs/participation/", CLUB),
        f"{API}^clubs/(?P<pk>[0-9]+)/$": check_get(club(), CLUB, teacher_sees=True),
        f"{API}^clubs/(?P<pk>[0-9]+)/join/$": _club_join(),
    }


def _both(*checks: Callable) -> Callable:
    def check(w) -> None:
        for c in checks:
            c(w)
    return check


def _token_checkin() -> Callable:
    """Check-in with 朝阳's venue token: an outsider (not an applicant) is refused and nothing
    changes; 朝阳会员 is checked in."""
    def check(w) -> None:
        from tests.conftest import login

        url = f"/{API}applications/checkin/"
        application = _o(w, "Application")
        before = m.state(application)
        for key in m.OUTSIDERS:
            response = m.csrf_post(w.client(key), url, {"token": _token(w)})
            assert response.status_code >= 400, (key, response.status_code)
        assert m.state(application) == before
        response = m.csrf_post(login(w.objects["activities.teacher"]), url, {"token": _token(w)})
        assert response.status_code == 200 and response.json()["status"] == "attended", response.content[:300]
    return check


def _club_join() -> Callable:
    """Joining 朝阳's club: staff are refused (no self-service role); an outsider teacher without
    a member record is refused; 朝阳会员 joins."""
    def check(w) -> None:
        from tests.conftest import login

        from apps.activities.models import ClubMembership

        club = _o(w, "Club")
        url = f"/{API}clubs/{club.pk}/join/"
        count = lambda: ClubMembership._base_manager.filter(club=club).count()  # noqa: E731
        before = count()
        for key in m.OUTSIDERS:
            assert m.csrf_post(w.client(key), url, {}).status_code >= 400, key
        assert count() == before
        response = m.csrf_post(login(w.objects["activities.teacher"]), url, {})
        assert response.status_code == 200 and response.json()["member_count"] == before + 1
    return check
