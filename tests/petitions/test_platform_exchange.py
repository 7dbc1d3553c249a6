"""Exchange with the 12351 platform (§5): the order list imported all or nothing, errors
beside row and column, idempotent by (source, order number), through the admin's upload →
preview → confirm and the API; a big file as a job; the export of replies and closure
results in the same layout, masked unless revealed with an audited reason."""

from __future__ import annotations

import datetime as dt
import io
import json
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from apps.core.enums import JobKind, JobStatus
from apps.core.models import AuditLog, Job
from apps.core.scoping import scopes_disabled
from apps.petitions.enums import Action, Source, Urgency
from apps.petitions.exchange import jobs
from apps.petitions.exchange.columns import PLATFORM_COLUMNS
from apps.petitions.models import Case, CaseEvent
from tests.conftest import login, wait_for
from tests.petitions.factories import move
from tests.petitions.platform_sheets import Number, order_row, xlsx_bytes

pytestmark = pytest.mark.django_db
ADMIN = "/admin/petitions/case/"
IMPORT_URL = f"{ADMIN}platform-import/"
API = "/api/v1/petitions/platform/"


def upload(client, data: bytes, name: str = "12351工单.xlsx"):
    client.get(IMPORT_URL)
    file = io.BytesIO(data)
    file.name = name
    return client.post(IMPORT_URL, {"file": file, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def confirm(client, token: str):
    return client.post(IMPORT_URL, {"token": token, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def cases() -> list[Case]:
    with scopes_disabled():
        return list(Case.objects.order_by("order_no"))


def snapshot() -> list[tuple]:
    with scopes_disabled():
        return list(Case.objects.order_by("id").values_list("id", "order_no", "status", "updated_at",
                                                             "petitioner_name", "title"))


def test_template_is_the_platform_layout(users):
    client = login(users["municipal"])
    page = client.get(ADMIN).content.decode()
    assert IMPORT_URL in page and f"{ADMIN}platform-template/" in page and f"{ADMIN}platform-export/" in page
    response = client.get(f"{ADMIN}platform-template/")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    assert tuple(c.value for c in sheet[1]) == PLATFORM_COLUMNS
    assert sheet.cell(row=2, column=PLATFORM_COLUMNS.index("身份证号") + 1).number_format == "@"
    assert login(users["haidian"]).get(f"{ADMIN}platform-template/").status_code in (302, 403)


def test_good_file_imports_once_and_again_changes_nothing(tree, users):
    client = login(users["municipal"])
    rows = [order_row(1), order_row(2, 紧急程度="紧急", 诉求类别="社会保险", 所在单位="D-CHAOYANG", 身份证号=""),
            order_row(3, 来源="12345", 工单编号="BJ12351-2025000001", 联系电话="", 诉求标题="")]
    data = xlsx_bytes(rows)
    preview = upload(client, data)
    assert preview.status_code == 200 and preview.context["token"], preview.content.decode()[:500]
    html = preview.content.decode()
    assert "139****0001" in html and "13900000001" not in html and rows[0]["身份证号"] not in html
    assert cases() == []  # the preview writes nothing
    done = confirm(client, preview.context["token"])
    assert done.status_code == 302
    imported = cases()
    assert len(imported) == 3
    first = next(c for c in imported if c.order_no == "BJ12351-2025000001" and c.source == Source.P12351)
    assert first.petitioner_phone == "13900000001" and first.petitioner_id_number == rows[0]["身份证号"]
    assert first.petitioner_unit == tree.haidian and first.category.code == "wages-arrears"
    assert first.organization == tree.root and first.status == "received" and first.urgency == Urgency.NORMAL
    assert first.received_at == dt.datetime(2025, 9, 29, 10, 15, tzinfo=ZoneInfo("Asia/Shanghai"))
    second = next(c for c in imported if c.order_no == "BJ12351-2025000002")
    assert second.urgency == Urgency.URGENT and second.category.code == "insurance"
    assert second.petitioner_unit == tree.chaoyang
    third = next(c for c in imported if c.source == Source.P12345)  # same number, other platform: its own case
    assert third.title == "学校拖欠两个月绩效工资，请求协调。" and third.petitioner_phone == ""
    with scopes_disabled():
        assert CaseEvent.objects.filter(action=Action.RECEIVE).count() == 3
    assert AuditLog._base_manager.filter(action="petitions.platform_import").count() == 1
    assert confirm(client, preview.context["token"]).status_code == 302  # a double submit imports nothing
    before = snapshot()

    move(first, Action.DISPATCH, unit=tree.haidian)  # the order is being handled meanwhile
    before = snapshot()
    again = upload(client, data)
    assert again.context["report"].existing == 3 and "已登记（跳过）" in again.content.decode()
    assert confirm(client, again.context["token"]).status_code == 302
    assert snapshot() == before  # the same file twice: nothing created, nothing changed
    assert AuditLog._base_manager.filter(action="petitions.receive").count() == 3


def test_malformed_file_reports_row_and_column_and_writes_nothing(tree, users):
    client = login(users["municipal"])
    rows = [order_row(1),
            order_row(2, 联系电话="1234", 诉求类别="不存在的类别", 受理时间="昨天上午"),
            order_row(3, 身份证号=Number(110105198001010000), 紧急程度="特急", 所在单位="火星学校"),
            order_row(4, 工单编号="BJ12351-2025000001", 诉求人="", 诉求内容=""),
            order_row(5, 来源="微信")]
    response = upload(client, xlsx_bytes(rows))
    report = response.context["report"]
    assert not response.context["token"]
    found = {(e.row, e.column) for e in report.errors}
    assert found == {(3, "受理时间"), (3, "联系电话"), (3, "诉求类别"), (4, "身份证号"), (4, "所在单位"),
                     (4, "紧急程度"), (5, "工单编号"), (5, "诉求人"), (5, "诉求内容"), (6, "来源")}
    messages = {(e.row, e.column): e.message for e in report.errors}
    assert "文本格式" in messages[(4, "身份证号")] and "与第 2 行" in messages[(5, "工单编号")]
    assert "工资待遇" in messages[(3, "诉求类别")]
    html = response.content.decode()
    assert "第 3 行" in html or "3</td>" in html
    assert "未写入任何数据" in html
    assert cases() == [] and not AuditLog._base_manager.filter(action__startswith="petitions.").exists()

    missing = upload(client, xlsx_bytes([order_row(1)], headers=[h for h in PLATFORM_COLUMNS if h != "受理时间"]))
    assert [(e.row, e.column) for e in missing.context["report"].errors] == [(1, "受理时间")]
    broken = upload(client, b"PK\x03\x04 not really a workbook")
    assert "不是有效的 Excel 文件" in broken.content.decode() and cases() == []


def _api_post(client, url, data: dict, *, multipart=True):
    client.get("/")
    token = client.cookies["csrftoken"].value
    if multipart:
        return client.post(url, data, HTTP_X_CSRFTOKEN=token)
    return client.post(url, json.dumps(data), content_type="application/json", HTTP_X_CSRFTOKEN=token)


def _file(data: bytes):
    f = io.BytesIO(data)
    f.name = "orders.xlsx"
    return f


def _sheet_rows(response) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [tuple(r) for r in book.worksheets[0].iter_rows(values_only=True)]


def test_api_import_idempotent_and_export_masked_unless_revealed(tree, users):
    client = login(users["municipal"])
    data = xlsx_bytes([order_row(1), order_row(2)])
    dry = _api_post(client, f"{API}import/", {"file": _file(data), "dry_run": "true"})
    assert dry.status_code == 200 and dry.json()["created"] == 0 and cases() == []
    first = _api_post(client, f"{API}import/", {"file": _file(data)})
    assert first.status_code == 200 and (first.json()["created"], first.json()["existing"]) == (2, 0)
    second = _api_post(client, f"{API}import/", {"file": _file(data)})
    assert second.status_code == 200 and (second.json()["created"], second.json()["existing"]) == (0, 2)
    bad = _api_post(client, f"{API}import/", {"file": _file(xlsx_bytes([order_row(7, 联系电话="12")]))})
    assert bad.status_code == 400 and bad.json()["errors"][0]["row"] == 2
    assert bad.json()["errors"][0]["column"] == "联系电话" and "未写入任何数据" in bad.json()["file"][0]
    assert len(cases()) == 2
    assert _api_post(login(users["haidian"]), f"{API}import/", {"file": _file(data)}).status_code == 403

    case = next(c for c in cases() if c.order_no.endswith("000001"))
    move(case, Action.DISPATCH, unit=tree.haidian)
    for action, kw in ((Action.SIGN, {}), (Action.CONTACT, {}), (Action.REPLY, {"reply_text": "已协调补发"}),
                       (Action.CLOSE, {}), (Action.CALLBACK, {"satisfaction": "satisfied"})):
        move(case, action, **kw)
    masked = client.get(f"{API}export/")
    assert masked.status_code == 200
    header, *body = _sheet_rows(masked)
    assert header == PLATFORM_COLUMNS and len(body) == 1  # only the answered order
    row = dict(zip(header, body[0], strict=True))
    assert row["联系电话"] == "139****0001" and row["身份证号"].startswith("110") and "*" in row["身份证号"]
    assert row["答复内容"] == "已协调补发" and row["回访结果"] == "满意（已解决）" and row["承办单位"] == tree.haidian.name
    assert row["诉求类别"] == "工资待遇/拖欠工资" and row["办理状态"] == "已回访"
    no_reason = _api_post(client, f"{API}export/", {"reveal": True}, multipart=False)
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    full = _api_post(client, f"{API}export/", {"reveal": True, "reason": "平台回传需完整信息"}, multipart=False)
    assert full.status_code == 200
    row = dict(zip(PLATFORM_COLUMNS, _sheet_rows(full)[1], strict=True))
    assert row["联系电话"] == "13900000001" and row["身份证号"] == case.petitioner_id_number
    logs = list(AuditLog._base_manager.filter(action="petitions.platform_export").order_by("id"))
    assert [(entry.data["reveal"], entry.data["reason"]) for entry in logs] == [
        (False, ""), (True, "平台回传需完整信息")]

    # the export is in the import's layout: importing it back changes nothing
    before = snapshot()
    back = _api_post(client, f"{API}import/", {"file": _file(b"".join(client.get(f"{API}export/")
                                                                      .streaming_content))})
    assert back.status_code == 200 and (back.json()["created"], back.json()["existing"]) == (0, 1)
    assert snapshot() == before


def test_admin_export_reveal_needs_a_reason(tree, users):
    client = login(users["municipal"])
    url = f"{ADMIN}platform-export/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"reveal": "on", "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    assert response.status_code == 200 and "填写原因" in response.content.decode()
    response = client.post(url, {"csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_big_file_runs_as_a_job_with_progress(tree, users, monkeypatch, celery_worker):
    monkeypatch.setattr(jobs, "SYNC_MAX_ROWS", 3)  # our own config: "big" means > 3 rows here
    client = login(users["municipal"])
    preview = upload(client, xlsx_bytes([order_row(i) for i in range(1, 6)]))
    assert preview.context["async"] and "后台导入" in preview.content.decode()
    response = confirm(client, preview.context["token"])
    assert response.status_code == 302 and "/jobs/" in response["Location"]
    job_id = response["Location"].rstrip("/").split("/")[-1]

    def finished():
        with scopes_disabled():
            job = Job.objects.get(pk=job_id)
        return job if job.is_finished else None

    job = wait_for(finished)
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.kind == JobKind.PETITION_IMPORT and (job.done, job.total) == (5, 5)
    assert job.result["created"] == 5 and job.result["ok"] and len(cases()) == 5
    assert "已新增 5 条" in client.get(f"/jobs/{job_id}/").content.decode()
