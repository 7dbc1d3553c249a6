"""/api/v1/welfare/…: build, confirm, issue (a job), roster, missing dates, milestones, outbox."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from apps.core.enums import JobKind, OutboxStatus
from apps.core.models import Job, OutboxMessage
from apps.core.scoping import scopes_disabled
from apps.milestones.enums import RollStatus
from apps.milestones.models import ThirtyYearRoll
from tests.conftest import login
from tests.milestones.factories import make_pku, make_teacher

pytestmark = pytest.mark.django_db
API = "/api/v1/welfare/"


def post(client, url, payload=None):
    client.get("/")
    return client.post(url, data=json.dumps(payload or {}), content_type="application/json",
                        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)


def test_unit_builds_and_confirms_municipal_issues(tree, users):
    make_teacher(tree.tsinghua, name="王一九")
    make_teacher(tree.tsinghua, name="缺日期", started=None, born=dt.date(1969, 5, 1))
    pku = make_pku(tree)
    make_teacher(pku, name="北大师")
    thu = login(users["tsinghua"])
    built = post(thu, f"{API}thirty-years/build/", {"year": 2025})
    assert built.status_code == 200
    assert [(r["organization_name"], r["honoree_count"]) for r in built.json()] == [("清华大学工会", 1)]
    bad = post(thu, f"{API}thirty-years/build/", {"year": 2025, "organization": "U-PKU"})  # not theirs
    assert bad.status_code == 400 and "organization" in bad.json()
    roll_id = built.json()[0]["id"]
    missing = thu.get(f"{API}thirty-years/{roll_id}/missing/").json()
    assert [p["name"] for p in missing] == ["缺日期"]
    assert post(thu, f"{API}thirty-years/{roll_id}/confirm/").json()["status"] == RollStatus.CONFIRMED
    again = post(thu, f"{API}thirty-years/{roll_id}/confirm/")
    assert again.status_code == 200 and again.json()["status"] == RollStatus.CONFIRMED  # a double submit acts once
    refused = post(thu, f"{API}thirty-years/issue/", {"rolls": [roll_id]})
    assert refused.status_code == 403
    admin = login(users["municipal"])
    with scopes_disabled():
        pku_roll = post(admin, f"{API}thirty-years/build/", {"year": 2025, "organization": "U-PKU"}).json()[0]
    not_confirmed = post(admin, f"{API}thirty-years/issue/", {"rolls": [roll_id, pku_roll["id"]]})
    assert not_confirmed.status_code == 400 and "北京大学工会" in json.dumps(not_confirmed.json(), ensure_ascii=False)
    started = post(admin, f"{API}thirty-years/issue/", {"rolls": [roll_id]})
    assert started.status_code == 202 and started.json()["certificates"] == 1
    with scopes_disabled():
        job = Job.objects.get(pk=started.json()["job"])
        assert job.kind == JobKind.THIRTY_CERTIFICATES and job.params["roll_ids"] == [roll_id]
        assert ThirtyYearRoll.objects.get(pk=roll_id).status == RollStatus.CONFIRMED  # until the job has run
    roster = thu.get(f"{API}thirty-years/{roll_id}/roster/")
    assert roster.status_code == 200 and "spreadsheetml" in roster["Content-Type"]
    assert login(users["haidian"]).get(f"{API}thirty-years/{roll_id}/").status_code == 404
    assert len(thu.get(f"{API}thirty-years/honorees/").json()["results"]) == 1


def test_milestones_run_and_outbox_retry(tree, users, settings):
    settings.OUTBOX_CHANNEL = "log"
    make_teacher(tree.tsinghua, name="十年整", started=dt.date(2016, 3, 1))
    admin = login(users["municipal"])
    first = post(admin, f"{API}milestones/run/", {"year": 2026, "month": 3})
    assert first.status_code == 200 and first.json()["created"] == 1
    assert post(admin, f"{API}milestones/run/", {"year": 2026, "month": 3}).json()["created"] == 0
    assert post(admin, f"{API}milestones/run/", {"year": 2026, "month": 13}).status_code == 400
    assert post(login(users["tsinghua"]), f"{API}milestones/run/", {"year": 2026, "month": 3}).status_code == 403
    listed = login(users["tsinghua"]).get(f"{API}outbox/").json()["results"]
    assert [m["subject"] for m in listed] == ["十年整：入职10周年、入会10周年"]
    assert login(users["haidian"]).get(f"{API}outbox/").json()["results"] == []
    message_id = listed[0]["id"]
    assert post(admin, f"{API}outbox/{message_id}/retry/").status_code == 400  # only a failed one
    with scopes_disabled():
        from apps.core.outbox import outbox_transition

        outbox_transition(message_id=message_id, to=OutboxStatus.SENDING)
        outbox_transition(message_id=message_id, to=OutboxStatus.FAILED, last_error="HTTP 500")
    retried = post(admin, f"{API}outbox/{message_id}/retry/")
    assert retried.status_code == 200 and retried.json()["status"] == OutboxStatus.PENDING
    with scopes_disabled():
        assert OutboxMessage.objects.get(pk=message_id).tries == 0
