"""Teachers' pages: sign up by ID number + name, link, register (twice → one entry), edit,
withdraw, invitations; the unit's review page with quota used/left."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from apps.accounts.enums import Role
from apps.accounts.models import RoleAssignment, User
from apps.competitions.enums import EntryStatus
from apps.competitions.models import Entry, TeacherAccount
from apps.core.scoping import scopes_disabled
from tests.competitions.factories import make_edition, make_entry, make_quota, make_teacher
from tests.conftest import login
from tests.factories.members import make_member

pytestmark = pytest.mark.django_db

NO_MATCH = "姓名与身份证号不匹配或不是在册会员"


def form_post(client: Client, url: str, data: dict):
    client.get(url if "decide" not in url else "/")
    token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
    return client.post(url, {**data, "csrfmiddlewaretoken": token})


def signup(member, **overrides):
    client = Client(enforce_csrf_checks=True)
    data = {"username": "zhang_t", "password": "Good-pass-2026!", "password2": "Good-pass-2026!",
            "name": member.name, "id_number": member.id_number, **overrides}
    return client, form_post(client, "/competitions/signup/", data)


def test_signup_links_the_member_and_logs_in(tree):
    member = make_member(tree.tsinghua, name="张晓明")
    client, response = signup(member)
    assert response.status_code == 302 and response["Location"] == "/competitions/"
    user = User.objects.get(username="zhang_t")
    with scopes_disabled():
        assert TeacherAccount._base_manager.get(user=user).member == member
        assert RoleAssignment.objects.filter(user=user, role=Role.TEACHER, organization=tree.tsinghua).exists()
    page = client.get("/competitions/").content.decode()
    assert "张晓明" in page and "清华大学工会" in page


def test_signup_never_tells_whether_an_id_exists(tree):
    member = make_member(tree.tsinghua, name="张晓明")
    stranger = make_member(tree.haidian, name="王某")
    with scopes_disabled():
        unknown_id = stranger.id_number
        type(stranger).objects.filter(pk=stranger.pk).delete()
    _c, wrong_name = signup(member, name="李四")
    _c, unknown = signup(member, name="王某", id_number=unknown_id)
    for response in (wrong_name, unknown):
        assert response.status_code == 200 and NO_MATCH in response.content.decode()
    _c, bad_digit = signup(member, id_number=member.id_number[:-1] + ("0" if member.id_number[-1] != "0" else "1"))
    assert "身份证号校验位错误" in bad_digit.content.decode()
    _c, mismatch = signup(member, password2="Other-pass-2026!")
    assert "两次输入的密码不一致" in mismatch.content.decode()
    assert not User.objects.filter(username="zhang_t").exists()


def test_signup_shows_the_id_error_beside_the_id_field_and_keeps_what_was_typed(tree):
    """Issue 13: the ID error is not at the top of the form and the passwords are not cleared."""
    member = make_member(tree.tsinghua, name="张晓明")
    _c, response = signup(member, name="李四")
    body = response.content.decode()
    field = body.index('id="id_id_number"')
    error = body.index(NO_MATCH)
    assert field < error < body.index("</form>"), "the error comes right after the ID field"
    assert 'id="id_id_number_error"' in body and 'aria-invalid="true"' in body[body.rindex("<input", 0, error):error]
    assert 'class="error" role="alert"' not in body  # no form-wide box at the top
    assert body.count('value="Good-pass-2026!"') == 2  # both passwords kept
    assert 'value="zhang_t"' in body and 'value="李四"' in body


def test_a_linked_member_cannot_be_claimed_again(tree):
    member = make_member(tree.tsinghua, name="张晓明")
    make_teacher(member)
    _c, response = signup(member, username="thief")
    assert "该会员已绑定账号" in response.content.decode()
    assert not User.objects.filter(username="thief").exists()


def test_signup_attempts_are_limited(tree):
    member = make_member(tree.tsinghua, name="张晓明")
    for _ in range(10):
        signup(member, name="猜名字")
    _c, response = signup(member)
    assert "尝试次数过多" in response.content.decode()
    assert not User.objects.filter(username="zhang_t").exists()


def test_a_teacher_role_user_links_their_record(tree, users):
    member = make_member(tree.tsinghua, name="张晓明")
    client = login(users["teacher"])
    assert client.get("/competitions/").content.decode().count("绑定会员信息") >= 1
    response = form_post(client, "/competitions/link/", {"name": "张晓明", "id_number": member.id_number})
    assert response.status_code == 302
    with scopes_disabled():
        assert TeacherAccount._base_manager.get(user=users["teacher"]).member == member
    assert login(users["haidian"]).get("/competitions/link/").status_code == 404


def test_register_page_twice_makes_one_entry_and_the_entry_page_shows_it(tree):
    edition = make_edition(requires_lesson_plan=True)
    group = edition.groups.get()
    member = make_member(tree.tsinghua, name="张晓明")
    client = login(make_teacher(member))
    index = client.get("/competitions/").content.decode()
    assert f"/competitions/groups/{group.pk}/register/" in index
    url = f"/competitions/groups/{group.pk}/register/"
    missing = form_post(client, url, {"course_title": "函数的极限"})
    assert missing.status_code == 200 and "请上传教案" in missing.content.decode()
    data = {"course_title": "函数的极限", "supervisor_name": "王导师"}
    first = client.post(url, {**data, "lesson_plan": SimpleUploadedFile("教案.pdf", b"%PDF-1.4 x"),
                              "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    second = client.post(url, {**data, "lesson_plan": SimpleUploadedFile("教案.pdf", b"%PDF-1.4 x"),
                               "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    with scopes_disabled():
        entry = Entry.objects.get(member=member)
    page = client.get(first["Location"]).content.decode()
    assert entry.code in page and "已报名，待单位审核" in page and "教案.pdf" in page
    assert member.id_number not in page
    update = form_post(client, f"/competitions/entries/{entry.pk}/", {"course_title": "导数的应用"})
    assert update.status_code == 302
    with scopes_disabled():
        assert Entry.objects.get(pk=entry.pk).course_title == "导数的应用"
    withdraw = form_post(client, f"/competitions/entries/{entry.pk}/withdraw/", {})
    assert withdraw.status_code == 302
    with scopes_disabled():
        assert Entry.objects.get(pk=entry.pk).status == EntryStatus.WITHDRAWN


def test_an_ineligible_teacher_sees_the_reason(tree):
    import datetime as dt

    from tests.factories.members import new_id_number

    group = make_edition(requires_lesson_plan=False).groups.get()
    old = make_member(tree.tsinghua, name="老教师", id_number=new_id_number(birth=dt.date(1970, 1, 1)))
    client = login(make_teacher(old))
    response = form_post(client, f"/competitions/groups/{group.pk}/register/", {"course_title": "题目"})
    assert "年龄超过本届比赛上限" in response.content.decode()
    with scopes_disabled():
        assert not Entry.objects.filter(member=old).exists()


def test_unit_page_shows_quota_and_approves_within_it(tree, users):
    group = make_edition(requires_lesson_plan=False).groups.get()
    make_quota(group, tree.tsinghua, 1)
    first = make_entry(group, make_member(tree.tsinghua, name="甲"), status=EntryStatus.SUBMITTED)
    second = make_entry(group, make_member(tree.tsinghua, name="乙"), status=EntryStatus.SUBMITTED)
    foreign = make_entry(group, make_member(tree.chaoyang, name="朝阳丙"), status=EntryStatus.SUBMITTED)
    client = login(users["tsinghua"])
    page = client.get("/competitions/unit/").content.decode()
    assert first.code in page and second.code in page and foreign.code not in page
    assert form_post(client, f"/competitions/unit/entries/{first.pk}/decide/", {"decision": "approve"}).status_code == 302
    response = form_post(client, f"/competitions/unit/entries/{second.pk}/decide/", {"decision": "approve"})
    page = client.get(response["Location"]).content.decode()
    assert "本单位该组别推荐名额已用完（1/1）" in page
    assert form_post(client, f"/competitions/unit/entries/{foreign.pk}/decide/",
                     {"decision": "approve"}).status_code == 404
    with scopes_disabled():
        assert [e.status for e in Entry.objects.filter(group=group).order_by("id")] == [
            "approved", "submitted", "submitted"]
    assert login(users["teacher"]).get("/competitions/unit/").status_code == 404
