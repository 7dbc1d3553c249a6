"""Access-matrix entries for apps/mutual_aid (found by name by test_access_matrix).

The foreign objects belong to 朝阳: its member 朝阳会员 (a model worker on the roll) enrolled
in 住院医疗互助 for this year by 朝阳, with a claim and its evidence. Plans are city-wide data:
every staff role reads them, only the municipal admin changes them."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable

from tests.core import test_access_matrix as m
from tests.core.access_petitions import check_get, check_list

MAKERS: list[Callable] = []
API = "api/v1/welfare/mutual-aid/"
PDF = b"%PDF-1.4\n% test\n"
YEAR = dt.date.today().year


def mutual_aid_objects(tree, users, member) -> dict:
    from django.apps import apps
    from django.core.files.uploadedfile import SimpleUploadedFile

    from apps.honours.models import HonourTitle
    from apps.honours.services import honour_create
    from apps.honours.titles import seed_titles
    from apps.members.models import Member
    from apps.mutual_aid.models import Claim, Enrolment, Plan
    from apps.mutual_aid.reference import load_plans
    from apps.mutual_aid.services import claim_attach, claim_file, enrol_members

    load_plans(apps.get_model)
    from apps.honours.models import Honour

    seed_titles(HonourTitle)
    if not Honour._base_manager.filter(member=member, status="on_roll").exists():  # the honours maker's, if any
        honour_create(title=HonourTitle.objects.filter(holder_kind="person").order_by("rank").first(), year=2020,
                      member=member)
    plan = Plan.objects.get(code="hospital")
    enrol_members(plan=plan, year=YEAR, organization=tree.chaoyang, members=Member.objects.filter(pk=member.pk))
    claim = claim_file(member=member, plan=plan, event_date=dt.date(YEAR, 1, 2), days=10, diagnosis="朝阳住院诊断")
    claim_attach(claim=claim, upload=SimpleUploadedFile("朝阳住院证明.pdf", PDF), actor=None)
    return {Plan: plan, Enrolment: Enrolment.objects.get(member=member, plan=plan), Claim: claim}


MAKERS.append(mutual_aid_objects)


def _obj(name: str):
    def get(w):
        from apps.mutual_aid import models

        return w.objects[getattr(models, name)]
    return get


def count_of(model_path: str, **filters) -> Callable:
    def count(w) -> int:
        from django.apps import apps

        from apps.core.scoping import scopes_disabled

        with scopes_disabled():
            return apps.get_model(model_path)._base_manager.filter(**filters).count()
    return count


def post(client, url: str, payload: dict, *, multipart: bool = False):
    client.get("/")
    token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
    if multipart:
        return client.post(url, payload, HTTP_X_CSRFTOKEN=token)
    return client.post(url, data=json.dumps(payload), content_type="application/json", HTTP_X_CSRFTOKEN=token)


def check_post(url_for: Callable, payload, obj_for: Callable, *, prefix: str, ok=(200, 201),
               control: str = "municipal", multipart: bool = False) -> Callable:
    """A POST on a foreign object: refused to outsiders (404 for staff), nothing changes and
    nothing is audited; the control's same POST succeeds (so the URL was right)."""

    def check(w) -> None:
        url = url_for(w)
        before = m.state(obj_for(w))
        logs = m.AuditLog._base_manager.filter(action__startswith=prefix).count()
        body = payload(w) if callable(payload) and not multipart else payload
        for key in m.OUTSIDERS:
            response = post(w.client(key), url, body() if multipart else body, multipart=multipart)
            assert m.refused(response), (key, url, response.status_code)
            if key in m.STAFF_OUTSIDERS:
                assert response.status_code == 404, (key, url, response.status_code)
        assert m.state(obj_for(w)) == before, "an outsider changed it"
        assert m.AuditLog._base_manager.filter(action__startswith=prefix).count() == logs, "outsider audited"
        response = post(w.client(control), url, body() if multipart else body, multipart=multipart)
        assert response.status_code in ok, (url, response.status_code, response.content[:300])
    return check


def check_create(url_for: Callable, payload: Callable, count: Callable, *, ok=(200, 201), multipart: bool = False,
                 control: str = "municipal") -> Callable:
    """A POST that creates rows for 朝阳 (its unit or member named in the payload): outsiders
    are refused (400: the unit or member does not exist for them, 403 or 404) and nothing is
    created; the control's same POST creates."""

    def check(w) -> None:
        url = url_for(w)
        before = count(w)
        for key in m.OUTSIDERS:
            response = post(w.client(key), url, payload(w), multipart=multipart)
            assert response.status_code in (400, 403, 404) or m.is_login_redirect(response), (key, url,
                                                                                          response.status_code)
        assert count(w) == before, "an outsider created rows for 朝阳"
        response = post(w.client(control), url, payload(w), multipart=multipart)
        assert response.status_code in ok, (url, response.status_code, response.content[:300])
        assert count(w) > before, "the control's POST must create"
    return check


def both(*checks: Callable) -> Callable:
    def check(w) -> None:
        for c in checks:
            c(w)
    return check


def city_wide(url_for: Callable, marker: Callable, *, patch: dict | None = None, obj_for=None) -> Callable:
    """City-wide data: staff read it; teachers and judges are refused; only the municipal
    admin changes it (an outsider's PATCH is refused and changes nothing)."""

    def check(w) -> None:
        url = url_for(w)
        response = w.client("municipal").get(url)
        assert response.status_code == 200 and marker(w) in response.content.decode(), url
        for key in ("teacher", "judge"):
            assert m.refused(w.client(key).get(url)), (key, url)
        if patch is not None:
            before = m.state(obj_for(w))
            for key in m.OUTSIDERS:
                client = w.client(key)
                client.get("/")
                token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
                r = client.patch(url, data=json.dumps(patch), content_type="application/json",
                                 HTTP_X_CSRFTOKEN=token)
                assert m.refused(r), (key, url, r.status_code)
            assert m.state(obj_for(w)) == before
    return check


def plan_admin(view: str) -> Callable:
    """The plans' admin: staff may read; only the municipal admin may change (an outsider's
    POST is refused and changes nothing); teachers and judges are sent to log in."""

    def check(w) -> None:
        plan = _obj("Plan")(w)
        url = m.admin_url(type(plan), view, plan.pk) if view != "changelist" else m.admin_url(type(plan), view)
        assert w.client("municipal").get(url).status_code == (403 if view == "delete" else 200), url
        before = m.state(plan)
        for key in m.STAFF_OUTSIDERS:
            client = w.client(key)
            assert client.get(url).status_code in (200, 403), (key, url)
            if view in ("change", "delete"):
                assert client.post(url, {"post": "yes", "name": "改名", "yearly_cap": "1"}).status_code == 403, key
        for key in ("teacher", "judge"):
            assert m.is_login_redirect(w.client(key).get(url)), (key, url)
        assert m.state(plan) == before
    return check


def _import_payload(w):
    from apps.core.scoping import scopes_disabled
    from apps.members.models import Member
    from tests.members.sheets import xlsx_bytes

    with scopes_disabled():
        member = Member._base_manager.get(pk=w.objects[Member].pk)
    data = xlsx_bytes([{"姓名": member.name, "身份证号": member.id_number}], headers=["姓名", "身份证号"],
                      sheet="参保名单")
    upload = io.BytesIO(data)
    upload.name = "名单.xlsx"
    return {"file": upload, "plan": "accident", "year": YEAR, "unit": w.tree.chaoyang.code}


def entries() -> dict:
    claim_url = lambda suffix="": lambda w: f"/{API}claims/{_obj('Claim')(w).pk}/{suffix}"  # noqa: E731
    enrolment_url = lambda w: f"/{API}enrolments/{_obj('Enrolment')(w).pk}/"  # noqa: E731
    plan_url = lambda w: f"/{API}plans/{_obj('Plan')(w).pk}/"  # noqa: E731
    name = lambda w: "朝阳会员"  # noqa: E731
    diagnosis = lambda w: "朝阳住院诊断"  # noqa: E731

    def evidence_upload():
        upload = io.BytesIO(PDF)
        upload.name = "证明.pdf"
        return {"file": upload}

    claims = count_of("mutual_aid.Claim")
    enrolments = count_of("mutual_aid.Enrolment")
    return {
        f"api/v1/welfare/^mutual-aid/plans/$": city_wide(lambda w: f"/{API}plans/", lambda w: "住院医疗互助"),
        f"api/v1/welfare/^mutual-aid/plans/(?P<pk>[0-9]+)/$": city_wide(
            plan_url, lambda w: "住院医疗互助", patch={"yearly_cap": "1.00"}, obj_for=_obj("Plan")),
        f"api/v1/welfare/^mutual-aid/enrolments/$": both(
            check_list(lambda w: f"/{API}enrolments/", name),
            check_create(lambda w: f"/{API}enrolments/",
                         lambda w: {"plan": "critical-illness", "year": YEAR, "unit": w.tree.chaoyang.code},
                         enrolments)),
        f"api/v1/welfare/^mutual-aid/enrolments/export/$": check_list(lambda w: f"/{API}enrolments/export/", name),
        f"api/v1/welfare/^mutual-aid/enrolments/import/$": check_create(
            lambda w: f"/{API}enrolments/import/", _import_payload, enrolments, multipart=True),
        f"api/v1/welfare/^mutual-aid/enrolments/model-workers/$": _model_workers_check(),
        f"api/v1/welfare/^mutual-aid/enrolments/(?P<pk>[0-9]+)/$": check_get(enrolment_url, name),
        f"api/v1/welfare/^mutual-aid/claims/$": both(
            check_list(lambda w: f"/{API}claims/", diagnosis),
            check_create(lambda w: f"/{API}claims/",
                         lambda w: {"member": w.objects[m.Member].pk, "plan": "hospital",
                                    "event_date": f"{YEAR}-01-03", "days": 5, "diagnosis": "复诊"}, claims)),
        f"api/v1/welfare/^mutual-aid/claims/export/$": check_list(lambda w: f"/{API}claims/export/", name),
        f"api/v1/welfare/^mutual-aid/claims/(?P<pk>[0-9]+)/$": check_get(claim_url(), diagnosis),
        f"api/v1/welfare/^mutual-aid/claims/(?P<pk>[0-9]+)/evidence/$": both(
            check_get(claim_url("evidence/"), lambda w: "朝阳住院证明.pdf"),
            check_post(claim_url("evidence/"), evidence_upload, _obj("Claim"), prefix="mutual_aid.",
                       ok=(201,), multipart=True)),
        f"api/v1/welfare/^mutual-aid/claims/(?P<pk>[0-9]+)/evidence/(?P<evidence_id>[0-9]+)/download/$": check_get(
            lambda w: f"/{API}claims/{_obj('Claim')(w).pk}/evidence/{_evidence(w).pk}/download/",
            lambda w: "%PDF-1.4"),
        f"api/v1/welfare/^mutual-aid/claims/(?P<pk>[0-9]+)/transition/$": check_post(
            claim_url("transition/"), {"action": "reject", "reason": "材料不全"}, _obj("Claim"), prefix="mutual_aid."),
        "admin/mutual_aid/plan/": plan_admin("changelist"),
        "admin/mutual_aid/plan/<path:object_id>/change/": plan_admin("change"),
        "admin/mutual_aid/plan/<path:object_id>/history/": plan_admin("history"),
        "admin/mutual_aid/plan/<path:object_id>/delete/": plan_admin("delete"),
        "admin/mutual_aid/plan/<path:object_id>/": _plan_bare,
    }


def _plan_bare(w) -> None:
    """admin/…/plan/<id>/ redirects to the change view: the control opens it, teachers and
    judges are sent to log in."""
    url = f"/admin/mutual_aid/plan/{_obj('Plan')(w).pk}/"
    assert w.client("municipal").get(url, follow=True).status_code == 200, url
    for key in ("teacher", "judge"):
        response = w.client(key).get(url, follow=True)
        assert "login" in response.request["PATH_INFO"], key


def _evidence(w):
    from apps.mutual_aid.models import ClaimEvidence

    return ClaimEvidence._base_manager.get(claim=_obj("Claim")(w))


def _model_workers_check() -> Callable:
    """Outsiders run the automatic enrolment in their own subtree only: 朝阳's model worker is
    never enrolled by them; the municipal control enrols them."""

    def check(w) -> None:
        url = f"/{API}enrolments/model-workers/"
        mine = count_of("mutual_aid.Enrolment", plan__code="model-workers", organization=w.tree.chaoyang)
        for key in m.OUTSIDERS:
            response = post(w.client(key), url, {"year": YEAR})
            assert response.status_code in (200, 400) or m.refused(response), (key, response.status_code)
        assert mine(w) == 0, "an outsider enrolled 朝阳's model worker"
        response = post(w.client("municipal"), url, {"year": YEAR})
        assert response.status_code == 200 and mine(w) == 1, (response.status_code, response.content[:200])
    return check
