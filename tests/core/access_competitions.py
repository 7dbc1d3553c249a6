"""Access-matrix entries for apps/competitions (imported at the end of test_access_matrix).

Each region below belongs to one part of the app; the helpers (check_detail, check_org_list,
check_api_post, csrf_post, World …) come from test_access_matrix. Foreign objects are owned
by 朝阳 (``tree.chaoyang``)."""

from __future__ import annotations

from collections.abc import Callable

from tests.core import test_access_matrix as m  # noqa: F401  (helpers: m.check_detail, m.World …)

# maker(tree, users, member) -> {Model: an instance owned by 朝阳}
MAKERS: list[Callable] = []

# --- structure: admin + /api/v1/competitions/editions|groups (editions, groups, quotas, judges) ---


def structure_objects(tree, users, member) -> dict:
    """An open 青管赛 edition (city-wide structure: a 404 in the admin for everyone but the
    municipal admin), 朝阳's quota of 3 in its group with one approved entry of 朝阳's member, a
    judge of 朝阳 assigned (with a declared conflict and a score sheet), and the entry's result,
    award, certificate and talent-pool row (scoped to 朝阳)."""
    from decimal import Decimal

    from apps.competitions.services.codes import certificate_code
    from apps.competitions.models import (
        Award, Certificate, ConflictDeclaration, Criterion, Edition, Entry, Group, JudgeAssignment, PrizeBonus,
        PrizeRule, ScoreSheet, Series, Stage, StageResult, TalentPoolEntry, UnitQuota,
    )
    from tests.competitions.factories import make_edition, make_entry, make_judge, make_quota

    edition = make_edition(series="qgs", number=91, year=2025, name="朝阳结构测试赛", groups=(("结构测试组", "s-test"),))
    group = edition.groups.get()
    stage = edition.stages.get()
    quota = make_quota(group, tree.chaoyang, 3)
    entry = make_entry(group, member)
    rule = PrizeRule.objects.create(group=group, level="first", count=1)
    bonus = PrizeBonus.objects.create(edition=edition, kind="prize", level="first", amount=Decimal("3000.00"))
    judge = make_judge("t_cy_judge", tree.chaoyang)
    assignment = JudgeAssignment._base_manager.create(stage=stage, group=group, judge=judge, organization=tree.chaoyang)
    conflict = ConflictDeclaration._base_manager.create(judge=judge, organization=tree.chaoyang_school, reason="曾任职")
    sheet = ScoreSheet._base_manager.create(assignment=assignment, entry=entry, total=Decimal("90"))
    result = StageResult.objects.create(stage=stage, entry=entry, score=Decimal("90"), judges=1, rank=1)
    award = Award.objects.create(edition=edition, group=group, entry=entry, organization=tree.chaoyang, kind="prize",
                                 level="first", name="一等奖", recipient=member.name, rank=1)
    certificate = Certificate.objects.create(award=award, member=member, holder_name=member.name,
                                             code=certificate_code())
    talent = TalentPoolEntry.objects.create(member=member, organization=tree.chaoyang, edition=edition, award=award)
    return {Series: edition.series, Edition: edition, Group: group, Stage: stage,
            Criterion: stage.criteria.first(), UnitQuota: quota, Entry: entry, PrizeRule: rule, PrizeBonus: bonus,
            JudgeAssignment: assignment, ConflictDeclaration: conflict, ScoreSheet: sheet, StageResult: result,
            Award: award, Certificate: certificate, TalentPoolEntry: talent}


MAKERS.append(structure_objects)

_FMT = r"\.(?P<format>[a-z0-9]+)/?$"
_API = "api/v1/competitions/"


def _obj(w, name: str):
    from apps.competitions import models

    return w.objects[getattr(models, name)]


def _edition_row(w, data) -> dict:
    rows = data["results"] if "results" in data else [data]
    return next(r for r in rows if r["id"] == _obj(w, "Edition").pk)


def _group_row(w, data, *, nested: bool) -> dict:
    group = _obj(w, "Group")
    if nested:
        return next(g for g in _edition_row(w, data)["groups"] if g["id"] == group.pk)
    rows = data["results"] if "results" in data else [data]
    return next(r for r in rows if r["id"] == group.pk)


def check_structure_api(url_for: Callable, *, nested: bool, many: bool, create: Callable | None = None,
                        patch: dict | None = None) -> Callable:
    """Editions and groups are city-wide, but the quota shown is only ever the acting unit's:
    朝阳's admin sees its 3 places with 1 used; no outsider sees them (``my_quota`` null)
    nor creates or edits anything; the municipal admin creates/edits (so the URL was right)."""

    def check(w) -> None:
        url = url_for(w)
        owner = _group_row(w, w.client("chaoyang").get(url).json(), nested=nested)
        assert owner["my_quota"] == {"quota": 3, "used": 1, "left": 2}, owner
        edition, group = _obj(w, "Edition"), _obj(w, "Group")
        before = (m.state(edition), m.state(group))
        for key in m.OUTSIDERS:
            client = w.client(key)
            response = client.get(url)
            if response.status_code == 200:
                assert _group_row(w, response.json(), nested=nested)["my_quota"] is None, key
            else:
                assert m.refused(response), (key, response.status_code)
            if many:
                r = m.csrf_post(client, url, create(w))
            else:
                client.get("/")
                r = client.patch(url, data=m.json.dumps(patch), content_type="application/json",
                                 HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value if "csrftoken" in client.cookies
                                 else "")
            assert m.refused(r), (key, url, r.status_code)
        assert (m.state(edition), m.state(group)) == before, "an outsider changed it"
        municipal = w.client("municipal")
        if many:
            r = m.csrf_post(municipal, url, create(w))
            assert r.status_code == 201, (url, r.status_code, r.content[:300])
        else:
            municipal.get("/")
            r = municipal.patch(url, data=m.json.dumps(patch), content_type="application/json",
                                HTTP_X_CSRFTOKEN=municipal.cookies["csrftoken"].value)
            assert r.status_code == 200, (url, r.status_code, r.content[:300])
    return check


def check_edition_status(url_for: Callable) -> Callable:
    """Only the municipal admin moves an edition's status (audited); outsiders change nothing."""

    def check(w) -> None:
        from apps.core.models import AuditLog

        edition = _obj(w, "Edition")
        url = url_for(w)
        logs = AuditLog._base_manager.filter(action__startswith="edition.").count()
        for key in m.OUTSIDERS:
            response = m.csrf_post(w.client(key), url, {"to": "judging"})
            assert m.refused(response), (key, url, response.status_code)
        assert m.fresh(edition).status == "open"
        assert AuditLog._base_manager.filter(action__startswith="edition.").count() == logs
        response = m.csrf_post(w.client("municipal"), url, {"to": "judging"})
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        assert m.fresh(edition).status == "judging"
    return check


def check_quota_list(url: str) -> Callable:
    """Outsiders never list 朝阳's quota nor set one for 朝阳; the municipal admin does."""

    def check(w) -> None:
        quota = _obj(w, "UnitQuota")
        m.check_org_list(w, url, lambda w: f'"id":{quota.pk},')(w)
        m.check_org_list(w, url + f"?unit={w.tree.chaoyang.code}", lambda w: f'"id":{quota.pk},')(w)
        payload = {"group": quota.group_id, "organization": w.tree.chaoyang.code, "quota": 9}
        before = m.state(quota)
        for key in m.OUTSIDERS:
            response = m.csrf_post(w.client(key), url, payload)
            assert response.status_code in (400, 403, 404) or m.is_login_redirect(response), (key, response.status_code)
        assert m.state(quota) == before, "an outsider set 朝阳's quota"
        control = m.csrf_post(w.client("municipal"), url, payload)
        assert control.status_code == 201, control.content[:300]
        assert m.fresh(quota).quota == 9
    return check


def _structure_entries() -> dict:
    from apps.competitions.models import Edition

    edition_url = lambda suffix="": lambda w: f"/api/v1/competitions/editions/{_obj(w, 'Edition').pk}/{suffix}"  # noqa: E731
    group_url = lambda w: f"/api/v1/competitions/groups/{_obj(w, 'Group').pk}/"  # noqa: E731
    quota_url = lambda w: f"/api/v1/competitions/quotas/{_obj(w, 'UnitQuota').pk}/"  # noqa: E731
    new_edition = lambda w: {"series": "jjb", "number": 77, "year": 2030, "name": "越权届次",  # noqa: E731
                             "registration_opens": "2030-03-01T08:00:00+08:00",
                             "registration_closes": "2030-04-01T08:00:00+08:00"}
    new_group = lambda w: {"edition": _obj(w, "Edition").pk, "name": "新组", "code": "new-group"}  # noqa: E731
    editions = lambda url: check_structure_api(lambda w: url, nested=True, many=True, create=new_edition)  # noqa: E731
    groups = lambda url: check_structure_api(lambda w: url, nested=False, many=True, create=new_group)  # noqa: E731
    base = _API + "^editions/(?P<pk>[^/.]+)/"
    return {
        _API + "^editions/$": editions("/api/v1/competitions/editions/"),
        _API + "^editions" + _FMT: editions("/api/v1/competitions/editions.json"),
        base + "$": check_structure_api(edition_url(), nested=True, many=False, patch={"name": "改名届次"}),
        base[:-1] + _FMT: check_structure_api(lambda w: edition_url()(w)[:-1] + ".json", nested=True, many=False,
                                              patch={"name": "改名届次"}),
        base + "status/$": check_edition_status(edition_url("status/")),
        base + "status" + _FMT: check_edition_status(edition_url("status.json")),
        _API + "^groups/$": groups("/api/v1/competitions/groups/"),
        _API + "^groups" + _FMT: groups("/api/v1/competitions/groups.json"),
        _API + "^groups/(?P<pk>[^/.]+)/$": check_structure_api(group_url, nested=False, many=False,
                                                               patch={"name": "改名组"}),
        _API + "^groups/(?P<pk>[^/.]+)" + _FMT: check_structure_api(
            lambda w: group_url(w)[:-1] + ".json", nested=False, many=False, patch={"name": "改名组"}),
        _API + "^quotas/$": check_quota_list("/api/v1/competitions/quotas/"),
        _API + "^quotas" + _FMT: check_quota_list("/api/v1/competitions/quotas.json"),
        _API + "^quotas/(?P<pk>[^/.]+)/$": m.check_detail(quota_url, patch={"quota": 1},
                                                          obj_for=lambda w: _obj(w, "UnitQuota")),
        _API + "^quotas/(?P<pk>[^/.]+)" + _FMT: m.check_detail(
            lambda w: quota_url(w)[:-1] + ".json", patch={"quota": 1}, obj_for=lambda w: _obj(w, "UnitQuota")),
        "admin/competitions/edition/<path:object_id>/prize-preview/": (
            lambda w: m.check_admin_object(w, Edition, "prize_preview")),
        "admin/competitions/edition/<path:object_id>/publish/": (
            lambda w: m.check_admin_object(w, Edition, "publish_results")),
    }
# --- end structure ---

# --- registration: teacher pages, uploads, /api/v1/competitions/entries ---


def registration_objects(tree, users, member) -> dict:
    """An open 青教赛 edition (number 71) with an individual group 理科 (朝阳's quota 2) and a
    team group; 朝阳's member (account ``cy_teacher``) has a submitted entry with a lesson
    plan; 朝阳's captain (``cy_captain``) has a team entry and has invited 朝阳's ``cy_mate``.
    The 朝阳 teachers are added to ``users`` so checks can use them as controls."""
    from types import SimpleNamespace

    from django.core.files.base import ContentFile

    from apps.accounts.enums import Role
    from apps.competitions.models import Entry, TeacherAccount, TeamMember
    from tests.competitions.factories import make_edition, make_entry, make_quota, make_teacher
    from tests.factories.members import make_member
    from tests.factories.orgs import make_user

    edition = make_edition(series="qjs", number=71, year=2025, name="朝阳报名测试赛", requires_lesson_plan=False,
                           groups=(("报名测试理科", "reg-science"), ("报名测试团队", "reg-team")))
    science, team_group = edition.groups.order_by("order")
    team_group.entry_kind, team_group.team_size = "team", 3
    team_group.save()
    make_quota(science, tree.chaoyang, 2)
    users["cy_teacher"] = make_teacher(member, "t_cy_teacher")
    entry = make_entry(science, member, status="submitted", lesson_plan_name="朝阳教案.pdf")
    entry.lesson_plan.save("0123456789abcdef0123456789abcdef.pdf", ContentFile(b"%PDF-1.4 chaoyang"), save=True)
    captain = make_member(tree.chaoyang, name="朝阳队长")
    users["cy_captain"] = make_teacher(captain, "t_cy_captain")
    team = make_entry(team_group, captain, status="submitted", team_name="朝阳先锋队")
    mate = make_member(tree.chaoyang, name="朝阳队员")
    users["cy_mate"] = make_teacher(mate, "t_cy_mate")
    invitation = TeamMember.objects.create(entry=team, member=mate)
    spare = make_member(tree.chaoyang, name="朝阳新教师")
    users["cy_new"] = make_user("t_cy_new", tree.chaoyang, Role.TEACHER)  # a teacher still to link
    users["cy_spare"] = make_teacher(make_member(tree.chaoyang, name="朝阳备用"), "t_cy_spare")
    assert Entry.objects.filter(pk=entry.pk).exists()
    return {"registration": SimpleNamespace(edition=edition, science=science, team_group=team_group, entry=entry,
                                            team=team, invitation=invitation, mate=mate, spare=spare),
            TeacherAccount: TeacherAccount._base_manager.get(member=member), TeamMember: invitation}


MAKERS.append(registration_objects)


def _reg(w):
    return w.objects["registration"]


def _reg_audit() -> int:
    from apps.core.models import AuditLog

    return AuditLog._base_manager.filter(action__regex=r"^(entry|team|teacher)\.").count()


def _form_post(client, url: str, payload: dict):
    client.get("/")  # the CSRF cookie: refused on scope, not on CSRF
    token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
    return client.post(url, {**payload, "csrfmiddlewaretoken": token})


def check_teacher_index(w) -> None:
    """No outsider's competition page names 朝阳's entry; 朝阳's teacher sees it."""
    url, code = "/competitions/", _reg(w).entry.code
    assert code in w.client("cy_teacher").get(url).content.decode(), "control must see its entry"
    for key in m.OUTSIDERS:
        response = w.client(key).get(url)
        assert response.status_code == 200 or m.refused(response), key
        assert code not in response.content.decode(), key


def check_signup(w) -> None:
    """Nobody claims 朝阳's linked member by its ID number + name: the sign-up refuses and
    creates no user; logged-in users are sent away. The control signs up an unlinked member."""
    from django.test import Client

    from apps.accounts.models import User

    member = w.objects[m.Member]
    for key in m.OUTSIDERS:
        assert w.client(key).get("/competitions/signup/").status_code == 302, key
    users_before = User.objects.count()
    anonymous = Client(enforce_csrf_checks=True)
    anonymous.get("/competitions/signup/")
    response = anonymous.post("/competitions/signup/", {
        "csrfmiddlewaretoken": anonymous.cookies["csrftoken"].value, "username": "t_thief",
        "password": "Thief-pass-2026!", "password2": "Thief-pass-2026!", "name": member.name,
        "id_number": member.id_number})
    assert response.status_code == 200 and "该会员已绑定账号" in response.content.decode()
    assert User.objects.count() == users_before
    spare = _reg(w).spare
    control = Client(enforce_csrf_checks=True)
    control.get("/competitions/signup/")
    response = control.post("/competitions/signup/", {
        "csrfmiddlewaretoken": control.cookies["csrftoken"].value, "username": "t_cy_signup",
        "password": "Good-pass-2026!", "password2": "Good-pass-2026!", "name": spare.name,
        "id_number": spare.id_number})
    assert response.status_code == 302, response.content.decode()[:500]


def check_link(w) -> None:
    """Only a teacher-role user reaches the page; nobody links 朝阳's linked member again; 朝阳's
    unlinked teacher links their own record."""
    from apps.competitions.models import TeacherAccount

    member, spare = w.objects[m.Member], _reg(w).spare
    accounts = TeacherAccount._base_manager.count()
    for key in m.OUTSIDERS:
        client = w.client(key)
        response = _form_post(client, "/competitions/link/", {"name": member.name, "id_number": member.id_number})
        if key == "teacher":
            assert response.status_code == 200 and "该会员已绑定账号" in response.content.decode()
        else:
            assert response.status_code == 404, (key, response.status_code)
    assert TeacherAccount._base_manager.count() == accounts
    response = _form_post(w.client("cy_new"), "/competitions/link/", {"name": spare.name, "id_number": spare.id_number})
    assert response.status_code == 302 and TeacherAccount._base_manager.filter(member=spare).exists()


def check_group_register(w) -> None:
    """Registering is always for oneself: staff and judges get a 404, an unlinked teacher is
    sent to link; no entry appears for 朝阳. 朝阳's spare teacher registers (the control)."""
    from apps.competitions.models import Entry

    group = _reg(w).science
    url = f"/competitions/groups/{group.pk}/register/"
    count = Entry._base_manager.count()
    for key in m.OUTSIDERS:
        response = _form_post(w.client(key), url, {"course_title": "越权报名"})
        if key == "teacher":
            assert response.status_code == 302 and response["Location"].endswith("/competitions/link/"), key
        else:
            assert response.status_code == 404, (key, response.status_code)
    assert Entry._base_manager.count() == count
    response = _form_post(w.client("cy_spare"), url, {"course_title": "朝阳的课"})
    assert response.status_code == 302 and Entry._base_manager.count() == count + 1


def check_entry_page(w) -> None:
    entry = _reg(w).entry
    url = f"/competitions/entries/{entry.pk}/"
    m.check_detail(lambda w: url, control="cy_teacher", obj_for=lambda w: _reg(w).entry)(w)
    assert w.client("chaoyang").get(url).status_code == 200, "朝阳's admin reads it"
    before = m.state(entry)
    for key in m.OUTSIDERS:
        response = _form_post(w.client(key), url, {"course_title": "越权修改"})
        assert m.refused(response), (key, response.status_code)
    assert m.state(entry) == before
    response = _form_post(w.client("cy_teacher"), url, {"course_title": "朝阳新题目"})
    assert response.status_code == 302 and m.fresh(entry).course_title == "朝阳新题目"


def check_entry_post(suffix: str, payload: dict, *, control: str, then: Callable) -> Callable:
    """A POST on 朝阳's entry page (withdraw, invite, unit decision): a 404 for every outsider,
    nothing changed or audited; the control's POST does it."""

    def check(w) -> None:
        entry = _reg(w).team if "invite" in suffix else _reg(w).entry
        url = suffix.format(pk=entry.pk)
        before, logs = m.state(entry), _reg_audit()
        for key in m.OUTSIDERS:
            response = _form_post(w.client(key), url, payload(w))
            assert response.status_code == 404, (key, url, response.status_code)
        assert m.state(entry) == before and _reg_audit() == logs, "an outsider changed it"
        response = _form_post(w.client(control), url, payload(w))
        assert response.status_code == 302, (url, response.status_code)
        assert then(w), url
    return check


def check_entry_file(w) -> None:
    """朝阳's lesson plan: a 404 for every outsider; its teacher, 朝阳's admin and the municipal
    admin download it as an attachment."""
    entry = _reg(w).entry
    url = f"/competitions/entries/{entry.pk}/files/lesson_plan/"
    for key in m.OUTSIDERS:
        assert w.client(key).get(url).status_code == 404, key
    for key in ("cy_teacher", "chaoyang", "municipal"):
        response = w.client(key).get(url)
        assert response.status_code == 200, key
        assert response["Content-Disposition"].startswith("attachment")
        assert b"".join(response.streaming_content) == b"%PDF-1.4 chaoyang"


def check_invitations(w) -> None:
    """Outsiders neither see nor answer 朝阳's invitation; the invitee accepts it."""
    from apps.competitions.models import TeamMember

    invitation = _reg(w).invitation
    url = "/competitions/invitations/"
    assert "朝阳先锋队" in w.client("cy_mate").get(url).content.decode()
    for key in m.OUTSIDERS:
        client = w.client(key)
        response = client.get(url)
        assert response.status_code in (200, 302, 404), key
        assert "朝阳先锋队" not in response.content.decode(), key
        response = _form_post(client, url, {"invitation": invitation.pk, "decision": "accept"})
        assert response.status_code in (302, 404), key
        if response.status_code == 302:
            assert "/competitions/link/" in response["Location"], key
    assert TeamMember._base_manager.get(pk=invitation.pk).status == "invited"
    response = _form_post(w.client("cy_mate"), url, {"invitation": invitation.pk, "decision": "accept"})
    assert response.status_code == 302 and TeamMember._base_manager.get(pk=invitation.pk).status == "accepted"


def check_unit_page(w) -> None:
    code = _reg(w).entry.code
    assert code in w.client("chaoyang").get("/competitions/unit/").content.decode()
    m.check_org_list(w, "/competitions/unit/", lambda w: code)(w)


def _entry_api(suffix: str = "", fmt: bool = False) -> Callable:
    def url(w) -> str:
        base = f"/api/v1/competitions/entries/{_reg(w).entry.pk}"
        return base + (f"/{suffix}.json" if suffix and fmt else f"/{suffix}/" if suffix else ".json" if fmt else "/")
    return url


def check_entry_api_list(url: str) -> Callable:
    """The list never holds 朝阳's entry for an outsider (also filtered by 朝阳's unit); nobody
    registers an entry for 朝阳 but 朝阳's own teachers (the control, 201)."""

    def check(w) -> None:
        from apps.competitions.models import Entry

        marker = lambda w: f'"id":{_reg(w).entry.pk},'  # noqa: E731
        m.check_org_list(w, url, marker)(w)
        m.check_org_list(w, url + f"?unit={w.tree.chaoyang.code}", marker)(w)
        count = Entry._base_manager.count()
        payload = {"group": _reg(w).science.pk, "course_title": "越权报名"}
        for key in m.OUTSIDERS:
            response = m.csrf_post(w.client(key), url, payload)
            assert response.status_code in (400, 403, 404), (key, response.status_code)
        assert Entry._base_manager.count() == count, "an outsider registered"
        response = m.csrf_post(w.client("cy_spare"), url, payload)
        assert response.status_code == 201, response.content[:300]
    return check


def check_entry_api_post(url_for: Callable, payload: dict, *, control: str, perm: str, status: str) -> Callable:
    """A state action on 朝阳's entry: refused to outsiders (a 404 for staff holding ``perm``),
    nothing changed or audited; the control's POST moves it to ``status``."""

    def check(w) -> None:
        entry = _reg(w).entry
        url = url_for(w)
        before, logs = m.state(entry), _reg_audit()
        for key in m.OUTSIDERS:
            response = m.csrf_post(w.client(key), url, payload)
            assert m.refused(response), (key, url, response.status_code)
            if key in m.STAFF_OUTSIDERS and w.users[key].has_perm(perm):
                assert response.status_code == 404, (key, url, response.status_code)
        assert m.state(entry) == before and _reg_audit() == logs, "an outsider changed it"
        response = m.csrf_post(w.client(control), url, payload)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        assert m.fresh(entry).status == status
    return check


def _registration_entries() -> dict:
    from apps.competitions.models import Entry, TeamMember

    base = _API + "^entries/(?P<pk>[^/.]+)/"
    out = {
        "competitions/": check_teacher_index,
        "competitions/signup/": check_signup,
        "competitions/link/": check_link,
        "competitions/groups/<int:pk>/register/": check_group_register,
        "competitions/entries/<int:pk>/": check_entry_page,
        "competitions/entries/<int:pk>/withdraw/": check_entry_post(
            "/competitions/entries/{pk}/withdraw/", lambda w: {}, control="cy_teacher",
            then=lambda w: m.fresh(_reg(w).entry).status == "withdrawn"),
        "competitions/entries/<int:pk>/invite/": check_entry_post(
            "/competitions/entries/{pk}/invite/",
            lambda w: {"name": _reg(w).spare.name, "id_number": _reg(w).spare.id_number}, control="cy_captain",
            then=lambda w: TeamMember._base_manager.filter(entry=_reg(w).team, member=_reg(w).spare).exists()),
        "competitions/entries/<int:pk>/files/<str:kind>/": check_entry_file,
        "competitions/invitations/": check_invitations,
        "competitions/unit/": check_unit_page,
        "competitions/unit/entries/<int:pk>/decide/": check_entry_post(
            "/competitions/unit/entries/{pk}/decide/", lambda w: {"decision": "approve"}, control="chaoyang",
            then=lambda w: Entry._base_manager.get(pk=_reg(w).entry.pk).status == "approved"),
        _API + "^entries/$": check_entry_api_list("/api/v1/competitions/entries/"),
        _API + "^entries" + _FMT: check_entry_api_list("/api/v1/competitions/entries.json"),
        base + "$": m.check_detail(_entry_api(), obj_for=lambda w: _reg(w).entry),
        base[:-1] + _FMT: m.check_detail(_entry_api(fmt=True), obj_for=lambda w: _reg(w).entry),
        base + "quota/$": m.check_detail(_entry_api("quota")),
        base + "quota" + _FMT: m.check_detail(_entry_api("quota", fmt=True)),
    }
    actions = {
        "approve": ({}, "chaoyang", "competitions.change_entry", "approved"),
        "reject": ({"reason": "材料不全"}, "chaoyang", "competitions.change_entry", "rejected"),
        "withdraw": ({}, "cy_teacher", "competitions.register_entry", "withdrawn"),
    }
    for name, (payload, control, perm, status) in actions.items():
        out[base + name + "/$"] = check_entry_api_post(_entry_api(name), payload, control=control, perm=perm,
                                                       status=status)
        out[base + name + _FMT] = check_entry_api_post(_entry_api(name, fmt=True), payload, control=control,
                                                       perm=perm, status=status)
    return out
# --- end registration ---

# --- judging: judge pages, /api/v1/competitions/score-sheets, publishing ---


def judging_objects(tree, users, member) -> dict:
    """A 京教杯 edition (number 81, one stage, 朝阳's quota-free group 评审测试组) in judging,
    with 朝阳's member's approved entry; ``jd_scorer`` (a judge at 海淀's school: no conflict)
    has submitted a sheet for it; ``jd_cy`` (a judge of 朝阳, assigned to the same group) must
    never see it. Both judges are added to ``users`` to act as control and conflicted judge."""
    from types import SimpleNamespace

    from apps.competitions.enums import EditionStatus
    from apps.competitions.services.judging import judge_assign, sheet_submit
    from apps.competitions.models import PrizeRule
    from tests.competitions.factories import make_edition, make_entry, make_judge

    edition = make_edition(series="jjb", number=81, year=2026, name="朝阳评审测试赛", status=EditionStatus.JUDGING,
                           groups=(("评审测试组", "j-test"),))
    group = edition.groups.get()
    stage = edition.stages.get()
    PrizeRule.objects.create(group=group, level="first", count=1)
    entry = make_entry(group, member, course_title="朝阳评审测试课")
    users["jd_scorer"] = scorer = make_judge("t_jd_scorer", tree.haidian_school)
    users["jd_cy"] = cy_judge = make_judge("t_jd_cy", tree.chaoyang_school)
    for judge in (scorer, cy_judge):
        judge_assign(stage=stage, group=group, judge=judge, actor=users["municipal"])
    scores = {c.pk: c.weight for c in stage.criteria.all()}
    sheet = sheet_submit(judge=scorer, entry=entry, stage=stage, actor=scorer, scores=scores)
    return {"judging": SimpleNamespace(edition=edition, group=group, stage=stage, entry=entry, sheet=sheet)}


MAKERS.append(judging_objects)


def _jd(w):
    return w.objects["judging"]


def _jd_state(w) -> tuple:
    from apps.competitions.models import Award, Score, ScoreSheet, StageResult
    from apps.core.scoping import scopes_disabled

    j = _jd(w)
    with scopes_disabled():
        return (m.state(j.sheet), m.state(j.edition), m.state(j.entry),
                sorted(Score._base_manager.filter(sheet__entry=j.entry).values_list("id", "value")),
                ScoreSheet._base_manager.filter(entry=j.entry).count(), StageResult.objects.filter(stage=j.stage).count(),
                Award.objects.filter(edition=j.edition).count())


def _jd_outsiders(w):
    """Every outsider of the matrix, plus 朝阳's own judge (assigned, but in conflict)."""
    return [(key, w.client(key)) for key in (*m.OUTSIDERS, "jd_cy")]


def check_judge_home(w) -> None:
    """The control judge's assignment list names the group with 1 of 1 submitted; no outsider
    (朝阳's conflicted judge included) sees 朝阳's entry or its progress."""
    j = _jd(w)
    control = w.client("jd_scorer").get("/competitions/judge/").content.decode()
    assert j.edition.name in control and "已提交 1 / 1" in control, "control must see its assignment"
    for key, client in _jd_outsiders(w):
        response = client.get("/competitions/judge/")
        assert response.status_code in (200, 404) or m.refused(response), key
        body = response.content.decode()
        assert j.entry.code not in body and "已提交 1 / 1" not in body, key
    assert "已提交 0 / 0" in w.client("jd_cy").get("/competitions/judge/").content.decode()


def check_judge_page(url_for) -> Callable:
    """A judge page of 朝阳's entry: the control judge opens it; every outsider gets a 404 (a
    log-in or 403 at most) and 朝阳's own judge never sees the entry (404, or the group page
    without it); POSTs by them change nothing."""

    def check(w) -> None:
        j = _jd(w)
        url = url_for(w)
        control = w.client("jd_scorer").get(url)
        assert control.status_code == 200 and j.entry.code in control.content.decode(), "control must open it"
        before = _jd_state(w)
        for key, client in _jd_outsiders(w):
            response = client.get(url)
            body = response.content.decode()
            if key == "jd_cy" and "/groups/" in url:
                assert response.status_code == 200 and j.entry.code not in body and j.entry.member.name not in body
            else:
                assert response.status_code == 404 or m.refused(response), (key, url, response.status_code)
                if key in m.STAFF_OUTSIDERS or key == "jd_cy":
                    assert response.status_code == 404, (key, url, response.status_code)
            client.get("/")
            token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
            payload = {"csrfmiddlewaretoken": token, "action": "submit",
                       **{f"c{c.pk}": "0" for c in j.stage.criteria.all()}}
            posted = client.post(url, payload)
            assert posted.status_code in (404, 405) or m.refused(posted), (key, url, posted.status_code)
        assert _jd_state(w) == before, "an outsider changed a sheet"
    return check


def _ids(response) -> list[int]:
    data = response.json()
    rows = data["results"] if isinstance(data, dict) and "results" in data else data
    return [r["id"] for r in rows]


def check_sheet_list(url: str) -> Callable:
    """The sheet list: the control judge and the municipal admin list the sheet; outsiders are
    refused or list nothing of it; 朝阳's judge lists nothing; creating a sheet for 朝阳's
    entry is refused to all of them."""

    def check(w) -> None:
        j = _jd(w)
        for control in ("jd_scorer", "municipal"):
            assert j.sheet.pk in _ids(w.client(control).get(url)), f"{control} must list it"
        before = _jd_state(w)
        for key, client in _jd_outsiders(w):
            response = client.get(url)
            if response.status_code == 200:
                assert j.sheet.pk not in _ids(response), key
            else:
                assert m.refused(response), (key, response.status_code)
            created = m.csrf_post(client, url, {"entry": j.entry.pk, "stage": j.stage.pk, "scores": []})
            assert m.refused(created), (key, created.status_code)
            if key == "jd_cy":
                assert created.status_code == 404
        assert _jd_state(w) == before
    return check


def check_sheet_detail(url_for) -> Callable:
    def check(w) -> None:
        j = _jd(w)
        url = url_for(w)
        for control in ("jd_scorer", "municipal"):
            response = w.client(control).get(url)
            assert response.status_code == 200 and j.entry.code in response.content.decode(), control
        before = _jd_state(w)
        for key, client in _jd_outsiders(w):
            response = client.get(url)
            assert m.refused(response), (key, url, response.status_code)
            if key in ("judge", "jd_cy"):
                assert response.status_code == 404, (key, response.status_code)
            client.get("/")
            token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
            patched = client.patch(url, data='{"scores": []}', content_type="application/json",
                                   HTTP_X_CSRFTOKEN=token)
            assert m.refused(patched), (key, patched.status_code)
        assert _jd_state(w) == before
    return check


def check_sheet_submit(url_for) -> Callable:
    def check(w) -> None:
        url = url_for(w)
        before = _jd_state(w)
        for key, client in _jd_outsiders(w):
            response = m.csrf_post(client, url, {})
            assert m.refused(response), (key, url, response.status_code)
            if key in ("judge", "jd_cy"):
                assert response.status_code == 404, (key, response.status_code)
        assert _jd_state(w) == before
        control = m.csrf_post(w.client("jd_scorer"), url, {})  # already submitted: an idempotent 200
        assert control.status_code == 200, control.content[:300]
        assert _jd_state(w) == before
    return check


def check_judge_entries(url: str) -> Callable:
    def check(w) -> None:
        j = _jd(w)
        assert j.entry.pk in _ids(w.client("jd_scorer").get(url)), "control must list the entry"
        for key, client in _jd_outsiders(w):
            response = client.get(url)
            if response.status_code == 200:
                assert j.entry.pk not in _ids(response) and j.entry.code not in response.content.decode(), key
            else:
                assert m.refused(response), (key, response.status_code)
    return check


def check_results_action(suffix: str, *, method: str = "post", ok=(200,), marker: str = "") -> Callable:
    """The edition's results actions are the municipal admin's: every outsider (and 朝阳's
    judge) is refused with nothing written; the municipal admin's same request gets through
    (``ok``; advancing a one-stage edition reaches the service and is refused by it)."""

    def check(w) -> None:
        j = _jd(w)
        url = f"/api/v1/competitions/results/{j.edition.pk}/{suffix}"
        payload = {"stage": j.stage.pk}
        before = _jd_state(w)
        for key, client in _jd_outsiders(w):
            response = client.get(url) if method == "get" else m.csrf_post(client, url, payload)
            assert m.refused(response), (key, url, response.status_code)
            assert j.entry.code not in response.content.decode(), key
        assert _jd_state(w) == before, "an outsider changed the results"
        municipal = w.client("municipal")
        control = municipal.get(url) if method == "get" else m.csrf_post(municipal, url, payload)
        assert control.status_code in ok, (url, control.status_code, control.content[:300])
        if marker:
            assert marker in control.content.decode(), (url, control.content[:300])
    return check


def _judging_entries() -> dict:
    api = "api/v1/competitions/"
    fmt = r"\.(?P<format>[a-z0-9]+)/?$"
    sheets = "/api/v1/competitions/score-sheets/"
    sheet = lambda suffix="": lambda w: f"{sheets}{_jd(w).sheet.pk}/{suffix}"  # noqa: E731
    out = {
        "competitions/judge/": check_judge_home,
        "competitions/judge/stages/<int:stage_id>/groups/<int:group_id>/": check_judge_page(
            lambda w: f"/competitions/judge/stages/{_jd(w).stage.pk}/groups/{_jd(w).group.pk}/"),
        "competitions/judge/sheets/<int:entry_id>/<int:stage_id>/": check_judge_page(
            lambda w: f"/competitions/judge/sheets/{_jd(w).entry.pk}/{_jd(w).stage.pk}/"),
        api + "^score-sheets/$": check_sheet_list(sheets),
        api + "^score-sheets" + fmt: check_sheet_list("/api/v1/competitions/score-sheets.json"),
        api + "^score-sheets/(?P<pk>[^/.]+)/$": check_sheet_detail(sheet()),
        api + "^score-sheets/(?P<pk>[^/.]+)" + fmt: check_sheet_detail(
            lambda w: f"{sheets}{_jd(w).sheet.pk}.json"),
        api + "^score-sheets/(?P<pk>[^/.]+)/submit/$": check_sheet_submit(sheet("submit/")),
        api + "^score-sheets/(?P<pk>[^/.]+)/submit" + fmt: check_sheet_submit(sheet("submit.json")),
        api + "^score-sheets/entries/$": check_judge_entries(sheets + "entries/"),
        api + "^score-sheets/entries" + fmt: check_judge_entries("/api/v1/competitions/score-sheets/entries.json"),
    }
    actions = {
        "preview": dict(method="get", marker='"ranked":1'),
        "aggregate": dict(marker='"rank":1'),
        "advance": dict(ok=(400,), marker="最后一轮不设晋级"),
        "publish": dict(marker='"status":"published"'),
    }
    for name, kw in actions.items():
        out[api + f"^results/(?P<pk>[^/.]+)/{name}/$"] = check_results_action(f"{name}/", **kw)
        out[api + f"^results/(?P<pk>[^/.]+)/{name}" + fmt] = check_results_action(f"{name}.json", **kw)
    return out
# --- end judging ---

# --- results: certificates, verification page, yearbook, bonuses, /api/v1/competitions/awards ---


# The foreign award, certificate and talent-pool row (朝阳's) come from structure_objects above.


def _res(w, name: str):
    from apps.competitions import models

    return w.objects[getattr(models, name)]


def _owner_teacher(w):
    """A teacher account linked to the certificate's member (朝阳's): the control of "my
    certificates" (the existing account when another region already made one)."""
    from apps.competitions.models import TeacherAccount
    from tests.competitions.factories import make_teacher

    member = _res(w, "Certificate").member
    account = TeacherAccount._base_manager.filter(member=member).select_related("user").first()
    return account.user if account else make_teacher(member, "t_cy_cert_teacher")


def check_my_certificates(w) -> None:
    from tests.conftest import login

    code = _res(w, "Certificate").code
    owner = login(_owner_teacher(w)).get("/competitions/my-certificates/")
    assert owner.status_code == 200 and code in owner.content.decode(), "control must list it"
    for key in m.OUTSIDERS + ("municipal", "chaoyang"):
        response = w.client(key).get("/competitions/my-certificates/")
        assert response.status_code == 200 or m.refused(response), key
        assert code not in response.content.decode(), key


def check_verify(w) -> None:
    """Public by nature: anyone (and anonymous) sees name, edition, group, award and unit of a
    known code — never the ID number or phone; an unknown code is a 404."""
    from django.core.cache import cache
    from django.test import Client

    cache.clear()
    cert = _res(w, "Certificate")
    member = cert.member
    for client in [w.client(key) for key in m.OUTSIDERS] + [Client()]:
        response = client.get(f"/competitions/verify/{cert.code}/")
        body = response.content.decode()
        assert response.status_code == 200 and cert.holder_name in body and cert.award.name in body
        for secret in (member.id_number, member.id_number_masked, member.phone, member.phone_masked):
            assert not secret or secret not in body
        assert client.get("/competitions/verify/ZZZZZZZZZZZZ/").status_code == 404
    cache.clear()


def check_certificate_owner_teacher(w) -> None:
    from tests.conftest import login

    url = f"/competitions/certificates/{_res(w, 'Certificate').code}/pdf/"
    m.check_detail(lambda w: url)(w)
    response = login(_owner_teacher(w)).get(url)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def check_talent_export(w) -> None:
    url = "/competitions/talent-pool/export/"
    name = _res(w, "TalentPoolEntry").member.name
    assert name in m._xlsx_text(w.client("municipal").get(url)), "control must export it"
    assert name in m._xlsx_text(w.client("chaoyang").get(url)), "the owner must export it"
    for key in m.OUTSIDERS:
        response = w.client(key).get(url)
        assert response.status_code == 200 or m.refused(response), (key, response.status_code)
        assert name not in m._xlsx_text(response), key
        if key in ("teacher", "judge"):
            assert m.refused(response), key


def check_municipal_get(url_for: Callable, marker: Callable | None = None) -> Callable:
    """City-wide (yearbook, bonuses): the municipal admin only; everyone else is refused."""

    def check(w) -> None:
        url = url_for(w)
        control = w.client("municipal").get(url)
        assert control.status_code == 200, (url, control.status_code, control.content[:200])
        if marker:
            assert marker(w) in control.content.decode()
        for key in m.OUTSIDERS + ("chaoyang",):
            assert m.refused(w.client(key).get(url)), (key, url)
    return check


def check_bonus_generate(url_for: Callable) -> Callable:
    """Outsiders are refused and no batch appears; the municipal control reaches the service
    (the foreign edition is not published: a clear 400, still no batch)."""

    def check(w) -> None:
        from apps.competitions.services.bonuses import NOT_PUBLISHED
        from apps.payments.models import PaymentBatch

        url = url_for(w)
        before = PaymentBatch._base_manager.count()
        for key in m.OUTSIDERS + ("chaoyang",):
            assert m.refused(m.csrf_post(w.client(key), url, {})), (key, url)
        control = m.csrf_post(w.client("municipal"), url, {})
        assert control.status_code == 400 and NOT_PUBLISHED in control.content.decode(), control.content[:200]
        assert PaymentBatch._base_manager.count() == before
    return check


def _results_entries() -> dict:
    award = lambda w: _res(w, "Award")  # noqa: E731
    marker = lambda w: f'"id":{award(w).pk},'  # noqa: E731
    bonus = lambda suffix: lambda w: f"/api/v1/competitions/bonuses/{_res(w, 'Edition').pk}/{suffix}"  # noqa: E731
    base = "api/v1/competitions/^awards"
    return {
        "competitions/certificates/<str:code>/pdf/": check_certificate_owner_teacher,
        "competitions/my-certificates/": check_my_certificates,
        "competitions/verify/": m.check_public("/competitions/verify/", ok=(200,)),
        "competitions/verify/<str:code>/": check_verify,
        "competitions/talent-pool/export/": check_talent_export,
        "competitions/yearbook.xlsx": check_municipal_get(lambda w: "/competitions/yearbook.xlsx"),
        base + "/$": m.check_org_list(None, "/api/v1/competitions/awards/", marker),
        base + _FMT: m.check_org_list(None, "/api/v1/competitions/awards.json", marker),
        base + "/(?P<pk>[^/.]+)/$": m.check_detail(lambda w: f"/api/v1/competitions/awards/{award(w).pk}/",
                                                   patch={"name": "改名"}, obj_for=award),
        base + "/(?P<pk>[^/.]+)" + _FMT: m.check_detail(
            lambda w: f"/api/v1/competitions/awards/{award(w).pk}.json", patch={"name": "改名"}, obj_for=award),
        base + "/yearbook/$": check_municipal_get(lambda w: "/api/v1/competitions/awards/yearbook/"),
        base + "/yearbook" + _FMT: check_municipal_get(lambda w: "/api/v1/competitions/awards/yearbook.xlsx"),
        _API + "^bonuses/(?P<pk>[^/.]+)/preview/$": check_municipal_get(bonus("preview/")),
        _API + "^bonuses/(?P<pk>[^/.]+)/preview" + _FMT: check_municipal_get(bonus("preview.json")),
        _API + "^bonuses/(?P<pk>[^/.]+)/generate/$": check_bonus_generate(bonus("generate/")),
        _API + "^bonuses/(?P<pk>[^/.]+)/generate" + _FMT: check_bonus_generate(bonus("generate.json")),
    }
# --- end results ---


def entries() -> dict:
    out: dict = {}
    for part in (_structure_entries, _registration_entries, _judging_entries, _results_entries):
        out.update(part())
    return out
