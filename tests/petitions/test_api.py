"""The API: a 12351 order received, dispatched to 海淀, signed, contacted, answered, closed,
called back — through /api/v1/petitions/; masked by default, reveal audited, every open of a
detail audited, bad ids 404, bad input 400, sorted by deadline."""

from __future__ import annotations

import json

import pytest

from apps.core.models import AuditLog
from tests.conftest import login

pytestmark = pytest.mark.django_db
API = "/api/v1/petitions/"


def post(client, url, payload):
    client.get("/")
    token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
    return client.post(url, data=json.dumps(payload), content_type="application/json", HTTP_X_CSRFTOKEN=token)


def test_journey_through_the_api(tree, users):
    municipal, haidian, chaoyang = (login(users[k]) for k in ("municipal", "haidian", "chaoyang"))
    order = {"source": "12351", "order_no": "BJ-API-1", "received_at": "2025-09-30T10:00:00+08:00",
             "petitioner_name": "赵老师", "petitioner_phone": "13912345678", "category": "wages-performance",
             "title": "绩效工资", "content": "绩效工资未发放", "petitioner_unit": "D-HAIDIAN"}
    r = post(municipal, f"{API}cases/", order)
    assert r.status_code == 201, r.content
    case = r.json()
    assert case["petitioner_phone"] == "139****5678" and case["status"] == "received"
    assert post(municipal, f"{API}cases/", order).status_code == 200  # the same order again: nothing new
    pk = case["id"]
    r = post(municipal, f"{API}cases/{pk}/transition/", {"action": "dispatch", "unit": "D-HAIDIAN"})
    assert r.status_code == 200 and r.json()["organization"] == "D-HAIDIAN", r.content
    assert chaoyang.get(f"{API}cases/{pk}/").status_code == 404
    assert post(haidian, f"{API}cases/{pk}/transition/", {"action": "close"}).status_code in (400, 403)
    for payload in ({"action": "sign"}, {"action": "sign"}, {"action": "contact"},
                    {"action": "reply", "reply_text": "已协调补发"}):
        r = post(haidian, f"{API}cases/{pk}/transition/", payload)
        assert r.status_code == 200, (payload, r.content)
    r = post(haidian, f"{API}cases/{pk}/transition/", {"action": "reply", "reply_text": "x"})
    assert r.status_code == 400 and "不能答复" in r.json()["action"][0]
    for payload in ({"action": "close"}, {"action": "callback", "satisfaction": "basic", "note": "基本满意"}):
        assert post(municipal, f"{API}cases/{pk}/transition/", payload).status_code == 200
    events = municipal.get(f"{API}cases/{pk}/events/").json()
    assert [e["action"] for e in events] == ["receive", "dispatch", "sign", "contact", "reply", "close", "callback"]
    rates = municipal.get(f"{API}rates/?by=unit,category").json()
    assert rates == [{"unit": "海淀区教育工会", "category": "工资待遇", "received": 1, "closed": 1, "callbacks": 1,
                      "response_rate": 100.0, "solve_rate": 100.0, "satisfaction_rate": 100.0, "close_rate": 100.0,
                      "avg_reply_hours": rates[0]["avg_reply_hours"], "overdue": 0}]


def test_privacy_reveal_and_audited_opens(tree, users):
    from tests.petitions.factories import dispatched, at

    case = dispatched(tree.haidian, when=at(2025, 9, 29, 9))
    clerk, admin = login(users["haidian_clerk"]), login(users["haidian"])
    opens = AuditLog._base_manager.filter(action="petitions.open", object_id=str(case.pk)).count()
    assert clerk.get(f"{API}cases/{case.pk}/").json()["petitioner_phone"] == "138****8000"
    assert AuditLog._base_manager.filter(action="petitions.open", object_id=str(case.pk)).count() == opens + 1
    assert post(clerk, f"{API}cases/{case.pk}/reveal/", {"reason": "回访"}).status_code == 403
    assert post(admin, f"{API}cases/{case.pk}/reveal/", {}).status_code == 400
    r = post(admin, f"{API}cases/{case.pk}/reveal/", {"reason": "电话回访"})
    assert r.json()["petitioner_phone"] == "13800138000"
    assert AuditLog._base_manager.filter(action="petitions.reveal", object_id=str(case.pk),
                                         data__reason="电话回访").exists()


def test_bad_ids_and_bad_input(tree, users):
    municipal = login(users["municipal"])
    for url in (f"{API}cases/abc/", f"{API}cases/999999/", f"{API}cases/999999/events/", f"{API}accounts/x/"):
        assert municipal.get(url).status_code == 404, url
    assert post(municipal, f"{API}cases/999999/transition/", {"action": "sign"}).status_code == 404
    r = post(municipal, f"{API}cases/", {"source": "nope", "received_at": "yesterday"})
    assert r.status_code == 400 and "source" in r.json()
    assert municipal.get(f"{API}cases/?ordering=title").status_code == 400
    assert municipal.get(f"{API}cases/?due_within_hours=-1").status_code == 400
    assert municipal.get(f"{API}rates/?by=planet").status_code == 400
    assert municipal.get(f"{API}rates/?start=2025-13-01").status_code == 400
    r = post(municipal, f"{API}accounts/", {"organization": "D-HAIDIAN", "holder_name": "甲", "phone": "123",
                                            "opened_on": "2025-01-01"})
    assert r.status_code == 400 and "phone" in r.json()


def test_lists_sort_and_filter_by_remaining_working_time(tree, users):
    from django.utils import timezone

    from tests.petitions.factories import dispatched

    now = timezone.now()
    slow = dispatched(tree.haidian, when=now, urgency="complex")
    fast = dispatched(tree.haidian, when=now, urgency="urgent")
    data = login(users["haidian"]).get(f"{API}cases/?ordering=deadline").json()["results"]
    assert [r["id"] for r in data] == [fast.pk, slow.pk]
    assert data[0]["remaining_seconds"] <= data[1]["remaining_seconds"]
    within = login(users["haidian"]).get(f"{API}cases/?due_within_hours=4").json()["results"]
    assert [r["id"] for r in within] == [fast.pk]
    queue = login(users["haidian"]).get(f"{API}work-queue/").json()
    assert [e["case"]["id"] for e in queue["to_sign"]] == [fast.pk, slow.pk]
    assert [e["case"]["id"] for e in queue["due_soon"]][0] == fast.pk
