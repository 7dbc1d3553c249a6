"""Access-matrix entries for apps/legal_aid and the labour-relations warnings of apps/petitions
(imported by test_access_matrix through its access_<app> discovery).

The foreign consultation was asked by a teacher of 朝阳 and assigned to lawyer ``t_lawyer1``,
who answered it with an attachment; besides the matrix's outsiders, a second lawyer
(``t_lawyer2``, not assigned) must be refused everywhere. The foreign warning is a wage-arrears
warning dispatched to 朝阳's school."""

from __future__ import annotations

import io
from collections.abc import Callable

from tests.core import test_access_matrix as m

MAKERS: list[Callable] = []
API = "api/v1/legal-aid/"
PDF = b"%PDF-1.4\n% legal aid test\n"
TITLE = "朝阳教师的法律咨询"


def legal_aid_objects(tree, users, member) -> dict:
    from django.apps import apps
    from django.core.files.uploadedfile import SimpleUploadedFile

    from apps.accounts.enums import Role
    from apps.core.scoping import scope
    from apps.legal_aid.models import Consultation
    from apps.legal_aid.services import consultation_ask, consultation_transition
    from apps.petitions.enums import WarningKind, WarningLevel
    from apps.petitions.models import Category, LabourWarning
    from apps.petitions.reference import load_reference
    from apps.petitions.warnings import warning_report
    from tests.factories.orgs import make_user

    if not Category.objects.exists():
        load_reference(apps.get_model)
    asker = make_user("t_cy_teacher", tree.chaoyang, Role.TEACHER)
    lawyer = make_user("t_lawyer1", tree.root, Role.LAWYER)
    users["lawyer2"] = make_user("t_lawyer2", tree.root, Role.LAWYER)
    users["lawyer1"] = lawyer
    with scope(person="teacher", user_id=asker.pk):
        consultation, _ = consultation_ask(actor=asker, category="contract", title=TITLE, question="合同问题")
    consultation = consultation_transition(consultation=consultation, action="assign", actor=users["municipal"],
                                           lawyer=lawyer)
    with scope(person="lawyer", user_id=lawyer.pk):
        consultation = consultation_transition(consultation=consultation, action="answer", actor=lawyer,
                                               text="律师答复内容", attachments=[SimpleUploadedFile("律师意见.pdf", PDF)])
    warning, _ = warning_report(actor=None, warning_kind=WarningKind.WAGES, warning_level=WarningLevel.SEVERE,
                                title="朝阳民办学校欠薪预警", content="拖欠工资", reporter="朝阳报告人",
                                unit=tree.chaoyang_school)
    return {Consultation: consultation, LabourWarning: LabourWarning._base_manager.get(pk=warning.pk)}


MAKERS.append(legal_aid_objects)


def _c(w):
    from apps.legal_aid.models import Consultation

    return w.objects[Consultation]


def _attachment(w):
    from apps.legal_aid.models import ConsultationAttachment

    return ConsultationAttachment._base_manager.get(consultation=_c(w))


OUTSIDERS = (*m.OUTSIDERS, "lawyer2")


def _must_404(w, key: str) -> bool:
    """Who may read consultations but not this one gets a 404, exactly like a missing one:
    the other lawyer (and any staff outsider who holds the permission; the API answers a
    403 to roles without it)."""
    return key == "lawyer2" or (key in m.STAFF_OUTSIDERS and w.users[key].has_perm("legal_aid.view_consultation"))


def _logs() -> int:
    return m.AuditLog._base_manager.filter(action__startswith="legal_aid.").count()


def _text(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def check_get(url_for: Callable, marker: str, *, controls=("municipal", "lawyer1"), staff_404=True) -> Callable:
    """Controls see the marker; every outsider (another lawyer included) is refused or shown
    a page without it, a 404 for staff outsiders and the other lawyer."""

    def check(w) -> None:
        url = url_for(w)
        for key in controls:
            response = w.client(key).get(url)
            assert response.status_code == 200 and marker in _text(response), (key, url, response.status_code)
        for key in OUTSIDERS:
            response = w.client(key).get(url)
            assert response.status_code == 200 or m.refused(response), (key, url, response.status_code)
            if staff_404 and _must_404(w, key):
                assert response.status_code == 404, (key, url, response.status_code)
            assert marker not in _text(response), (key, url)
    return check


def check_post(url_for: Callable, payload: dict, *, control: str, ok=(200, 201, 302),
               multipart: bool = False) -> Callable:
    """Outsiders' POST is refused (404 for staff and the other lawyer), changes and audits
    nothing; the control's same POST succeeds."""

    def post(client, url):
        if multipart:
            client.get("/")
            upload = io.BytesIO(PDF)
            upload.name = "材料.pdf"
            return client.post(url, {"file": upload}, HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
        return m.csrf_post(client, url, payload) if url.startswith("/api/") else m.form_post(client, url, payload)

    def check(w) -> None:
        url = url_for(w)
        before, logs = m.state(_c(w)), _logs()
        for key in OUTSIDERS:
            response = post(w.client(key), url)
            assert m.refused(response), (key, url, response.status_code)
            if _must_404(w, key):
                assert response.status_code == 404, (key, url, response.status_code)
        assert m.state(_c(w)) == before, "an outsider changed it"
        assert _logs() == logs, "an outsider was audited"
        response = post(w.client(control), url)
        assert response.status_code in ok, (url, response.status_code, response.content[:300])
    return check


def _admin_action(name: str, payload: dict) -> Callable:
    def check(w) -> None:
        from apps.legal_aid.models import Consultation

        url = m.admin_url(Consultation, "change", _c(w).pk).removesuffix("change/") + f"{name}/"
        before = m.state(_c(w))
        for key in OUTSIDERS:
            client = w.client(key)
            for response in (client.get(url), m.form_post(client, url, payload(w))):
                assert m.refused(response), (key, url, response.status_code)
                if key in m.STAFF_OUTSIDERS:
                    assert response.status_code == 404, (key, url, response.status_code)
        assert m.state(_c(w)) == before, "an outsider changed it"
        control = w.client("municipal")
        assert control.get(url).status_code == 200, "control must open it"
        response = m.form_post(control, url, payload(w))
        assert response.status_code == 302, (response.status_code, response.content[:400])
    return check


def _ask_page(w) -> None:
    """The ask form: a member's page; staff, judges and lawyers get a 404, never a form."""
    for key in OUTSIDERS:
        response = w.client(key).get("/legal-aid/ask/")
        assert response.status_code == (200 if key == "teacher" else 404), (key, response.status_code)


def entries() -> dict:
    detail = lambda suffix="": lambda w: f"/{API}consultations/{_c(w).pk}/{suffix}"  # noqa: E731
    return {
        "legal-aid/": check_get(lambda w: "/legal-aid/", TITLE, staff_404=False),
        "legal-aid/ask/": _ask_page,
        "legal-aid/<int:pk>/": _both(
            check_get(lambda w: f"/legal-aid/{_c(w).pk}/", TITLE),
            check_post(lambda w: f"/legal-aid/{_c(w).pk}/", {"action": "close"}, control="municipal")),
        "legal-aid/attachments/<int:pk>/download/": check_get(
            lambda w: f"/legal-aid/attachments/{_attachment(w).pk}/download/", "%PDF-1.4"),
        f"{API}^consultations/$": check_get(lambda w: f"/{API}consultations/", TITLE, staff_404=False),
        f"{API}^consultations/(?P<pk>[0-9]+)/$": check_get(detail(), TITLE),
        f"{API}^consultations/(?P<pk>[0-9]+)/messages/$": check_get(detail("messages/"), "律师答复内容"),
        f"{API}^consultations/(?P<pk>[0-9]+)/attachments/$": _both(
            check_get(detail("attachments/"), "律师意见.pdf"),
            check_post(detail("attachments/"), {}, control="lawyer1", multipart=True)),
        f"{API}^consultations/(?P<pk>[0-9]+)/transition/$": check_post(
            detail("transition/"), {"action": "to_case"}, control="municipal"),
        f"{API}lawyers/": _lawyers,
        "admin/legal_aid/consultation/<path:object_id>/assign/": _admin_action(
            "assign", lambda w: {"lawyer": w.users["lawyer2"].pk}),
        "admin/legal_aid/consultation/<path:object_id>/to-case/": _admin_action("to-case", lambda w: {"confirm": "on"}),
    }


def _lawyers(w) -> None:
    """The pool is the centre's: the municipal admin lists it; nobody else reads it."""
    assert "t_lawyer1" in w.client("municipal").get(f"/{API}lawyers/").content.decode()
    for key in (*OUTSIDERS, "lawyer1"):
        response = w.client(key).get(f"/{API}lawyers/")
        assert m.refused(response), (key, response.status_code)


def _both(*checks: Callable) -> Callable:
    def check(w) -> None:
        for c in checks:
            c(w)
    return check
