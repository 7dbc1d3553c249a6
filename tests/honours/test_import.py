"""Roll import from Excel: all or nothing, every bad row named, members matched by ID hash,
the members import's file safety, municipal admin only, and the command's exit status."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from apps.core.models import AuditLog
from apps.core.scoping import scope, scopes_disabled
from apps.honours.importing import HEADERS, import_honours_file, write_template
from apps.honours.models import Honour
from tests.conftest import login
from tests.factories.members import make_member, new_id_number
from tests.members.sheets import Number, claimed_huge, entity_bomb, xlsx_bytes

from .factories import make_honour, title

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/honours/honour/import-honours/"
TEMPLATE_URL = "/admin/honours/honour/download-template/"


def sheet(rows) -> io.BytesIO:
    return io.BytesIO(xlsx_bytes(rows, HEADERS, sheet="荣誉名册"))


@pytest.fixture
def people(tree):
    title("beijing_model_worker")  # seeds the titles
    return {"li": make_member(tree.haidian, name="李劳模"), "wang": make_member(tree.chaoyang, name="王先进")}


def good_rows(people, tree):
    return [
        {"姓名": "李劳模", "身份证号": people["li"].id_number, "荣誉称号": "北京市劳动模范", "授予年份": 2020,
         "证书编号": "BJ-2020-001", "备注": "2020年表彰"},
        {"姓名": "王先进", "身份证号": people["wang"].id_number.lower(), "荣誉称号": "全国先进工作者",
         "授予年份": "2015", "证书编号": "QG-2015-9", "状态": "迁出"},
        {"集体名称": "朝阳实验小学数学组", "单位编码": tree.chaoyang.code, "荣誉称号": "北京市模范集体",
         "授予年份": 2025},
    ]


def run(tree, rows, **kwargs):
    with scope(paths=[tree.root.path]):
        return import_honours_file(sheet(rows), **kwargs)


def test_a_clean_file_imports_every_row_matched_by_id_hash(tree, users, people):
    report = run(tree, good_rows(people, tree), actor=users["municipal"])
    assert report.ok and report.created == 3, report.lines()
    with scopes_disabled():
        li = Honour.objects.get(member=people["li"])
        wang = Honour.objects.get(member=people["wang"])
        team = Honour.objects.get(collective_name="朝阳实验小学数学组")
        assert AuditLog.objects.filter(action="honour.import").count() == 1
    assert (li.title.code, li.year, li.certificate_no, li.organization, li.notes) == (
        "beijing_model_worker", 2020, "BJ-2020-001", tree.haidian, "2020年表彰")
    assert (wang.title.code, wang.status, wang.organization) == ("national_advanced_worker", "moved_out", tree.chaoyang)
    assert (team.organization, team.member) == (tree.chaoyang, None)


def test_one_bad_row_and_nothing_is_written_every_problem_named(tree, people):
    rows = good_rows(people, tree) + [
        {"姓名": "赵某", "身份证号": new_id_number(), "荣誉称号": "北京市劳动模范", "授予年份": 2020},  # row 5
        {"姓名": "李劳模", "身份证号": Number(110105198805170000), "荣誉称号": "北京市劳动模范",
         "授予年份": 2021},  # row 6: an ID stored as a number
        {"姓名": "错名", "身份证号": people["li"].id_number, "荣誉称号": "优秀员工", "授予年份": 1900},  # row 7
        {"姓名": "错名", "身份证号": people["li"].id_number, "荣誉称号": "首都劳动奖章", "授予年份": 2019,
         "状态": "退休"},  # row 8
        {"姓名": "李劳模", "身份证号": people["li"].id_number, "荣誉称号": "北京市劳动模范", "授予年份": 2020},  # 9
        {"集体名称": "某组", "单位编码": "NO-SUCH", "荣誉称号": "北京市模范集体", "授予年份": 2025},  # row 10
        {"姓名": "王先进", "身份证号": people["wang"].id_number, "集体名称": "某组", "荣誉称号": "北京市劳动模范",
         "授予年份": 2022, "证书编号": "BJ-2020-001"},  # row 11
    ]
    report = run(tree, rows)
    assert not report.ok and report.created == 0
    text = "\n".join(report.lines())
    expected = [
        "第 5 行【身份证号】：会员名册中没有这个身份证号的会员",
        "第 6 行【身份证号】：身份证号存成了数字格式",
        "第 7 行【荣誉称号】：没有这个荣誉称号",
        "第 7 行【授予年份】：应为 1950 年至今年之间的年份",
        "第 8 行【姓名】：姓名与会员名册中该身份证号的姓名不一致",
        "第 8 行【状态】：状态应为：在册、去世、撤销、迁出",
        "第 9 行【荣誉称号】：与第 2 行重复",
        "第 10 行【单位编码】：单位编码不存在，或不在您的管理范围内",
        "第 11 行【证书编号】：与第 2 行的证书编号重复",
        "第 11 行【集体名称】：个人称号请填写姓名和身份证号",
    ]
    for line in expected:
        assert line in text, (line, text)
    assert people["li"].id_number not in text  # messages never echo an ID
    with scopes_disabled():
        assert Honour.objects.count() == 0


def test_duplicates_against_the_roll_are_refused_without_naming_the_holder(tree, people):
    make_honour(code="beijing_model_worker", year=2020, member=people["li"], certificate_no="BJ-2020-001")
    report = run(tree, good_rows(people, tree)[:1])
    assert [(e.row, e.column) for e in report.errors] == [(2, "荣誉称号"), (2, "证书编号")]
    assert "该会员本年度已登记此称号" in "".join(report.lines())


def test_members_outside_the_scope_are_unknown(tree, people):
    with scope(paths=[tree.haidian.path]):
        report = import_honours_file(sheet(good_rows(people, tree)[:2]))
    assert [(e.row, e.column) for e in report.errors] == [(3, "身份证号")]


def test_missing_columns_and_unsafe_files_are_refused_whole(tree, people):
    data = xlsx_bytes([{"姓名": "李劳模"}], ("姓名", "身份证号"), sheet="x")
    with scope(paths=[tree.root.path]):
        report = import_honours_file(io.BytesIO(data))
        assert {e.row for e in report.errors} == {1}  # the header row is named
        assert {e.column for e in report.errors} == {"荣誉称号", "授予年份"}
        bomb = import_honours_file(io.BytesIO(claimed_huge(xlsx_bytes(good_rows(people, tree), HEADERS))))
        assert "压缩炸弹" in bomb.lines()[0]
        entities = import_honours_file(io.BytesIO(entity_bomb()))
        assert "不安全的 XML" in entities.lines()[0]


def test_template_has_the_columns_as_text_and_instructions(tree):
    title("beijing_model_worker")
    buffer = io.BytesIO()
    write_template(buffer)
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    sheet_ = book.worksheets[0]
    assert [c.value for c in sheet_[1]] == list(HEADERS)
    assert sheet_.cell(row=2, column=2).number_format == "@"  # 身份证号 typed as text
    assert "北京市模范集体（集体）" in " ".join(str(c.value) for c in book["填写说明"]["A"])


def test_command_exits_1_on_a_bad_file_and_0_when_imported(tree, people, tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx_bytes(good_rows(people, tree) + [{"荣誉称号": "无此称号", "授予年份": 2020, "姓名": "x",
                                                           "身份证号": new_id_number()}], HEADERS))
    with pytest.raises(CommandError) as exc:
        call_command("import_honours", str(bad))
    assert "未写入任何数据" in str(exc.value)
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx_bytes(good_rows(people, tree), HEADERS))
    out = io.StringIO()
    call_command("import_honours", str(good), "--dry-run", stdout=out)
    assert "校验通过" in out.getvalue()
    with scopes_disabled():
        assert Honour.objects.count() == 0
    call_command("import_honours", str(good), stdout=out)
    with scopes_disabled():
        assert Honour.objects.count() == 3


def test_command_exit_status_is_1_from_the_shell(tree, people, tmp_path):
    """The exit status itself, as a shell or cron sees it (CommandError → 1)."""
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a zip")
    from django.core.management import ManagementUtility

    with pytest.raises(SystemExit) as exc:
        ManagementUtility(["manage.py", "import_honours", str(bad)]).execute()
    assert exc.value.code == 1


def post(client, data):
    client.get("/")
    return client.post(IMPORT_URL, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def test_admin_upload_preview_confirm_once(tree, users, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = login(users["municipal"])
    assert client.get(TEMPLATE_URL).status_code == 200
    upload = sheet(good_rows(people, tree))
    upload.name = "roll.xlsx"
    preview = post(client, {"file": upload})
    body = preview.content.decode()
    assert preview.status_code == 200 and preview.context["token"], body[:500]
    assert people["li"].id_number_masked in body and people["li"].id_number not in body
    with scopes_disabled():
        assert Honour.objects.count() == 0  # the preview writes nothing
    done = post(client, {"token": preview.context["token"]})
    assert done.status_code == 302
    again = post(client, {"token": preview.context["token"]})  # a double submit imports once
    assert again.status_code == 302
    with scopes_disabled():
        assert Honour.objects.count() == 3


def test_admin_shows_every_error_and_writes_nothing(tree, users, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    rows = good_rows(people, tree)
    rows[0]["授予年份"] = "去年"
    upload = sheet(rows)
    upload.name = "roll.xlsx"
    response = post(login(users["municipal"]), {"file": upload})
    body = response.content.decode()
    assert not response.context["token"] and "未写入任何数据" in body and "授予年份" in body
    with scopes_disabled():
        assert Honour.objects.count() == 0


def test_only_the_municipal_admin_imports(tree, users, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    for key in ("haidian", "chaoyang", "haidian_clerk"):
        client = login(users[key])
        assert client.get(IMPORT_URL).status_code == 403, key
        assert client.get(TEMPLATE_URL).status_code == 403, key
        upload = sheet(good_rows(people, tree))
        upload.name = "roll.xlsx"
        assert post(client, {"file": upload}).status_code == 403, key
    with scopes_disabled():
        assert Honour.objects.count() == 0
    assert reverse("admin:honours_honour_import_honours") == IMPORT_URL
