"""Access-matrix entries for apps/petitions (imported at the end of test_access_matrix).

The foreign case is a 12351 order dispatched to 朝阳's school, with one attachment; the
foreign account is a 12351 platform account of 朝阳. City-wide reference data (categories,
calendar, rules) is the municipal admin's only."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

from tests.core import test_access_matrix as m

MAKERS: list[Callable] = []
API = "api/v1/petitions/"
PDF = b"%PDF-1.4\n% test\n"


def petition_objects(tree, users, member) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from apps.petitions.enums import Action
    from apps.petitions.models import CalendarDay, CalendarYear, Case, Category, DeadlineRule, PlatformAccount
    from apps.petitions.reference import load_reference
    from apps.petitions.services import account_register, case_attach, case_receive, case_transition

    if not Category.objects.exists():
        from django.apps import apps

        load_reference(apps.get_model)
    now = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    case, _ = case_receive(source="12351", order_no="CY-0001", received_at=now, petitioner_name="朝阳诉求人",
                           petitioner_phone="13900001111", category=Category.objects.get(code="wages-arrears"),
                           title="朝阳工单标题", content="朝阳诉求内容")
    case = case_transition(case=case, action=Action.DISPATCH, unit=tree.chaoyang_school)
    case_attach(case=case, upload=SimpleUploadedFile("朝阳材料.pdf", PDF), actor=None)
    account = account_register(organization=tree.chaoyang, holder_name="朝阳账号人", phone="13900002222",
                               opened_on=dt.date(2025, 3, 1), member=member)
    return {Case: case, PlatformAccount: account, Category: Category.objects.get(code="wages-arrears"),
            CalendarYear: CalendarYear.objects.get(year=2025), CalendarDay: CalendarDay.objects.first(),
            DeadlineRule: DeadlineRule.objects.first()}


MAKERS.append(petition_objects)


def _case(w):
    from apps.petitions.models import Case

    return w.objects[Case]


def _account(w):
    from apps.petitions.models import PlatformAccount

    return w.objects[PlatformAccount]


def _attachment(w):
    from apps.petitions.models import CaseAttachment

    return CaseAttachment._base_manager.get(case=_case(w))


def check_post(url_for: Callable, payload: dict, obj_for: Callable, *, ok=(200, 201),
               control: str = "municipal", multipart: bool = False) -> Callable:
    """A POST on a foreign object: refused to outsiders (404 for staff), nothing changes and
    nothing is audited; the control's same POST succeeds (so the URL was right)."""

    def check(w) -> None:
        url = url_for(w)
        before = m.state(obj_for(w))
        logs = m.AuditLog._base_manager.filter(action__startswith="petitions.").count()
        for key in m.OUTSIDERS:
            client = w.client(key)
            if multipart:
                client.get("/")
                token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
                response = client.post(url, {"file": io.BytesIO(PDF)}, HTTP_X_CSRFTOKEN=token)
            else:
                response = m.csrf_post(client, url, payload)
            assert m.refused(response), (key, url, response.status_code)
            if key in m.STAFF_OUTSIDERS:
                assert response.status_code == 404, (key, url, response.status_code)
        assert m.state(obj_for(w)) == before, "an outsider changed it"
        assert m.AuditLog._base_manager.filter(action__startswith="petitions.").count() == logs, "outsider audited"
        client = w.client(control)
        if multipart:
            client.get("/")
            upload = io.BytesIO(PDF)
            upload.name = "材料.pdf"
            response = client.post(url, {"file": upload}, HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
        else:
            response = m.csrf_post(client, url, payload)
        assert response.status_code in ok, (url, response.status_code, response.content[:300])
    return check


def check_get(url_for: Callable, marker: Callable, *, control: str = "municipal", staff_404: bool = True) -> Callable:
    """A GET: outsiders refused (404 for staff when ``staff_404``) and never shown the marker;
    the control sees it."""

    def check(w) -> None:
        url = url_for(w)
        response = w.client(control).get(url)
        assert response.status_code == 200 and marker(w) in _text(response), f"control must see it at {url}"
        for key in m.OUTSIDERS:
            response = w.client(key).get(url)
            assert response.status_code == 200 or m.refused(response), (key, url, response.status_code)
            if staff_404 and key in m.STAFF_OUTSIDERS:
                assert response.status_code == 404, (key, url, response.status_code)
            assert marker(w) not in _text(response), (key, url)
    return check


def _text(response) -> str:
    if "spreadsheetml" in response.get("Content-Type", ""):
        return m._xlsx_text(response)
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def check_list(url_for: Callable, marker: Callable, *, control: str = "municipal") -> Callable:
    return check_get(url_for, marker, control=control, staff_404=False)


def entries() -> dict:
    case_url = lambda suffix="": lambda w: f"/{API}cases/{_case(w).pk}/{suffix}"  # noqa: E731
    account_url = lambda suffix="": lambda w: f"/{API}accounts/{_account(w).pk}/{suffix}"  # noqa: E731
    title = lambda w: "朝阳工单标题"  # noqa: E731
    school = lambda w: w.tree.chaoyang_school.name  # noqa: E731
    holder = lambda w: "朝阳账号人"  # noqa: E731
    return {
        f"{API}^cases/$": check_list(lambda w: f"/{API}cases/", title),
        f"{API}^cases/(?P<pk>[0-9]+)/$": check_get(case_url(), title),
        f"{API}^cases/(?P<pk>[0-9]+)/events/$": check_get(case_url("events/"), lambda w: '"dispatch"'),
        f"{API}^cases/(?P<pk>[0-9]+)/attachments/$": _both(
            check_get(case_url("attachments/"), lambda w: "朝阳材料.pdf"),
            check_post(case_url("attachments/"), {}, _case, ok=(201,), multipart=True)),
        f"{API}^cases/(?P<pk>[0-9]+)/transition/$": check_post(case_url("transition/"), {"action": "escalate"},
                                                               _case),
        f"{API}^cases/(?P<pk>[0-9]+)/reveal/$": check_post(case_url("reveal/"), {"reason": "核对"}, _case),
        f"{API}^categories/$": check_list(lambda w: f"/{API}categories/", lambda w: "wages-arrears"),
        f"{API}^categories/(?P<pk>[0-9]+)/$": check_get(
            lambda w: f"/{API}categories/{w.objects[_model('Category')].pk}/", lambda w: "wages-arrears",
            staff_404=False),
        f"{API}^accounts/$": check_list(lambda w: f"/{API}accounts/", holder),
        f"{API}^accounts/(?P<pk>[0-9]+)/$": check_get(account_url(), holder),
        f"{API}^accounts/(?P<pk>[0-9]+)/status/$": check_post(account_url("status/"), {"status": "suspended"},
                                                              _account),
        f"{API}^accounts/review/$": _review_check(),
        f"{API}work-queue/": check_list(lambda w: f"/{API}work-queue/", title, control="chaoyang"),
        f"{API}rates/": check_list(lambda w: f"/{API}rates/", school),
        f"{API}rates/export/": check_list(lambda w: f"/{API}rates/export/", school),
        "petitions/attachments/<int:pk>/download/": check_get(
            lambda w: f"/petitions/attachments/{_attachment(w).pk}/download/", lambda w: "%PDF-1.4"),
        "admin/petitions/case/work-queue/": check_list(lambda w: "/admin/petitions/case/work-queue/", title,
                                                       control="chaoyang"),
        "admin/petitions/case/<path:object_id>/move/": _admin_move(),
    }


def _model(name: str):
    from apps.petitions import models

    return getattr(models, name)


def _both(*checks: Callable) -> Callable:
    def check(w) -> None:
        for c in checks:
            c(w)
    return check


def _review_check() -> Callable:
    """The account check lists only the acting subtree's accounts: 朝阳's holder (whose
    member record is 朝阳's) is never shown to an outsider; the control's list answers."""

    def check(w) -> None:
        url = f"/{API}accounts/review/"
        assert w.client("municipal").get(url).status_code == 200, "control must open it"
        for key in m.OUTSIDERS:
            response = w.client(key).get(url)
            assert response.status_code == 200 or m.refused(response), key
            assert "朝阳账号人" not in response.content.decode(), key
    return check


def _admin_move() -> Callable:
    """The admin's 办理操作 page on 朝阳's case: a 404 for staff outsiders, refused for the
    rest, nothing changes; the municipal control escalates it."""

    def check(w) -> None:
        case = _case(w)
        url = m.admin_url(_model("Case"), "change", case.pk).removesuffix("change/") + "move/"
        before = m.state(case)
        for key in m.OUTSIDERS:
            client = w.client(key)
            for response in (client.get(url), m.form_post(client, url, {"action": "sign"})):
                assert m.refused(response), (key, url, response.status_code)
                if key in m.STAFF_OUTSIDERS:
                    assert response.status_code == 404, (key, url, response.status_code)
        assert m.state(case) == before, "an outsider moved it"
        control = w.client("municipal")
        assert control.get(url).status_code == 200, "control must open it"
        response = m.form_post(control, url, {"action": "escalate"})
        assert response.status_code == 302, (response.status_code, response.content[:400])
    return check
