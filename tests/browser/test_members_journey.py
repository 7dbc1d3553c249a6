"""A district administrator moves her member list in and out of Excel in the browser:
downloads the template, uploads a file with two bad rows, sees both named, fixes them,
imports, exports, and gets a file whose ID column is masked."""

from __future__ import annotations

import datetime as dt
import re

import openpyxl
import pytest
from django.core.management import call_command

from apps.accounts.demo import DEMO_PASSWORD
from apps.core.scoping import scopes_disabled
from apps.members.idgen import make_id_number
from apps.members.models import Member

NAMES = ("周晓明", "吴佳怡", "郑浩")


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo")


def fill(template_path, out_path, rows):
    book = openpyxl.load_workbook(template_path)
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    for r, row in enumerate(rows, start=2):
        for header, value in row.items():
            cell = sheet.cell(row=r, column=headers.index(header) + 1, value=value)
            if header in ("身份证号", "银行账号", "手机号"):
                cell.number_format = "@"
    book.save(out_path)
    return headers


def test_haidian_imports_and_exports_members(live_server, page, demo, tmp_path):
    base = live_server.url
    ids = [make_id_number(dt.date(1985 + i, 3, 9), 700 + i, female=bool(i % 2)) for i in range(3)]
    bad_check = ids[1][:-1] + ("0" if ids[1][-1] != "0" else "1")

    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "haidian")
    page.fill("#id_password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("form.form button[type=submit]")

    # 1. the template, from the members list's button
    page.goto(f"{base}/admin/members/member/")
    with page.expect_download() as download:
        page.get_by_text("下载导入模板").first.click()
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    headers = [c.value for c in openpyxl.load_workbook(template).worksheets[0][1]]
    for header in ("姓名", "身份证号", "手机号", "所属工会编码", "分工会", "用工性质", "入会日期", "从教日期",
                   "开户银行", "银行账号", "备注"):
        assert header in headers

    # 2. a file with two bad rows (a wrong check digit, a date that is not a date)
    rows = [
        {"姓名": NAMES[0], "身份证号": ids[0], "手机号": "13800138001", "用工性质": "在编",
         "入会日期": dt.date(2010, 9, 1), "开户银行": "中国银行北京分行", "银行账号": "6216610100001234567"},
        {"姓名": NAMES[1], "身份证号": bad_check, "用工性质": "非在编"},
        {"姓名": NAMES[2], "身份证号": ids[2], "用工性质": "在编", "入会日期": "去年九月"},
    ]
    bad_file = tmp_path / "members-bad.xlsx"
    fill(template, bad_file, rows)
    page.goto(f"{base}/admin/members/member/import-members/")
    page.set_input_files("input[type=file]", str(bad_file))
    with page.expect_navigation():
        page.get_by_role("button", name="上传并校验").click()
    errors = page.locator("[data-testid=import-errors]").inner_text()
    assert re.search(r"第 3 行\s+身份证号\s+.*校验位", errors), errors
    assert re.search(r"第 4 行\s+入会日期\s+.*日期", errors), errors
    assert "未写入任何数据" in page.locator("body").inner_text()
    with scopes_disabled():
        assert not Member.objects.filter(name__in=NAMES).exists()

    # 3. fixed, uploaded again, confirmed
    rows[1]["身份证号"] = ids[1]
    rows[2]["入会日期"] = dt.date(2012, 9, 1)
    good_file = tmp_path / "members-good.xlsx"
    fill(template, good_file, rows)
    page.goto(f"{base}/admin/members/member/import-members/")
    page.set_input_files("input[type=file]", str(good_file))
    with page.expect_navigation():
        page.get_by_role("button", name="上传并校验").click()
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("确认导入")).click()
    assert "导入完成" in page.locator("body").inner_text()
    with scopes_disabled():
        imported = Member.objects.filter(name__in=NAMES)
        assert imported.count() == 3
        assert {m.organization.code for m in imported} == {"D-HAIDIAN"}

    # 4. export the list, searched down to the three: the ID column is masked
    page.goto(f"{base}/admin/members/member/?q=" + NAMES[0])
    with page.expect_download() as download:
        page.get_by_text("导出 Excel").first.click()
    exported = tmp_path / "export.xlsx"
    download.value.save_as(exported)
    sheet = openpyxl.load_workbook(exported).worksheets[0]
    header = [c.value for c in sheet[1]]
    values = [dict(zip(header, [c.value for c in row], strict=False)) for row in sheet.iter_rows(min_row=2)]
    assert [v["姓名"] for v in values] == [NAMES[0]]
    assert values[0]["身份证号"] == ids[0][:6] + "********" + ids[0][-4:]
    assert ids[0] not in str(values)

    violations = page.log.csp_violations()
    assert not violations, "CSP violations:\n" + page.log.summary(violations)
    problems = page.log.problems()
    assert not problems, "console errors:\n" + page.log.summary(problems)
