"""Member export to Excel: the resource's columns, masked by default, safe cells, every
path (function, command, API, admin) scoped and filtered; full data only with the reveal
permission, and audited."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from apps.core.enums import JobKind
from apps.core.excel import ANY, DATE, STRING, SafeXlsxWriter, cell_text
from apps.core.models import AuditLog, Job
from apps.core.scoping import ScopeError, scope, scopes_disabled
from apps.members.enums import EmploymentType, Gender, MemberStatus
from apps.members.exporting import EXPORT_HEADERS, export_members_xlsx, export_plan
from apps.members.models import Member
from apps.members.resources import ChoiceLabelWidget, MemberResource
from apps.members.services import member_change_status
from tests.conftest import login
from tests.factories.members import make_member, new_id_number

pytestmark = pytest.mark.django_db

PAYLOADS = ("=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("http://x","y")')
ID_COLUMN, PHONE_COLUMN, ACCOUNT_COLUMN = (EXPORT_HEADERS.index(h) for h in ("身份证号", "手机号", "银行账号"))


# --- reading a workbook back ------------------------------------------------------------------


def xlsx_bytes(source) -> bytes:
    if isinstance(source, bytes):
        return source
    if hasattr(source, "streaming_content"):
        return b"".join(source.streaming_content)
    if hasattr(source, "content"):
        return source.content
    with open(source, "rb") as handle:
        return handle.read()


def raw_xml(source) -> str:
    """Every XML part of the workbook (sheets, shared strings …), for grepping."""
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes(source))) as archive:
        return "\n".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml"))


def sheet_cells(source):
    return list(load_workbook(io.BytesIO(xlsx_bytes(source))).active.iter_rows())


def rows_of(source) -> list[tuple]:
    """Cell values as written (OOXML control-character escapes decoded, as Excel does)."""
    return [tuple(cell_text(c.value) for c in row) for row in sheet_cells(source)]


def by_name(source) -> dict[str, dict[str, object]]:
    rows = rows_of(source)
    assert list(rows[0]) == EXPORT_HEADERS
    return {row[0]: dict(zip(EXPORT_HEADERS, row)) for row in rows[1:]}


def assert_no_formulas(source) -> None:
    xml = raw_xml(source)
    assert "<f>" not in xml and "<f " not in xml and "t=\"str\"" not in xml


def assert_masked(source, members) -> None:
    text = raw_xml(source)
    for member in members:
        for secret in (member.id_number, member.phone, member.bank_account):
            if secret:
                assert secret not in text, secret
        assert member.id_number_masked in text


def export_audits(**filters):
    with scopes_disabled():
        return list(AuditLog.objects.filter(action="member.export", **filters).order_by("id"))


# --- people --------------------------------------------------------------------------------------


@pytest.fixture
def people(tree):
    today = dt.date.today()
    young = new_id_number(birth=today.replace(year=today.year - 28), female=True)
    made = {
        "young_woman": make_member(tree.haidian, name="李青", branch=tree.haidian_school, id_number=young,
                                   joined_on=dt.date(2020, 9, 1), teaching_since=dt.date(2019, 7, 1),
                                   post="语文教师", remarks="班主任"),
        "older_man": make_member(tree.haidian, name="王老师", id_number=new_id_number(birth=dt.date(1970, 1, 1)),
                                 employment_type=EmploymentType.DISPATCHED, phone="", bank_account="",
                                 bank_name=""),
        "retired": make_member(tree.haidian, name="赵老师", id_number=new_id_number(birth=dt.date(1960, 2, 2)),
                               phone="13912345678"),
        "chaoyang": make_member(tree.chaoyang, name="朝阳会员",
                                id_number=new_id_number(birth=dt.date(1975, 3, 3)),
                                phone="13700001111", bank_account="6217000011112222333"),
    }
    with scopes_disabled():
        member_change_status(member=made["retired"], to_status=MemberStatus.RETIRED, reason="退休")
        made["retired"].refresh_from_db()
    return made


@pytest.fixture
def payload_members(tree):
    """Formula-injection payloads in every free-text column (the name is stored stripped)."""
    members = []
    for i, payload in enumerate(PAYLOADS):
        members.append(make_member(tree.haidian, name=payload.strip() + f"#{i}", post=payload,
                                   remarks=payload, bank_name=payload,
                                   id_number=new_id_number(birth=dt.date(1980, 1, 1 + i))))
    with scopes_disabled():
        return list(Member.objects.filter(pk__in=[m.pk for m in members]).order_by("pk"))


def assert_payloads_exact(source, members) -> None:
    rows = by_name(source)
    for member in members:
        row = rows[member.name]
        assert (row["岗位"], row["备注"], row["开户银行"]) == (member.post, member.remarks, member.bank_name)
    assert_no_formulas(source)
    # every formula-like string cell also carries Excel's quote prefix (stays text when edited)
    cells = {row[0].value: row for row in sheet_cells(source)[1:]}
    for member in members:
        for cell in cells[member.name]:
            if isinstance(cell.value, str) and cell_text(cell.value)[:1] in "=+-@\t\r\0":
                assert cell.data_type == "s" and cell.quotePrefix, (cell.coordinate, cell.value)


def export_in(org, path_or_file, **kwargs) -> int:
    with scope(paths=[org.path]):
        return export_members_xlsx(Member.objects.order_by("name"), path_or_file, **kwargs)


# --- the function --------------------------------------------------------------------------------


def test_headers_come_from_the_resource_in_order():
    assert EXPORT_HEADERS == MemberResource().get_export_headers()
    assert EXPORT_HEADERS[:5] == ["姓名", "性别", "身份证号", "出生日期", "手机号"]
    assert [c.header for c in export_plan(reveal=False)] == EXPORT_HEADERS


def test_masked_by_default_and_nothing_of_another_unit(people, tree):
    out = io.BytesIO()
    assert export_in(tree.haidian, out) == 3
    data = out.getvalue()
    rows = by_name(data)
    assert sorted(rows) == ["李青", "王老师", "赵老师"]
    assert_masked(data, [people["young_woman"], people["older_man"], people["retired"]])
    assert "朝阳会员" not in raw_xml(data)
    woman = rows["李青"]
    assert woman["身份证号"] == people["young_woman"].id_number_masked
    assert woman["手机号"] == "138****8000"
    assert woman["银行账号"] == "622202*********3445"
    assert rows["赵老师"]["手机号"] == "139****5678"


def test_reveal_writes_full_values_as_text_real_dates_and_empty_cells(people, tree):
    out = io.BytesIO()
    export_in(tree.haidian, out, reveal=True)
    cells = {row[0].value: row for row in sheet_cells(out.getvalue())[1:]}
    woman, man = people["young_woman"], people["older_man"]
    row = cells["李青"]
    assert row[ID_COLUMN].value == woman.id_number and row[ACCOUNT_COLUMN].value == woman.bank_account
    assert row[PHONE_COLUMN].value == woman.phone
    for column in (ID_COLUMN, PHONE_COLUMN, ACCOUNT_COLUMN, EXPORT_HEADERS.index("所属工会编码")):
        assert row[column].data_type == "s" and row[column].number_format == "@", EXPORT_HEADERS[column]
    for header in ("出生日期", "入会日期", "从教日期"):
        cell = row[EXPORT_HEADERS.index(header)]
        assert isinstance(cell.value, dt.datetime) and cell.is_date, header
    assert row[EXPORT_HEADERS.index("入会日期")].value == dt.datetime(2020, 9, 1)
    assert row[EXPORT_HEADERS.index("出生日期")].value.date() == woman.birth_date
    values = dict(zip(EXPORT_HEADERS, (c.value for c in row)))
    assert values["性别"] == "女" and values["用工性质"] == "在编" and values["会籍状态"] == "在会"
    assert values["分工会"] == tree.haidian_school.name and values["所属工会编码"] == tree.haidian.code
    empty = dict(zip(EXPORT_HEADERS, (c.value for c in cells["王老师"])))
    for header in ("手机号", "银行账号", "开户银行", "入会日期", "从教日期", "分工会", "岗位", "备注"):
        assert empty[header] is None, header
    assert "None" not in raw_xml(out.getvalue())
    assert empty["身份证号"] == man.id_number and empty["用工性质"] == "劳务派遣"
    assert dict(zip(EXPORT_HEADERS, (c.value for c in cells["赵老师"])))["会籍状态"] == "退休"


def test_the_fast_path_writes_what_the_resource_exports(people, payload_members, tree):
    """Each cell equals django-import-export's own ``export_resource`` of the instance
    (dates as real dates instead of text, empty as empty instead of "")."""
    for reveal in (False, True):
        out = io.BytesIO()
        export_in(tree.root, out, reveal=reveal)
        rows = by_name(out.getvalue())
        resource = MemberResource(reveal=reveal)
        with scopes_disabled():
            members = list(Member.objects.select_related("organization", "branch"))
        assert len(rows) == len(members) == 4 + len(PAYLOADS)
        for member in members:
            expected = resource.export_resource(member)
            got = [v.strftime("%Y-%m-%d") if isinstance(v, dt.datetime) else ("" if v is None else v)
                   for v in rows[member.name].values()]
            assert got == expected, member.name


def test_a_revealed_export_carries_every_value_to_re_import(people, tree):
    """The round trip's export half: a revealed file, read back through the resource's
    widgets, gives exactly the stored values of every imported column."""
    out = io.BytesIO()
    export_in(tree.root, out, reveal=True)
    rows = by_name(out.getvalue())
    resource = MemberResource(reveal=True)
    with scopes_disabled():
        for member in Member.objects.select_related("organization", "branch"):
            row = rows[member.name]
            for field in resource.get_export_fields():
                value = row[field.column_name]
                if isinstance(field.widget, ChoiceLabelWidget):
                    value = field.widget.clean(value)
                elif isinstance(value, dt.datetime):
                    value = value.date()
                stored = member
                for part in field.attribute.split("__"):
                    stored = getattr(stored, part) if stored is not None else None
                assert (value if value is not None else "") == (stored if stored is not None else ""), (
                    member.name, field.column_name)


def test_formula_payloads_come_back_exactly_and_never_as_formulas(payload_members, tree):
    out = io.BytesIO()
    export_in(tree.haidian, out, reveal=True)
    assert_payloads_exact(out.getvalue(), payload_members)
    out = io.BytesIO()
    export_in(tree.haidian, out)  # masked: the same free text
    assert_payloads_exact(out.getvalue(), payload_members)


def test_writer_keeps_nul_and_control_characters_as_text():
    """PostgreSQL refuses NUL in text, so it is tested at the writer: both write paths."""
    values = ["\0=1", "\0", "\r=1", "a\x01b", "_x0041_", "=1+1", "-", "@"]
    out = io.BytesIO()
    writer = SafeXlsxWriter(out, sheet="测试", headers=["文本", "编码", "日期"], text_columns=[1])
    assert writer.write_rows([(v, v, None) for v in values], kinds=[STRING, STRING, DATE]) == len(values)
    for value in values:
        writer.write_row([value, value, None])
    writer.close()
    assert_no_formulas(out.getvalue())
    rows = rows_of(out.getvalue())[1:]
    assert [r[0] for r in rows] == values * 2 and [r[1] for r in rows] == values * 2
    assert all(r[2] is None for r in rows)
    for row in sheet_cells(out.getvalue())[1:]:
        assert row[0].data_type == "s" and row[0].quotePrefix == (cell_text(row[0].value)[:1] in "=+-@\t\r\0")
        assert row[1].number_format == "@"


def test_writer_fast_and_general_paths_agree():
    rows = [("甲", dt.date(2024, 2, 29), 12, True, dt.date(1900, 2, 28)),
            ("", None, None, None, None),
            ("=x", dt.date(1999, 12, 31), 3.5, False, dt.date(1900, 3, 1))]
    outputs = []
    for fast in (True, False):
        out = io.BytesIO()
        writer = SafeXlsxWriter(out, sheet="s", headers=["a", "b", "c", "d", "e"])
        if fast:
            writer.write_rows(rows, kinds=[STRING, DATE, ANY, ANY, DATE])
        else:
            for row in rows:
                writer.write_row(row)
        writer.close()
        outputs.append(rows_of(out.getvalue()))
    assert outputs[0] == outputs[1]
    assert outputs[0][1] == ("甲", dt.datetime(2024, 2, 29), 12, "是", dt.datetime(1900, 2, 28))
    assert outputs[0][2] == (None,) * 5


def test_progress_is_reported_and_scope_is_required(people, tree):
    calls = []
    with scope(paths=[tree.haidian.path]):
        export_members_xlsx(Member.objects.all(), io.BytesIO(), progress=lambda d, t: calls.append((d, t)))
    assert calls[0] == (0, 3) and calls[-1] == (3, 3)
    with pytest.raises(ScopeError):
        export_members_xlsx(Member.objects.all(), io.BytesIO())


# --- the command ---------------------------------------------------------------------------------


def test_command_is_masked_by_default_and_scoped_to_the_unit(people, payload_members, tree, tmp_path):
    target = tmp_path / "海淀.xlsx"
    out = io.StringIO()
    call_command("export_members", "--org", tree.haidian.code, str(target), stdout=out)
    assert "已脱敏" in out.getvalue()
    rows = by_name(str(target))
    assert "朝阳会员" not in rows and "李青" in rows and len(rows) == 3 + len(PAYLOADS)
    assert_masked(str(target), [people["young_woman"], people["older_man"]])
    assert_payloads_exact(str(target), payload_members)
    [entry] = export_audits()
    assert entry.actor is None and entry.data["reveal"] is False and entry.data["via"] == "command"
    assert entry.organization_path == tree.haidian.path and entry.data["rows"] == len(rows)


def test_command_reveal_writes_full_values_and_audits(people, tree, tmp_path):
    target = tmp_path / "full.xlsx"
    with pytest.raises(CommandError, match="--reason"):  # a reveal needs its reason
        call_command("export_members", "--org", tree.haidian.code, "--reveal", str(target), stdout=io.StringIO())
    assert not target.exists() and not export_audits()
    call_command("export_members", "--org", tree.haidian.code, "--reveal", "--reason", "年度核对", str(target),
                 stdout=io.StringIO())
    rows = by_name(str(target))
    assert rows["李青"]["身份证号"] == people["young_woman"].id_number
    [entry] = export_audits()
    assert entry.data["reveal"] is True and entry.object_id == str(tree.haidian.pk)
    assert entry.data["reason"] == "年度核对"
    # a branch: its members only; a status filter
    branch = tmp_path / "branch.xlsx"
    call_command("export_members", "--org", tree.haidian_school.code, str(branch), stdout=io.StringIO())
    assert list(by_name(str(branch))) == ["李青"]
    retired = tmp_path / "retired.xlsx"
    call_command("export_members", "--org", tree.haidian.code, "--status", "retired", str(retired),
                 stdout=io.StringIO())
    assert list(by_name(str(retired))) == ["赵老师"]
    with pytest.raises(CommandError):
        call_command("export_members", "--org", "NO-SUCH", str(tmp_path / "x.xlsx"))
    assert not (tmp_path / "x.xlsx").exists()


# --- the API -------------------------------------------------------------------------------------

API = "/api/v1/members/export/"


def test_api_export_is_a_masked_attachment_of_the_scoped_list(people, payload_members, users):
    response = login(users["haidian"]).get(API)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment") and "filename*=utf-8''" + quote("会员名册") in disposition
    assert response["Cache-Control"] == "no-store"
    data = xlsx_bytes(response)
    rows = by_name(data)
    assert "朝阳会员" not in rows and {"李青", "王老师", "赵老师"} <= set(rows)
    assert_masked(data, [people["young_woman"], people["older_man"], people["retired"]])
    assert_payloads_exact(data, payload_members)
    [entry] = export_audits()
    assert entry.actor == users["haidian"] and entry.data["reveal"] is False and entry.data["via"] == "api"


def test_api_export_honours_the_filters(people, users, tree):
    client = login(users["municipal"])

    def names(query):
        response = client.get(API + query)
        assert response.status_code == 200, response.content[:300]
        return sorted(by_name(xlsx_bytes(response)))

    assert names("") == sorted(["李青", "朝阳会员", "王老师", "赵老师"])
    assert names("?status=retired") == ["赵老师"]
    assert names("?young=true") == ["李青"]
    assert names("?women=true") == ["李青"]
    assert names(f"?unit={tree.chaoyang.code}") == ["朝阳会员"]
    assert names(f"?unit={tree.haidian_school.code}") == ["李青"]
    assert names("?employment_type=dispatched&status=active") == ["王老师"]
    assert names(f"?search={people['chaoyang'].id_number}") == ["朝阳会员"]
    assert client.get(API + "?status=nonsense").status_code == 400
    # haidian asking for 朝阳 gets nothing of it
    response = login(users["haidian"]).get(API + f"?unit={tree.chaoyang.code}")
    assert by_name(xlsx_bytes(response)) == {}
    # an ID typed into the search is never logged in full
    entry = export_audits(actor=users["municipal"])[-1]
    assert entry.data["filters"]["search"] == people["chaoyang"].id_number_masked


def csrf_post(client, url, payload):
    client.get("/")
    token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
    return client.post(url, data=json.dumps(payload), content_type="application/json", HTTP_X_CSRFTOKEN=token)


REVEAL = API + "reveal/"


def test_api_get_export_is_always_masked(people, users):
    """Revealing is never a GET: ``?reveal=1`` is ignored, the file is masked, nothing is revealed."""
    response = login(users["haidian"]).get(API + "?reveal=1&status=active")
    assert response.status_code == 200
    data = xlsx_bytes(response)
    assert_masked(data, [people["young_woman"], people["older_man"]])
    assert not export_audits(data__reveal=True)


def test_api_reveal_is_a_post_with_a_reason_needs_the_permission_and_is_audited(people, users):
    clerk = login(users["haidian_clerk"])
    assert csrf_post(clerk, REVEAL, {"reason": "核对"}).status_code == 403
    assert clerk.get(API).status_code == 200  # masked is fine for a clerk
    assert login(users["teacher"]).get(API).status_code == 403
    admin = login(users["haidian"])
    assert admin.get(REVEAL).status_code == 405
    missing = csrf_post(admin, REVEAL + "?status=active", {})
    assert missing.status_code == 400 and "reason" in missing.json()
    assert not export_audits(data__reveal=True)
    response = csrf_post(admin, REVEAL + "?status=active", {"reason": "核对慰问金账号"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    rows = by_name(xlsx_bytes(response))
    assert rows["李青"]["身份证号"] == people["young_woman"].id_number
    assert rows["李青"]["银行账号"] == people["young_woman"].bank_account
    [entry] = export_audits(data__reveal=True)
    assert entry.actor == users["haidian"] and entry.data["rows"] == 2
    assert entry.data["filters"] == {"status": "active"} and entry.data["reason"] == "核对慰问金账号"
    assert people["young_woman"].id_number not in str(entry.data) + entry.object_repr


def test_a_big_api_export_becomes_a_job(people, users, settings):
    settings.MEMBER_EXPORT_SYNC_LIMIT = 0
    search = people["young_woman"].id_number
    response = csrf_post(login(users["haidian"]), REVEAL + f"?status=active&search={search}", {"reason": "核对"})
    assert response.status_code == 202, response.content[:300]
    body = response.json()
    assert body["url"] == f"/jobs/{body['job']}/" and response["Location"] == body["url"]
    with scopes_disabled():
        job = Job.objects.get(pk=body["job"])
    assert job.kind == JobKind.MEMBER_EXPORT and job.organization.code == "D-HAIDIAN"
    assert job.params["reveal"] is True and job.params["source"] == "api"
    assert job.params["filters"] == {"status": "active"}  # the ID is kept only as its keyed hash
    assert search not in str(job.params) and job.params["id_hash"] == people["young_woman"].id_hash
    assert job.reveals and job.params["reason"] == "核对"
    assert csrf_post(login(users["haidian_clerk"]), REVEAL, {"reason": "核对"}).status_code == 403


# --- the admin -----------------------------------------------------------------------------------

CHANGELIST = "/admin/members/member/"
EXPORT = CHANGELIST + "export-members/"
EXPORT_FULL = CHANGELIST + "export-members-full/"


def csrf_token(client) -> str:
    client.get(CHANGELIST)
    return client.cookies["csrftoken"].value


def test_admin_export_button_carries_the_filters(people, users):
    client = login(users["haidian"])
    page = client.get(CHANGELIST + "?status__exact=retired").content.decode()
    assert 'href="/admin/members/member/export-members/?status__exact=retired"' in page
    assert 'href="/admin/members/member/export-members-full/?status__exact=retired"' in page
    clerk_page = login(users["haidian_clerk"]).get(CHANGELIST).content.decode()
    assert "export-members/" in clerk_page and "export-members-full/" not in clerk_page


def test_admin_export_of_the_filtered_changelist_is_masked_and_scoped(people, payload_members, users):
    client = login(users["haidian"])
    response = client.get(EXPORT)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    data = xlsx_bytes(response)
    rows = by_name(data)
    assert "朝阳会员" not in rows and len(rows) == 3 + len(PAYLOADS)
    assert_masked(data, [people["young_woman"], people["older_man"], people["retired"]])
    assert_payloads_exact(data, payload_members)
    assert list(by_name(xlsx_bytes(client.get(EXPORT + "?status__exact=retired")))) == ["赵老师"]
    assert list(by_name(xlsx_bytes(client.get(EXPORT + "?young=1")))) == ["李青"]
    assert list(by_name(xlsx_bytes(client.get(EXPORT + "?q=王")))) == ["王老师"]
    # a link without the filters falls back to the changelist the user came from
    referred = client.get(EXPORT, HTTP_REFERER="http://testserver/admin/members/member/?gender__exact=F")
    assert list(by_name(xlsx_bytes(referred))) == ["李青"]
    # municipal sees 朝阳 too (the control)
    assert "朝阳会员" in by_name(xlsx_bytes(login(users["municipal"]).get(EXPORT)))
    assert {e.data["via"] for e in export_audits()} == {"admin"}


def test_admin_full_export_needs_the_permission_a_confirmation_and_is_audited(people, users):
    clerk = login(users["haidian_clerk"])
    assert clerk.get(EXPORT_FULL).status_code == 403
    assert clerk.post(EXPORT_FULL, {"csrfmiddlewaretoken": csrf_token(clerk)}).status_code == 403
    client = login(users["haidian"])
    page = client.get(EXPORT_FULL + "?status__exact=active")
    assert page.status_code == 200 and "attachment" not in page.get("Content-Disposition", "")
    body = page.content.decode()
    assert "审计日志" in body and people["young_woman"].id_number not in body
    assert 'action="?status__exact=active"' in body
    assert not export_audits()
    assert 'name="reason"' in body
    # without a reason: the page again, the error beside the field, nothing exported
    again = client.post(EXPORT_FULL + "?status__exact=active", {"csrfmiddlewaretoken": csrf_token(client)})
    assert again.status_code == 200 and "attachment" not in again.get("Content-Disposition", "")
    assert "请填写导出完整信息的原因" in again.content.decode() and not export_audits()
    response = client.post(EXPORT_FULL + "?status__exact=active", {"csrfmiddlewaretoken": csrf_token(client),
                                                                   "reason": "核对账号"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    rows = by_name(xlsx_bytes(response))
    assert sorted(rows) == ["李青", "王老师"]
    assert rows["王老师"]["身份证号"] == people["older_man"].id_number
    [entry] = export_audits()
    assert entry.data["reveal"] is True and entry.actor == users["haidian"] and entry.data["reason"] == "核对账号"


def test_admin_export_selected_rows(people, payload_members, users):
    client = login(users["haidian"])
    token = csrf_token(client)
    chosen = [people["young_woman"].pk, payload_members[0].pk, people["chaoyang"].pk]  # 朝阳's: not in the list
    def act(action, **extra):
        return client.post(CHANGELIST, {"csrfmiddlewaretoken": token, "action": action, "index": "0",
                                        "select_across": "0", "_selected_action": chosen, **extra})

    response = act("export_selected")
    assert response.status_code == 200, response.content[:300]
    assert "attachment" in response["Content-Disposition"]
    data = xlsx_bytes(response)
    assert sorted(by_name(data)) == sorted(["李青", payload_members[0].name])
    assert_masked(data, [people["young_woman"]])
    assert_payloads_exact(data, payload_members[:1])
    ask = act("export_selected_full")  # first the reason, on an intermediate page
    assert ask.status_code == 200 and "attachment" not in ask.get("Content-Disposition", "")
    assert 'name="reason"' in ask.content.decode() and 'value="export_selected_full"' in ask.content.decode()
    assert [e.data["reveal"] for e in export_audits()] == [False]
    full = act("export_selected_full", reason="核对")
    assert by_name(xlsx_bytes(full))["李青"]["身份证号"] == people["young_woman"].id_number
    assert [e.data["reveal"] for e in export_audits()] == [False, True]
    # a clerk is not offered the full variant, and posting it does nothing
    clerk = login(users["haidian_clerk"])
    page = clerk.get(CHANGELIST).content.decode()
    assert "export_selected" in page and "export_selected_full" not in page
    refused = clerk.post(CHANGELIST, {"csrfmiddlewaretoken": csrf_token(clerk),
                                      "action": "export_selected_full", "index": "0", "select_across": "0",
                                      "_selected_action": chosen})
    assert "attachment" not in refused.get("Content-Disposition", "")
    assert len(export_audits()) == 2


def test_a_big_admin_export_is_confirmed_then_runs_as_a_job(people, users, settings):
    settings.MEMBER_EXPORT_SYNC_LIMIT = 1
    client = login(users["haidian"])
    page = client.get(EXPORT + "?status__exact=active")
    assert page.status_code == 200 and "开始后台导出" in page.content.decode()
    with scopes_disabled():
        assert not Job.objects.exists()
    response = client.post(EXPORT + "?status__exact=active", {"csrfmiddlewaretoken": csrf_token(client)})
    assert response.status_code == 302 and response["Location"].startswith("/jobs/")
    with scopes_disabled():
        job = Job.objects.get()
    assert job.params["source"] == "admin" and job.params["filters"] == {"status__exact": "active"}
    assert job.params["reveal"] is False and job.started_by == users["haidian"]


def test_the_job_handler_applies_filters_in_scope_and_rechecks_reveal(people, users, tree):
    """The worker's half without a worker: job_run with the handler, synchronously."""
    from apps.accounts.models import RoleAssignment
    from apps.core.enums import JobStatus
    from apps.core.jobs import job_run
    from apps.members.export_jobs import write_members_xlsx

    def run(user, **params):
        with scopes_disabled():
            acting = RoleAssignment.objects.filter(user=user).first()
            job = Job(kind=JobKind.MEMBER_EXPORT, organization=acting.organization, started_by=user,
                      params={"role": acting.pk, **params})
            job.save()
        job_run(str(job.pk), write_members_xlsx)
        with scopes_disabled():
            return Job.objects.get(pk=job.pk)

    job = run(users["haidian"], source="api", reveal=True, filters={"status": "active"})
    assert job.status == JobStatus.SUCCEEDED, job.error
    with job.result_file.open("rb") as handle:
        rows = by_name(handle.read())
    assert sorted(rows) == ["李青", "王老师"] and rows["李青"]["身份证号"] == people["young_woman"].id_number
    job = run(users["haidian"], source="admin", reveal=False, filters={"q": "赵"})
    assert job.status == JobStatus.SUCCEEDED, job.error
    with job.result_file.open("rb") as handle:
        assert list(by_name(handle.read())) == ["赵老师"]
    job = run(users["haidian"], source="ids", reveal=False,
              ids=[people["older_man"].pk, people["chaoyang"].pk])
    with job.result_file.open("rb") as handle:
        assert list(by_name(handle.read())) == ["王老师"]  # 朝阳's id is outside the job's scope
    # a clerk's job asking for full data (e.g. the role changed after it was queued) fails
    job = run(users["haidian_clerk"], source="api", reveal=True, filters={})
    assert job.status == JobStatus.FAILED and "权限" in job.error and not job.result_file


def test_gender_and_choice_labels_are_the_resources():
    plan = {c.name: c for c in export_plan(reveal=False)}
    assert plan["gender"].convert(Gender.FEMALE) == "女"
    assert plan["status"].convert(MemberStatus.WITHDRAWN) == "退会"
    assert plan["employment_type"].convert(None) is None
    assert plan["id_number"].convert("11010519491231002X") == "110105********002X"
    assert export_plan(reveal=True)[EXPORT_HEADERS.index("身份证号")].convert is None
    assert re.fullmatch(r"\d{3}\*{4}\d{4}", plan["phone"].convert("13800138000"))
