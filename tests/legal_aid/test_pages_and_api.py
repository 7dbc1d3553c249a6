"""The phone pages and the API: a member asks, the centre assigns, the lawyer answers, the
member reads and follows up; another lawyer and other members get a 404; opens and
downloads are audited."""

from __future__ import annotations

import io
import json

import pytest

from apps.core.models import AuditLog
from apps.core.scoping import scopes_disabled
from apps.legal_aid.enums import ConsultationStatus as S
from apps.legal_aid.models import Consultation, ConsultationAttachment
from tests.conftest import login

from .helpers import PDF, ask, move

pytestmark = pytest.mark.django_db


def _post(client, url, data, **kw):
    client.get("/")
    return client.post(url, data, HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value, **kw)


def _api(client, url, payload):
    client.get("/")
    return client.post(url, json.dumps(payload), content_type="application/json",
                       HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)


def test_member_asks_and_lawyer_answers_through_the_pages(people):
    member = login(people["member"])
    page = member.get("/legal-aid/ask/")
    assert page.status_code == 200 and "提交咨询" in page.content.decode()
    token = page.context["form"]["token"].value()
    upload = io.BytesIO(PDF)
    upload.name = "工资条.pdf"
    data = {"category": "wages", "title": "绩效工资扣发", "question": "被扣发绩效工资怎么办？", "token": token,
            "attachment": upload}
    response = _post(member, "/legal-aid/ask/", data)
    assert response.status_code == 302
    again = _post(member, "/legal-aid/ask/", {**data, "attachment": ""})  # a double submit
    assert again.status_code == 302 and again["Location"] == response["Location"]
    with scopes_disabled():
        c = Consultation.objects.get()
    move(c, "assign", people["municipal"], lawyer=people["lawyer1"])

    lawyer = login(people["lawyer1"])
    listing = lawyer.get("/legal-aid/").content.decode()
    assert "分配给我的法律咨询" in listing and "绩效工资扣发" in listing
    detail = lawyer.get(f"/legal-aid/{c.pk}/")
    assert detail.status_code == 200 and "提交答复" in detail.content.decode()
    bad = _post(lawyer, f"/legal-aid/{c.pk}/", {"action": "answer", "text": ""})
    assert bad.status_code == 200 and "该字段是必填项" in bad.content.decode()
    assert _post(lawyer, f"/legal-aid/{c.pk}/", {"action": "answer", "text": "应先书面询问扣发依据。"}).status_code == 302
    assert login(people["lawyer2"]).get(f"/legal-aid/{c.pk}/").status_code == 404
    assert login(people["other_member"]).get(f"/legal-aid/{c.pk}/").status_code == 404

    page = member.get(f"/legal-aid/{c.pk}/").content.decode()
    assert "应先书面询问扣发依据。" in page and "律师已答复" in page and "提交追问" in page
    assert _post(member, f"/legal-aid/{c.pk}/", {"action": "answer", "text": "冒充律师"}).status_code == 302
    with scopes_disabled():
        assert Consultation.objects.get().status == S.ANSWERED  # the member may not answer
        attachment = ConsultationAttachment.objects.get()
        opens = AuditLog.objects.filter(action="legal_aid.open").count()
    assert opens == 2  # the lawyer's and the member's open; the refused ones are not opens
    download = member.get(f"/legal-aid/attachments/{attachment.pk}/download/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert login(people["lawyer2"]).get(f"/legal-aid/attachments/{attachment.pk}/download/").status_code == 404
    with scopes_disabled():
        assert AuditLog.objects.filter(action="legal_aid.download").count() == 1


def test_the_api_carries_the_whole_thread(people):
    member, admin = login(people["member"]), login(people["municipal"])
    lawyer1, lawyer2 = login(people["lawyer1"]), login(people["lawyer2"])
    created = _api(member, "/api/v1/legal-aid/consultations/",
                   {"category": "insurance", "title": "产假社保", "question": "产假期间社保谁缴？"})
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert [r["username"] for r in admin.get("/api/v1/legal-aid/lawyers/").json()] == ["t_lawyer1", "t_lawyer2"]
    assigned = _api(admin, f"/api/v1/legal-aid/consultations/{pk}/transition/",
                    {"action": "assign", "lawyer": "t_lawyer1"})
    assert assigned.status_code == 200 and assigned.json()["status"] == "assigned"
    illegal = _api(member, f"/api/v1/legal-aid/consultations/{pk}/transition/", {"action": "follow_up", "text": "?"})
    assert illegal.status_code == 400 and "不能追问" in illegal.content.decode()
    assert lawyer2.get(f"/api/v1/legal-aid/consultations/{pk}/").status_code == 404
    assert _api(lawyer2, f"/api/v1/legal-aid/consultations/{pk}/transition/",
                {"action": "answer", "text": "越权"}).status_code == 404
    answered = _api(lawyer1, f"/api/v1/legal-aid/consultations/{pk}/transition/",
                    {"action": "answer", "text": "由用人单位继续缴纳。"})
    assert answered.status_code == 200 and answered.json()["lawyer_name"] == "t_lawyer1"
    thread = member.get(f"/api/v1/legal-aid/consultations/{pk}/messages/").json()
    assert [m["kind"] for m in thread] == ["question", "answer"] and thread[1]["text"] == "由用人单位继续缴纳。"
    assert lawyer2.get("/api/v1/legal-aid/consultations/").json()["results"] == []
    assert login(people["haidian"]).get(f"/api/v1/legal-aid/consultations/{pk}/").status_code in (403, 404)


def _queue(user) -> dict:
    from apps.accounts.acting import bind
    from apps.core.scoping import activate, deactivate
    from apps.core.work_queue import queue_for

    token = activate(bind(user))
    try:
        return {i.label: i.count for i in queue_for(user) if i.section == "法律援助"}
    finally:
        deactivate(token)


def test_work_queue_names_what_waits(people):
    c = ask(people["member"])
    assert _queue(people["municipal"]) == {"待分配律师的法律咨询": 1}
    assert _queue(people["lawyer1"]) == {}
    move(c, "assign", people["municipal"], lawyer=people["lawyer1"])
    assert _queue(people["lawyer1"]) == {"待答复的法律咨询": 1}
    home = login(people["lawyer1"]).get("/")  # every app's provider runs in the lawyer's person scope
    assert home.status_code == 200 and "待答复的法律咨询" in home.content.decode()
    assert _queue(people["lawyer2"]) == {}
    move(c, "answer", people["lawyer1"], role="lawyer", text="答复")
    assert _queue(people["member"]) == {"律师已答复的咨询": 1}
