"""The import service: good files import encrypted; one bad row and nothing is written."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection

from apps.core.models import AuditLog
from apps.core.scoping import ScopeError, scope, scopes_disabled
from apps.members.enums import EmploymentType, Gender, MemberStatus
from apps.members.importing import FILE_ROW, import_members_file
from apps.members.models import Member, MemberStatusChange
from apps.members.resources import MemberResource
from apps.members.services import ALREADY_ELSEWHERE, ALREADY_HERE
from tests.factories.members import make_member
from tests.members.sheets import Number, member_row, member_rows, person_id, xlsx_bytes

pytestmark = pytest.mark.django_db


def run(tree_unit, data: bytes, **kwargs):
    with scope(paths=[kwargs.pop("within", tree_unit).path]):
        return import_members_file(io.BytesIO(data), organization=tree_unit, **kwargs)


def counts():
    with scopes_disabled():
        return (Member.objects.count(), MemberStatusChange.objects.count(),
                AuditLog.objects.filter(action="member.import").count())


def bad_check_digit(valid: str) -> str:
    return valid[:17] + ("0" if valid[17] != "0" else "1")


def test_a_good_file_imports_every_row_encrypted(tree, users):
    rows = member_rows(3)
    rows[1]["分工会"] = tree.haidian_school.name
    rows[2]["所属工会编码"] = tree.haidian.code
    rows[2]["手机号"] = ""
    progress = []
    report = run(tree.haidian, xlsx_bytes(rows), actor=users["haidian"],
                 progress=lambda done, total: progress.append((done, total)))
    assert report.ok and report.errors == []
    assert (report.rows, report.created, report.dry_run) == (3, 3, False)
    assert progress[-1] == (3, 3)
    assert counts() == (3, 3, 1)

    with scopes_disabled():
        members = {m.name: m for m in Member.objects.select_related("organization", "branch")}
        second = members["教师1"]
        assert second.id_number == rows[1]["身份证号"]
        assert second.organization == tree.haidian and second.branch == tree.haidian_school
        assert second.birth_date == dt.date(1970, 1, 1) and second.gender == Gender.MALE
        assert second.employment_type == EmploymentType.PERMANENT and second.status == MemberStatus.ACTIVE
        assert second.joined_on == dt.date(2010, 9, 1) and second.bank_account == rows[1]["银行账号"]
        assert members["教师2"].phone == ""
        change = MemberStatusChange.objects.get(member=second)
        assert (change.to_status, change.changed_on) == ("active", dt.date(2010, 9, 1))
        assert change.actor == users["haidian"] and change.reason == "批量导入"
        audit = AuditLog.objects.get(action="member.import")
        assert audit.data["created"] == 3 and audit.organization_path == tree.haidian.path
        assert rows[0]["身份证号"] not in str(audit.data)

    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone, bank_account FROM members_member")
        stored = " ".join(" ".join(r) for r in cursor.fetchall())
    for row in rows:
        assert row["身份证号"] not in stored and row["银行账号"] not in stored
    assert rows[0]["手机号"] not in stored


def test_one_bad_row_and_nothing_is_written_every_bad_row_is_named(tree, users):
    holder = person_id(900, base=dt.date(1981, 1, 1))
    make_member(tree.chaoyang, name="朝阳老师", id_number=holder)
    rows = member_rows(8)
    rows[1]["身份证号"] = bad_check_digit(rows[1]["身份证号"])  # sheet row 3
    rows[2]["身份证号"] = rows[0]["身份证号"]  # row 4: the same person twice
    rows[3]["身份证号"] = holder  # row 5: already a member in 朝阳
    rows[4]["所属工会编码"] = tree.chaoyang.code  # row 6: not within 海淀
    rows[5]["入会日期"] = "去年九月"  # row 7
    rows[6]["身份证号"] = Number(110108197001010011)  # row 8: typed as a number
    before = counts()

    report = run(tree.haidian, xlsx_bytes(rows), actor=users["haidian"])

    assert not report.ok and report.created == 0 and report.rows == 8
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (3, "身份证号", "身份证号校验位错误，请核对。"),
        (4, "身份证号", "身份证号与第 2 行重复：同一人在文件中只能有一条在会记录。"),
        (5, "身份证号", ALREADY_ELSEWHERE),
        (6, "所属工会编码", "所属工会不在您的管理范围内。"),
        (7, "入会日期", "不是有效的日期，请填写日期（如 2020-09-01）。"),
        (8, "身份证号", "身份证号存成了数字格式（可能已丢失末几位），请将该列设为文本格式后重新填写。"),
    ]
    assert "朝阳" not in " ".join(e.message for e in report.errors)  # the other unit is never named
    assert counts() == before
    assert [p.ok for p in report.previews] == [True, False, False, False, False, False, False, True]
    assert report.previews[0].id_masked == rows[0]["身份证号"][:6] + "********" + rows[0]["身份证号"][-4:]


def test_already_a_member_here_and_a_dry_run_writes_nothing(tree):
    existing = make_member(tree.haidian, name="海淀老师", id_number=person_id(1, base=dt.date(1982, 2, 2)))
    rows = member_rows(2, base=dt.date(1982, 2, 2))
    report = run(tree.haidian, xlsx_bytes(rows), dry_run=True)
    assert [(e.row, e.column, e.message) for e in report.errors] == [(3, "身份证号", ALREADY_HERE)]
    before = counts()
    report = run(tree.haidian, xlsx_bytes(member_rows(5, start=10)), dry_run=True)
    assert report.ok and (report.rows, report.created, report.dry_run) == (5, 0, True)
    assert counts() == before
    assert existing.pk


def test_a_unit_code_of_the_municipal_admin_and_non_grassroots_codes(tree, users):
    rows = member_rows(3, start=20)
    rows[0]["所属工会编码"] = tree.chaoyang.code
    rows[1]["所属工会编码"] = tree.haidian_school.code  # a branch is not a grassroots union
    rows[2]["分工会"] = "不存在的分工会"
    report = run(tree.haidian, xlsx_bytes(rows), within=tree.root)
    assert [(e.row, e.column) for e in report.errors] == [(3, "所属工会编码"), (4, "分工会")]
    assert "基层工会" in report.errors[0].message and "分工会不存在" in report.errors[1].message
    rows[1]["所属工会编码"], rows[2]["分工会"] = "", tree.haidian_school.code  # a branch by its code
    report = run(tree.haidian, xlsx_bytes(rows), within=tree.root, actor=users["municipal"])
    assert report.ok and report.created == 3
    with scopes_disabled():
        assert Member.objects.get(name="教师20").organization == tree.chaoyang
        assert Member.objects.get(name="教师22").branch == tree.haidian_school


def test_the_default_unit_must_be_grassroots_and_in_scope_and_a_scope_must_be_active(tree):
    data = xlsx_bytes(member_rows(1, start=30))
    report = run(tree.chaoyang, data, within=tree.haidian)
    assert [(e.row, e.message) for e in report.errors] == [(FILE_ROW, "所属工会不在您的管理范围内。")]
    report = run(tree.haidian_school, data, within=tree.haidian)
    assert report.errors[0].message == "会员应登记在基层工会。"
    with pytest.raises(ScopeError):
        import_members_file(io.BytesIO(data), organization=tree.haidian)  # fails closed
    assert counts() == (0, 0, 0)


def test_an_export_with_full_values_imports_back(tree):
    """Export headers (with 性别/出生日期/所属工会 export-only columns), real dates, text IDs."""
    headers = [h for _, h in MemberResource.columns()]
    rows = member_rows(3, start=40)
    for row in rows:
        row.update({"性别": "男", "出生日期": dt.date(1970, 1, 1), "所属工会": tree.haidian.name,
                    "所属工会编码": tree.haidian.code, "会籍状态": "在会", "岗位": "教师"})
    rows[2]["会籍状态"] = "退会"
    rows[1]["分工会"] = tree.haidian_school.name
    report = run(tree.haidian, xlsx_bytes(rows, headers))
    assert report.ok, report.errors
    with scopes_disabled():
        assert Member.objects.get(name="教师42").status == MemberStatus.WITHDRAWN
        assert Member.objects.get(name="教师41").post == "教师"


def test_text_cells_are_literal_formulas_and_apostrophes_included(tree):
    rows = member_rows(2, start=50)
    rows[0]["备注"] = '=HYPERLINK("http://evil.example","点我")'
    rows[0]["姓名"] = "+王老师"
    rows[1]["身份证号"] = "'" + rows[1]["身份证号"]
    report = run(tree.haidian, xlsx_bytes(rows))
    assert [(e.row, e.column) for e in report.errors] == [(3, "身份证号")]
    del rows[1]
    assert run(tree.haidian, xlsx_bytes(rows)).ok
    with scopes_disabled():
        member = Member.objects.get()
    assert (member.name, member.remarks) == ("+王老师", '=HYPERLINK("http://evil.example","点我")')


def test_a_non_active_row_may_hold_a_person_active_elsewhere(tree):
    holder = person_id(60, base=dt.date(1983, 3, 3))
    make_member(tree.chaoyang, name="朝阳老师", id_number=holder)
    row = member_row(60, base=dt.date(1983, 3, 3), 会籍状态="转出")
    headers = ["姓名", "身份证号", "用工性质", "会籍状态"]
    assert run(tree.haidian, xlsx_bytes([row], headers)).ok
    row["会籍状态"] = "在会"
    assert run(tree.haidian, xlsx_bytes([row], headers)).errors[0].message == ALREADY_ELSEWHERE


def test_header_and_cell_problems_are_reported_by_column(tree):
    report = run(tree.haidian, xlsx_bytes(member_rows(1), ["姓名", "手机号"]))
    assert [(e.row, e.column) for e in report.errors] == [(1, "身份证号"), (1, "用工性质")]
    assert report.errors[0].message == "缺少必填列“身份证号”，请使用下载的模板。"

    rows = member_rows(2, start=70)
    rows[0].update({"姓名": "", "用工性质": "临时工", "手机号": "12345", "银行账号": "abc"})
    rows[1].update({"从教日期": dt.date(1960, 1, 1), "姓名": "长" * 51})
    report = run(tree.haidian, xlsx_bytes(rows))
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (2, "姓名", "姓名不能为空。"),
        (2, "手机号", "手机号无效：应为中国大陆 11 位手机号。"),
        (2, "用工性质", "用工性质应为：在编、非在编、劳务派遣或退休。"),
        (2, "银行账号", "银行账号应为 8 到 30 位数字。"),
        (3, "姓名", "不能超过 50 个字。"),
        (3, "从教日期", "日期早于出生日期。"),
    ]
    assert counts() == (0, 0, 0)


def test_an_empty_file_is_an_error(tree):
    report = run(tree.haidian, xlsx_bytes([]))
    assert not report.ok and report.errors[0].row == FILE_ROW and "没有会员数据" in report.errors[0].message


def test_the_projects_own_full_export_imports_back(tree, tmp_path):
    """Export with full values (as the bench does), empty the registry, import the file back."""
    from apps.members.exporting import export_members_xlsx

    make_member(tree.haidian, name="海淀一", branch=tree.haidian_school, post="语文教师",
                remarks="第一行\r\n第二行 =SUM(A1)", teaching_since=dt.date(2010, 9, 1),
                joined_on=dt.date(2011, 1, 1))
    make_member(tree.chaoyang, name="朝阳一", employment_type=EmploymentType.RETIRED, phone="")
    make_member(tree.tsinghua, name="清华一", branch=tree.tsinghua_group, bank_account="")
    fields = ("name", "id_number", "phone", "organization_id", "branch_id", "employment_type", "post",
              "joined_on", "teaching_since", "status", "bank_name", "bank_account", "remarks", "gender",
              "birth_date")

    def registry():
        with scopes_disabled():
            return sorted(tuple(getattr(m, f) for f in fields) for m in Member.objects.all())

    before = registry()
    path = tmp_path / "full.xlsx"
    with scopes_disabled():
        assert export_members_xlsx(Member.objects.all(), str(path), reveal=True) == 3
        Member._base_manager.all().delete()
    with scope(paths=[tree.root.path]):
        report = import_members_file(str(path), organization=tree.tsinghua)
    assert report.ok, report.errors
    assert registry() == before


def test_lenient_where_nothing_is_lost_phone_as_number_and_dates_as_text(tree):
    rows = member_rows(2, start=80)
    rows[0].update({"手机号": Number(13912345678), "入会日期": "2012/9/1", "从教日期": "2010年9月1日"})
    rows[1].update({"入会日期": "20130901", "用工性质": "劳务派遣", "所属工会编码": f" {tree.haidian.code} "})
    assert run(tree.haidian, xlsx_bytes(rows)).ok
    with scopes_disabled():
        first, second = Member.objects.order_by("name")
    assert (first.phone, first.joined_on, first.teaching_since) == ("13912345678", dt.date(2012, 9, 1),
                                                                    dt.date(2010, 9, 1))
    assert (second.joined_on, second.employment_type) == (dt.date(2013, 9, 1), EmploymentType.DISPATCHED)
