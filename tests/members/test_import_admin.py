"""The admin import: upload → preview (every row's outcome) → confirm, once; scoped."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.storage import default_storage

from apps.core.models import AuditLog
from apps.core.scoping import scopes_disabled
from apps.members.admin_import import SESSION_KEY
from apps.members.models import Member
from apps.members.resources import TEMPLATE_HEADERS
from tests.conftest import login
from tests.members.sheets import member_rows, xlsx_bytes

pytestmark = pytest.mark.django_db

URL = "/admin/members/member/import-members/"
TEMPLATE_URL = "/admin/members/member/download-template/"


def upload(client, organization, data: bytes, name: str = "名册.xlsx"):
    client.get(URL)
    file = io.BytesIO(data)
    file.name = name
    return client.post(URL, {"organization": organization.pk, "file": file,
                             "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def confirm(client, token: str):
    return client.post(URL, {"token": token, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def member_count() -> int:
    with scopes_disabled():
        return Member.objects.count()


def test_the_changelist_offers_template_and_import(users):
    page = login(users["haidian"]).get("/admin/members/member/").content.decode()
    assert TEMPLATE_URL in page and URL in page


def test_the_template_downloads_from_the_admin(users):
    response = login(users["haidian_clerk"]).get(TEMPLATE_URL)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    assert tuple(c.value for c in sheet[1]) == TEMPLATE_HEADERS
    assert sheet.cell(row=2, column=TEMPLATE_HEADERS.index("身份证号") + 1).number_format == "@"


def test_upload_preview_confirm_imports_once(tree, users):
    client = login(users["haidian"])
    form = client.get(URL).content.decode()
    assert tree.haidian.name in form and tree.chaoyang.name not in form

    rows = member_rows(3)
    rows[2]["分工会"] = tree.haidian_school.name
    preview = upload(client, tree.haidian, xlsx_bytes(rows))
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "全部 3 行校验通过" in page and "确认导入 3 名会员" in page
    assert rows[0]["身份证号"] not in page and rows[0]["身份证号"][:6] + "********" in page  # masked
    assert tree.haidian_school.name in page
    assert "no-cache" in preview["Cache-Control"]
    assert member_count() == 0
    token = preview.context["token"]
    assert default_storage.exists(f"imports/{token}.pending.xlsx")

    done = confirm(client, token)
    assert done.status_code == 302 and done["Location"].endswith("/admin/members/member/")
    assert member_count() == 3
    assert not default_storage.exists(f"imports/{token}.pending.xlsx")
    assert not default_storage.exists(f"imports/{token}.claimed.xlsx")
    messages = client.get(done["Location"]).content.decode()
    assert "导入完成：新增会员 3 名" in messages

    again = confirm(client, token)  # the double submit
    assert again.status_code == 302
    assert member_count() == 3
    assert AuditLog._base_manager.filter(action="member.import").count() == 1
    assert "请勿重复提交" in client.get(again["Location"]).content.decode()


def test_a_stolen_or_forged_token_imports_nothing(tree, users):
    owner = login(users["haidian"])
    token = upload(owner, tree.haidian, xlsx_bytes(member_rows(2))).context["token"]
    other = login(users["haidian_clerk"])  # another session: the token is not theirs
    other.get(URL)
    assert confirm(other, token).status_code == 302
    assert confirm(other, "../../etc/passwd").status_code == 302
    assert member_count() == 0
    assert owner.session[SESSION_KEY][token]["rows"] == 2


def test_the_preview_names_every_bad_row_and_nothing_is_stored(tree, users):
    client = login(users["haidian_clerk"])
    rows = member_rows(4)
    rows[1]["身份证号"] = rows[1]["身份证号"][:17] + ("0" if rows[1]["身份证号"][17] != "0" else "1")
    rows[3]["入会日期"] = "不知道"
    response = upload(client, tree.haidian, xlsx_bytes(rows))
    assert response.status_code == 200
    page = response.content.decode()
    assert "未写入任何数据" in page and "确认导入" not in page
    assert "第 3 行" in page and "身份证号校验位错误，请核对。" in page
    assert "第 5 行" in page and "入会日期" in page and "不是有效的日期" in page
    assert [p.ok for p in response.context["report"].previews] == [True, False, True, False]
    assert response.context["token"] == "" and SESSION_KEY not in client.session
    assert member_count() == 0


def test_a_district_admin_cannot_import_into_another_district(tree, users):
    client = login(users["haidian"])
    response = upload(client, tree.chaoyang, xlsx_bytes(member_rows(2)))
    assert response.status_code == 200 and "token" not in response.context
    assert response.context["form"].errors["organization"]  # 朝阳 is not a choice
    rows = member_rows(2)
    rows[1]["所属工会编码"] = tree.chaoyang.code
    response = upload(client, tree.haidian, xlsx_bytes(rows))
    assert [(e.row, e.column, e.message) for e in response.context["report"].errors] == [
        (3, "所属工会编码", "所属工会不在您的管理范围内。")]
    assert tree.chaoyang.name not in response.content.decode()
    assert member_count() == 0


def test_bad_files_are_refused_with_a_message(tree, users):
    client = login(users["haidian"])
    response = upload(client, tree.haidian, b"PK\x03\x04 not really", name="x.xlsx")
    assert "文件不是有效的 Excel 文件" in response.content.decode()
    response = upload(client, tree.haidian, xlsx_bytes(member_rows(1)), name="x.csv")
    assert "请上传 .xlsx" in response.content.decode()
    assert member_count() == 0


def test_only_users_who_may_add_members_can_import(tree, users):
    for key in ("teacher", "judge"):
        client = login(users[key])
        assert client.get(URL).status_code in (302, 403), key
        assert client.get(TEMPLATE_URL).status_code in (302, 403), key
