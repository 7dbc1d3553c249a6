"""manage.py member_template and import_members: the template's columns, exit status,
all or nothing, --dry-run."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.core.scoping import scopes_disabled
from apps.members.models import Member
from apps.members.resources import TEMPLATE_HEADERS, TEXT_HEADERS
from tests.members.sheets import Number, member_rows, write_xlsx

ISSUE_HEADERS = ("姓名", "身份证号", "手机号", "所属工会编码", "分工会", "用工性质", "入会日期", "从教日期", "开户银行",
                 "银行账号", "备注")


def test_the_template_has_the_headers_and_text_id_and_account_columns(tmp_path):
    out = tmp_path / "template.xlsx"
    stdout = io.StringIO()
    call_command("member_template", str(out), stdout=stdout)
    assert "已写出导入模板" in stdout.getvalue()
    book = openpyxl.load_workbook(out)
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1] if c.value]
    assert headers == list(TEMPLATE_HEADERS)
    assert set(ISSUE_HEADERS) <= set(headers)
    for header in ("身份证号", "银行账号", *TEXT_HEADERS):
        column = headers.index(header) + 1
        assert sheet.cell(row=2, column=column).number_format == "@", header
        assert sheet.cell(row=500, column=column).number_format == "@", header
    assert sheet.cell(row=2, column=headers.index("姓名") + 1).number_format == "General"
    # no sample row that could be imported by mistake
    assert sheet.max_row <= 1001 and all(c.value is None for c in sheet[2])
    assert "填写说明" in book.sheetnames


@pytest.mark.django_db
def test_the_empty_template_imports_nothing_and_says_so(tree, tmp_path):
    out = tmp_path / "template.xlsx"
    call_command("member_template", str(out))
    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command("import_members", str(out), "--org", tree.haidian.code, stderr=io.StringIO())


@pytest.mark.django_db
def test_import_command_imports_a_good_file(tree, users, tmp_path):
    path = tmp_path / "good.xlsx"
    rows = member_rows(4)
    rows[0]["分工会"] = tree.haidian_school.name
    write_xlsx(str(path), rows)
    stdout = io.StringIO()
    call_command("import_members", str(path), "--org", tree.haidian.code, "--user", users["haidian"].username,
                 stdout=stdout)
    assert "新增会员 4 名" in stdout.getvalue()
    with scopes_disabled():
        assert Member.objects.filter(organization=tree.haidian).count() == 4
        assert Member.objects.get(name="教师0").branch == tree.haidian_school


@pytest.mark.django_db
def test_import_command_fails_non_zero_and_writes_nothing(tree, tmp_path):
    path = tmp_path / "bad.xlsx"
    rows = member_rows(3)
    rows[1]["身份证号"] = rows[1]["身份证号"][:17] + ("0" if rows[1]["身份证号"][17] != "0" else "1")
    rows[2]["银行账号"] = Number(6216000000000000002)
    rows[2]["所属工会编码"] = tree.chaoyang.code  # outside the scope of --org D-HAIDIAN
    write_xlsx(str(path), rows)
    stderr = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_members", str(path), "--org", tree.haidian.code, stderr=stderr)
    assert failure.value.returncode != 0
    assert "3 行中有 2 行有误" in str(failure.value)
    lines = stderr.getvalue().splitlines()
    assert lines == [
        "第 3 行【身份证号】：身份证号校验位错误，请核对。",
        "第 4 行【所属工会编码】：所属工会不在您的管理范围内。",
        "第 4 行【银行账号】：银行账号存成了数字格式（可能已丢失末几位），请将该列设为文本格式后重新填写。",
    ]
    for row in rows[:2]:
        assert row["身份证号"] not in stderr.getvalue()
    with scopes_disabled():
        assert Member.objects.count() == 0


@pytest.mark.django_db
def test_dry_run_checks_and_writes_nothing(tree, tmp_path):
    path = tmp_path / "good.xlsx"
    write_xlsx(str(path), member_rows(3, base=dt.date(1975, 5, 5)))
    stdout = io.StringIO()
    call_command("import_members", str(path), "--org", tree.haidian.code, "--dry-run", stdout=stdout)
    assert "校验通过：3 行" in stdout.getvalue()
    with scopes_disabled():
        assert Member.objects.count() == 0


@pytest.mark.django_db
def test_unknown_org_missing_file_and_file_safety_are_errors(tree, tmp_path):
    path = tmp_path / "good.xlsx"
    write_xlsx(str(path), member_rows(1))
    with pytest.raises(CommandError, match="找不到单位编码"):
        call_command("import_members", str(path), "--org", "NO-SUCH")
    with pytest.raises(CommandError, match="无法打开文件"):
        call_command("import_members", str(tmp_path / "missing.xlsx"), "--org", tree.haidian.code)
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a workbook")
    stderr = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_members", str(junk), "--org", tree.haidian.code, stderr=stderr)
    assert "文件：文件不是有效的 Excel 文件" in stderr.getvalue()
