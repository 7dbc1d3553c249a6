"""Access-matrix entries for apps/hardship (found by name by test_access_matrix).

The foreign objects belong to 朝阳: a hardship file of 朝阳会员, 朝阳's love fund with a
donation, and an application for 朝阳会员 drawing on that fund, with its evidence."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

from tests.core import test_access_matrix as m
from tests.core.access_mutual_aid import both, check_create, check_post, count_of, post
from tests.core.access_petitions import check_get, check_list

MAKERS: list[Callable] = []
API = "api/v1/welfare/"
PDF = b"%PDF-1.4\n% test\n"


def hardship_objects(tree, users, member) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from apps.hardship.fund import fund_create, fund_donate
    from apps.hardship.models import AidApplication, FundEntry, HardshipFile, LoveFund
    from apps.hardship.services import application_attach, application_submit, file_open

    file = file_open(member=member, level="deep", causes="朝阳致困原因", household_size=3, household_income="30000")
    fund = fund_create(organization=tree.chaoyang, name="朝阳爱心基金")
    entry = fund_donate(fund=fund, amount="50000", donor_kind="person", donor_name="朝阳捐赠人")
    application = application_submit(member=member, kind="living", amount="1000", reason="朝阳帮扶事由",
                                     applied_on=dt.date.today(), fund=fund)
    application_attach(application=application, upload=SimpleUploadedFile("朝阳帮扶证明.pdf", PDF), actor=None)
    return {HardshipFile: file, LoveFund: LoveFund._base_manager.get(pk=fund.pk), FundEntry: entry,
            AidApplication: application}


MAKERS.append(hardship_objects)


def _obj(name: str):
    def get(w):
        from apps.hardship import models

        return w.objects[getattr(models, name)]
    return get


def _evidence(w):
    from apps.hardship.models import AidEvidence

    return AidEvidence._base_manager.get(application=_obj("AidApplication")(w))


def _file_read_audited() -> Callable:
    """The file's detail: outsiders get a 404 and leave no read in the audit log; the
    control's read shows the causes and is audited."""

    def check(w) -> None:
        file = _obj("HardshipFile")(w)
        url = f"/{API}hardship/files/{file.pk}/"
        reads = lambda: m.AuditLog._base_manager.filter(action="hardship.file_read",  # noqa: E731
                                                        object_id=str(file.pk)).count()
        check_get(lambda w: url, lambda w: "朝阳致困原因")(w)
        before = reads()
        for key in m.OUTSIDERS:
            w.client(key).get(url)
        assert reads() == before, "an outsider's attempt was recorded as a read"
        w.client("municipal").get(url)
        assert reads() == before + 1
    return check


def entries() -> dict:
    file_url = lambda suffix="": lambda w: f"/{API}hardship/files/{_obj('HardshipFile')(w).pk}/{suffix}"  # noqa: E731
    app_url = lambda suffix="": lambda w: (  # noqa: E731
        f"/{API}hardship/applications/{_obj('AidApplication')(w).pk}/{suffix}")
    fund_url = lambda suffix="": lambda w: f"/{API}love-fund/funds/{_obj('LoveFund')(w).pk}/{suffix}"  # noqa: E731
    file_marker = lambda w: f'"id":{_obj("HardshipFile")(w).pk},'  # noqa: E731
    reason = lambda w: "朝阳帮扶事由"  # noqa: E731
    fund_name = lambda w: "朝阳爱心基金"  # noqa: E731

    def evidence_upload():
        upload = io.BytesIO(PDF)
        upload.name = "证明.pdf"
        return {"file": upload}

    files = count_of("hardship.HardshipFile")
    applications = count_of("hardship.AidApplication")
    funds = count_of("hardship.LoveFund")
    return {
        f"{API}^hardship/files/$": both(
            check_list(lambda w: f"/{API}hardship/files/", file_marker),
            check_create(lambda w: f"/{API}hardship/files/", _new_file_payload, files)),
        f"{API}^hardship/files/export/$": check_list(lambda w: f"/{API}hardship/files/export/",
                                                    lambda w: w.tree.chaoyang.name),
        f"{API}^hardship/files/(?P<pk>[0-9]+)/$": _file_read_audited(),
        f"{API}^hardship/files/(?P<pk>[0-9]+)/review/$": check_post(
            file_url("review/"), {"level": "general", "household_size": 3, "household_income": "40000"},
            _obj("HardshipFile"), prefix="hardship."),
        f"{API}^hardship/files/(?P<pk>[0-9]+)/transition/$": check_post(
            file_url("transition/"), {"status": "closed", "reason": "已脱困"}, _obj("HardshipFile"),
            prefix="hardship."),
        f"{API}^hardship/applications/$": both(
            check_list(lambda w: f"/{API}hardship/applications/", reason),
            check_create(lambda w: f"/{API}hardship/applications/",
                         lambda w: {"member": w.objects[m.Member].pk, "kind": "education", "amount": "500",
                                    "reason": "助学", "fund": _obj("LoveFund")(w).pk}, applications)),
        f"{API}^hardship/applications/export/$": check_list(lambda w: f"/{API}hardship/applications/export/",
                                                           lambda w: w.tree.chaoyang.name),
        f"{API}^hardship/applications/(?P<pk>[0-9]+)/$": check_get(app_url(), reason),
        f"{API}^hardship/applications/(?P<pk>[0-9]+)/evidence/$": both(
            check_get(app_url("evidence/"), lambda w: "朝阳帮扶证明.pdf"),
            check_post(app_url("evidence/"), evidence_upload, _obj("AidApplication"), prefix="hardship.",
                       ok=(201,), multipart=True)),
        f"{API}^hardship/applications/(?P<pk>[0-9]+)/evidence/(?P<evidence_id>[0-9]+)/download/$": check_get(
            lambda w: f"/{API}hardship/applications/{_obj('AidApplication')(w).pk}/evidence/{_evidence(w).pk}/download/",
            lambda w: "%PDF-1.4"),
        f"{API}^hardship/applications/(?P<pk>[0-9]+)/other-aid/$": check_get(app_url("other-aid/"),
                                                                            lambda w: "住院医疗互助"),
        f"{API}^hardship/applications/(?P<pk>[0-9]+)/transition/$": check_post(
            app_url("transition/"), {"action": "unit_approve"}, _obj("AidApplication"), prefix="hardship."),
        f"{API}^love-fund/funds/$": both(
            check_list(lambda w: f"/{API}love-fund/funds/", fund_name),
            check_create(lambda w: f"/{API}love-fund/funds/",
                         lambda w: {"organization": w.tree.chaoyang_school.code, "name": "朝阳学校爱心基金"}, funds)),
        f"{API}^love-fund/funds/(?P<pk>[0-9]+)/$": check_get(fund_url(), fund_name),
        f"{API}^love-fund/funds/(?P<pk>[0-9]+)/donate/$": check_post(
            fund_url("donate/"), {"amount": "100", "donor_kind": "person", "donor_name": "张三"}, _obj("LoveFund"),
            prefix="hardship.", ok=(201,)),
        f"{API}^love-fund/entries/$": check_list(lambda w: f"/{API}love-fund/entries/", lambda w: "朝阳捐赠人"),
        f"{API}^love-fund/entries/(?P<pk>[0-9]+)/$": check_get(
            lambda w: f"/{API}love-fund/entries/{_obj('FundEntry')(w).pk}/", lambda w: "朝阳捐赠人"),
        f"{API}my-aid/": _my_aid_check(),
    }


def _new_file_payload(w) -> dict:
    """A file for a second 朝阳 member (the first already has an open one)."""
    from apps.core.scoping import scopes_disabled
    from tests.factories.members import make_member

    if "second" not in w.objects:
        with scopes_disabled():
            w.objects["second"] = make_member(w.tree.chaoyang, name="朝阳二号", branch=w.tree.chaoyang_school)
    return {"member": w.objects["second"].pk, "level": "general", "causes": "病", "household_size": 2,
            "household_income": "20000"}


def _my_aid_check() -> Callable:
    """Everyone reads only their own aid: 朝阳会员's application never shows to anyone else."""

    def check(w) -> None:
        url = f"/{API}my-aid/"
        for key in (*m.OUTSIDERS, "municipal"):
            response = w.client(key).get(url)
            assert response.status_code == 200, (key, response.status_code)
            assert "朝阳" not in response.content.decode(), key
        assert post(w.client("teacher"), url, {}).status_code == 405
    return check
