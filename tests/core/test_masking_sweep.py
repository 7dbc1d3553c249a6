"""The masking sweep: everything a clerk (no reveal permission) can export or download —
every export, every job kind's page and file, the API lists — carries no full ID number,
mobile phone or bank account. The xlsx files are parsed cell by cell, CSV and JSON read as
text; the search is for the people's own values and for any run of digits shaped like one."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from openpyxl import load_workbook

from apps.accounts.enums import Role
from apps.core.enums import JobKind
from apps.core.jobs import job_start
from apps.core.models import Job
from apps.core.scoping import scope, scopes_disabled
from apps.honours.models import HonourTitle
from apps.honours.services import honour_create
from apps.honours.titles import seed_titles
from apps.members.export_jobs import export_members, start_member_export
from apps.organizations.tasks import export_organizations
from apps.payments.services import (
    payment_batch_add_items,
    payment_batch_approve,
    payment_batch_create,
    payment_batch_submit,
)
from tests.conftest import login
from tests.factories.members import make_member
from tests.factories.orgs import PASSWORD, make_user

pytestmark = pytest.mark.django_db

# Shapes of unmasked values: an 18-character ID, an 11-digit mobile, a 16–19 digit account.
FULL_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
FULL_PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
FULL_ACCOUNT = re.compile(r"(?<!\d)\d{16,19}(?!\d)")
PEOPLE = [("李青", "13912345678", "6222020200100000007"), ("王强", "15811112222", "6217000010002223334")]


@pytest.fixture
def world(tree, users):
    """海淀 members with phones and accounts, one honoured, in an approved batch (accounts frozen)."""
    members = [make_member(tree.haidian, name=name, phone=phone, bank_account=account)
               for name, phone, account in PEOPLE]
    approver = make_user("t_city_approver", tree.root, Role.PAYMENT_APPROVER, password=PASSWORD)
    with scopes_disabled():
        seed_titles(HonourTitle)
        honour_create(title=HonourTitle.objects.get(code="beijing_advanced_worker"), year=2024, member=members[0],
                      certificate_no="HD-2024-1", actor=users["municipal"])
        batch = payment_batch_create(organization=tree.haidian, title="海淀慰问", purpose="festival_condolence",
                                     actor=users["haidian"])
        payment_batch_add_items(batch=batch, entries=[(m, "100.00") for m in members], actor=users["haidian"])
        payment_batch_submit(batch=batch, actor=users["haidian"])
        batch = payment_batch_approve(batch=batch, actor=approver, password=PASSWORD)
    return {"members": members, "batch": batch}


def secrets(world) -> list[str]:
    return [v for m in world["members"] for v in (m.id_number, m.phone, m.bank_account)]


def text_of(response) -> str:
    """Everything a response carries, as text: each cell of a workbook, else the body."""
    data = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    if data[:2] == b"PK":
        book = load_workbook(io.BytesIO(data))
        cells = [str(value) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                 for value in row if value is not None]
        with zipfile.ZipFile(io.BytesIO(data)) as archive:  # and the raw XML, in case a cell hides it
            cells += [archive.read(n).decode() for n in archive.namelist() if n.endswith(".xml")]
        return "\n".join(cells)
    return data.decode("utf-8-sig", errors="replace")


def assert_masked(label: str, text: str, world) -> None:
    for value in secrets(world):
        assert value not in text, (label, "carries a full value")
    for shape in (FULL_ID, FULL_PHONE, FULL_ACCOUNT):
        found = shape.findall(text)
        assert not found, (label, shape.pattern, found[:3])


def csrf_post(client, url, data, *, json_body=True):
    client.get("/")
    token = client.cookies["csrftoken"].value
    if json_body:
        return client.post(url, data=json.dumps(data), content_type="application/json", HTTP_X_CSRFTOKEN=token)
    return client.post(url, {**data, "csrfmiddlewaretoken": token})


def run_jobs(tree, clerk) -> list[Job]:
    """One job of each exporting kind, started as the clerk and run in process (the same task
    bodies a worker runs); a disbursement job is the batch's own."""
    from apps.accounts.acting import bind

    bind(clerk)
    with scope(paths=[tree.haidian.path]):
        member_job = start_member_export(user=clerk, reveal=False, source="api", filters={})
        organization_job = job_start(kind=JobKind.ORGANIZATION_EXPORT, organization=tree.haidian, actor=clerk,
                                     task=export_organizations)
    export_members(job_id=str(member_job.pk))
    export_organizations(job_id=str(organization_job.pk))
    with scopes_disabled():
        return list(Job.objects.filter(pk__in=[member_job.pk, organization_job.pk]))


def test_a_clerk_never_receives_a_full_id_phone_or_account(world, tree, users):
    clerk_user = users["haidian_clerk"]
    clerk = login(clerk_user)
    batch = world["batch"]
    member = world["members"][0]
    gets = {
        "API members list": "/api/v1/members/",
        "API member": f"/api/v1/members/{member.pk}/",
        "API members export": "/api/v1/members/export/",
        "API members export ?reveal=1": "/api/v1/members/export/?reveal=1",
        "admin member export": "/admin/members/member/export-members/",
        "admin member list": "/admin/members/member/",
        "admin member page": f"/admin/members/member/{member.pk}/change/",
        "API honours export": "/api/v1/honours/export/",
        "API payment batches export": "/api/v1/payment-batches/export/",
        "API payment items": f"/api/v1/payment-batches/{batch.pk}/items/",
        "API payment items export": f"/api/v1/payment-batches/{batch.pk}/items/export/",
        "API payment items export ?reveal=1": f"/api/v1/payment-batches/{batch.pk}/items/export/?reveal=1",
        "admin payment items export": f"/admin/payments/paymentbatch/{batch.pk}/export-items/",
        "admin payment item list": "/admin/payments/paymentitem/",
        "admin payment batch page": f"/admin/payments/paymentbatch/{batch.pk}/change/",
    }
    reached = set()
    for label, url in gets.items():
        response = clerk.get(url)
        assert response.status_code in (200, 403, 404), (label, response.status_code)
        if response.status_code == 200:
            reached.add(label)
            assert_masked(label, text_of(response), world)
    # the exports a clerk does reach are not a vacuous pass
    assert {"API members export", "admin member export", "API payment items export", "API honours export",
            "admin payment items export"} <= reached, reached

    # what reveals is refused to the clerk, whatever the method
    refused = {
        "members export reveal": csrf_post(clerk, "/api/v1/members/export/reveal/", {"reason": "核对"}),
        "items export reveal": csrf_post(clerk, f"/api/v1/payment-batches/{batch.pk}/items/export/reveal/",
                                         {"reason": "核对"}),
        "member reveal": csrf_post(clerk, f"/api/v1/members/{member.pk}/reveal/", {"reason": "核对"}),
        "admin full export": csrf_post(clerk, "/admin/members/member/export-members-full/", {"reason": "核对"},
                                       json_body=False),
        "admin transfer file": csrf_post(clerk, f"/admin/payments/paymentbatch/{batch.pk}/transfer-csv/",
                                         {"reason": "核对"}, json_body=False),
        "admin items full export": csrf_post(clerk, f"/admin/payments/paymentbatch/{batch.pk}/export-items-full/",
                                             {"reason": "核对"}, json_body=False),
    }
    for label, response in refused.items():
        assert response.status_code in (403, 404), (label, response.status_code)
        assert_masked(label, text_of(response), world)
    selected = csrf_post(clerk, "/admin/members/member/", {
        "action": "export_selected", "index": "0", "select_across": "0",
        "_selected_action": [m.pk for m in world["members"]]}, json_body=False)
    assert selected.status_code == 200
    assert_masked("admin export selected", text_of(selected), world)

    # every job kind: its page, its status and its file
    for job in run_jobs(tree, clerk_user):
        assert job.status == "succeeded", (job.kind, job.error)
        for part in ("", "status/", "download/"):
            response = clerk.get(f"/jobs/{job.pk}/{part}")
            assert response.status_code == 200, (job.kind, part, response.status_code)
            assert_masked(f"job {job.kind} {part or 'page'}", text_of(response), world)
    assert clerk.get("/jobs/").status_code == 200
    assert_masked("job list", text_of(clerk.get("/jobs/")), world)


def test_the_sweep_catches_a_full_value(world, users):
    """Control: the unit admin's revealing export does carry the full values, and the sweep says so."""
    response = csrf_post(login(users["haidian"]), "/api/v1/members/export/reveal/", {"reason": "核对"})
    assert response.status_code == 200
    with pytest.raises(AssertionError):
        assert_masked("revealed export", text_of(response), world)
