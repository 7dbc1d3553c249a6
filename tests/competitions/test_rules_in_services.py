"""One writer per status and rules in services (issue 11 §4, competitions): an entry's status
changes only in ``entry_transition``, an edition's only in ``edition_transition`` (publishing
too); the team-size rule holds on every path (admin page, edition inline, API, service); judge
assignments and declared conflicts edited in the admin go through audited services."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.competitions.enums import EditionStatus, EntryStatus
from apps.competitions.models import ConflictDeclaration, Edition, Entry, Group, JudgeAssignment
from apps.competitions.services import structure
from apps.competitions.services.entry_status import entry_transition
from apps.competitions.services.registration import entry_approve, entry_register, entry_withdraw
from apps.core.models import AuditLog
from apps.core.scoping import scope, scopes_disabled
from tests.competitions.factories import make_edition, make_judge, make_quota, make_teacher
from tests.competitions.test_admin import post, world  # noqa: F401  (the admin's fixture world)
from tests.conftest import login
from tests.factories.members import make_member

pytestmark = pytest.mark.django_db

APP = Path(__file__).resolve().parents[2] / "apps" / "competitions"
# (file, function) allowed to assign a ``status``: each status field's one transition function
STATUS_WRITERS = {
    ("services/entry_status.py", "entry_transition"),  # Entry.status
    ("services/structure.py", "edition_save"),  # a NEW edition's initial 筹备中 (creation, not a move)
    ("services/structure.py", "edition_transition"),  # Edition.status
    ("services/judging.py", "sheet_submit"),  # ScoreSheet.status: draft → submitted, locked, audited
    ("services/teams.py", "invitation_transition"),  # TeamMember.status: invited ⇄ declined, → accepted
}


def audits(prefix: str) -> list[str]:
    return list(AuditLog._base_manager.filter(action__startswith=prefix).order_by("id")
                .values_list("action", flat=True))


def _status_writes(path: Path) -> list[tuple[str, int]]:
    """(function, line) of every ``x.status = …`` (also in a tuple), ``update(status=…)`` and
    ``setattr(x, "status", …)`` in the file."""
    found = []

    class Visitor(ast.NodeVisitor):
        def __init__(self):
            self.stack = ["<module>"]

        def visit_FunctionDef(self, node):
            self.stack.append(node.name)
            self.generic_visit(node)
            self.stack.pop()

        visit_AsyncFunctionDef = visit_FunctionDef

        def _targets(self, target):
            if isinstance(target, (ast.Tuple, ast.List)):
                for t in target.elts:
                    yield from self._targets(t)
            else:
                yield target

        def visit_Assign(self, node):
            for target in node.targets:
                for t in self._targets(target):
                    if isinstance(t, ast.Attribute) and t.attr == "status":
                        found.append((self.stack[-1], node.lineno))
            self.generic_visit(node)

        def visit_Call(self, node):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name in ("update", "bulk_update") and any(k.arg == "status" for k in node.keywords):
                found.append((self.stack[-1], node.lineno))
            if name == "setattr" and len(node.args) >= 2 and getattr(node.args[1], "value", None) == "status":
                found.append((self.stack[-1], node.lineno))
            self.generic_visit(node)

    Visitor().visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


def test_statuses_are_written_only_by_their_transition_functions():
    writes = {(str(path.relative_to(APP)), function, line)
              for path in APP.rglob("*.py") if "migrations" not in path.parts and path.name != "demo.py"
              for function, line in _status_writes(path)}
    assert writes, "the check finds nothing: it is broken"
    stray = sorted(w for w in writes if (w[0], w[1]) not in STATUS_WRITERS)
    assert not stray, f"status written outside its transition function: {stray}"


def test_the_status_check_catches_a_stray_writer(tmp_path):
    stray = tmp_path / "stray.py"
    stray.write_text("def approve(entry):\n    entry.status = 'approved'\n    Entry.objects.update(status='x')\n"
                     "    a.status, b = 1, 2\n")
    assert [f for f, _ in _status_writes(stray)] == ["approve"] * 3


# --- entries ----------------------------------------------------------------------------------


@pytest.fixture
def open_entry(tree, users):
    edition = make_edition(requires_lesson_plan=False, requires_teaching_design=False, requires_video=False)
    group = edition.groups.get()
    make_quota(group, tree.tsinghua, 2)
    member = make_member(tree.tsinghua, name="清华甲")
    teacher = make_teacher(member)
    entry, _ = entry_register(user=teacher, group=group, course_title="微积分")
    return entry, teacher


def test_entry_moves_follow_the_table_and_a_repeat_changes_nothing(open_entry, users, tree):
    entry, teacher = open_entry
    with scope(paths=[tree.tsinghua.path]):  # the unit's review runs in its scope (fails closed outside)
        entry_approve(entry=entry, actor=users["tsinghua"])
        entry_approve(entry=entry, actor=users["tsinghua"])  # a double click: once
    assert audits("entry.approve") == ["entry.approve"]
    with pytest.raises(ValidationError) as err:
        entry_transition(entry=entry, to=EntryStatus.SUBMITTED, actor=users["tsinghua"])
    assert "不能改为" in err.value.messages[0]
    entry_withdraw(entry=entry, user=teacher)
    with scope(paths=[tree.tsinghua.path]), pytest.raises(ValidationError) as err:
        entry_approve(entry=entry, actor=users["tsinghua"])
    assert err.value.messages == ["已撤回的报名不能审核。"]
    with scopes_disabled():
        assert Entry.objects.get(pk=entry.pk).status == EntryStatus.WITHDRAWN


def test_registering_again_reactivates_through_the_transition(open_entry):
    entry, teacher = open_entry
    entry_withdraw(entry=entry, user=teacher)
    again, created = entry_register(user=teacher, group=entry.group, course_title="线性代数")
    assert created and again.pk == entry.pk and again.status == EntryStatus.SUBMITTED
    assert again.course_title == "线性代数" and again.decided_by is None
    assert audits("entry.") == ["entry.register", "entry.withdraw", "entry.reactivate", "entry.register"]


# --- editions ---------------------------------------------------------------------------------


def test_publishing_only_through_the_publish_service(users):
    edition = make_edition(status=EditionStatus.JUDGING)
    with pytest.raises(ValidationError) as err:
        structure.edition_transition(edition=edition, to=EditionStatus.PUBLISHED, actor=users["municipal"])
    assert "发布结果" in err.value.messages[0]
    assert Edition.objects.get(pk=edition.pk).status == EditionStatus.JUDGING


def test_an_edit_never_writes_the_status(users):
    edition = make_edition(status=EditionStatus.OPEN)
    stale = Edition.objects.get(pk=edition.pk)
    stale.status = EditionStatus.PUBLISHED  # a stale or forged value in memory
    stale.name = "改名后的比赛"
    saved = structure.edition_save(edition=stale, actor=users["municipal"])
    assert saved.status == EditionStatus.OPEN
    assert Edition.objects.get(pk=edition.pk).status == EditionStatus.OPEN
    assert Edition.objects.get(pk=edition.pk).name == "改名后的比赛"


# --- the team size rule -----------------------------------------------------------------------

TEAM_TOO_SMALL = "团队参赛的人数应不少于 2 人。"


def _group_data(group) -> dict:
    return {"name": group.name, "code": group.code, "track": "teaching", "entry_kind": "team", "team_size": 1,
            "capacity": "", "order": 0,
            "quotas-TOTAL_FORMS": 0, "quotas-INITIAL_FORMS": 0, "quotas-MIN_NUM_FORMS": 0,
            "quotas-MAX_NUM_FORMS": 1000,
            "prize_rules-TOTAL_FORMS": 0, "prize_rules-INITIAL_FORMS": 0, "prize_rules-MIN_NUM_FORMS": 0,
            "prize_rules-MAX_NUM_FORMS": 1000}


def test_the_admin_refuses_a_team_of_one_beside_the_field(users):
    group = make_edition().groups.get()
    client = login(users["municipal"])
    page = post(client, reverse("admin:competitions_group_change", args=[group.pk]), _group_data(group))
    assert page.status_code == 200
    assert TEAM_TOO_SMALL in str(page.context["adminform"].form.errors["team_size"])
    ok = post(client, reverse("admin:competitions_group_change", args=[group.pk]), {**_group_data(group),
                                                                                    "team_size": 3})
    assert ok.status_code == 302
    assert Group.objects.get(pk=group.pk).team_size == 3


def test_the_edition_inline_refuses_a_team_of_one(users):
    edition = make_edition()
    group = edition.groups.get()
    response = login(users["municipal"]).get(reverse("admin:competitions_edition_change", args=[edition.pk]))
    inline = next(f for f in response.context["inline_admin_formsets"] if f.formset.model is Group)
    form = inline.formset.form(instance=group, data={"name": group.name, "code": group.code, "track": "teaching",
                                                     "entry_kind": "team", "team_size": 1, "order": 0})
    assert not form.is_valid() and form.errors["team_size"] == [TEAM_TOO_SMALL]


def test_the_api_and_the_service_refuse_a_team_of_one(users):
    group = make_edition().groups.get()
    client = login(users["municipal"])
    client.get("/")
    response = client.patch(f"/api/v1/competitions/groups/{group.pk}/",
                            data=json.dumps({"entry_kind": "team", "team_size": 1}), content_type="application/json",
                            HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value)
    assert response.status_code == 400 and response.json()["team_size"] == [TEAM_TOO_SMALL]
    group.entry_kind, group.team_size = "team", 1
    with pytest.raises(ValidationError) as err:
        structure.structure_save(obj=group, actor=users["municipal"])
    assert err.value.message_dict == {"team_size": [TEAM_TOO_SMALL]}
    assert Group.objects.get(pk=group.pk).entry_kind == "individual"


# --- judges in the admin ----------------------------------------------------------------------


def test_unassigning_a_judge_in_the_admin_goes_through_the_service(world, users, tree):
    from apps.competitions.services.judging import judge_assign

    stage, group = world[JudgeAssignment].stage, world[JudgeAssignment].group  # (that one has a sheet: kept)
    assignment = judge_assign(stage=stage, group=group, judge=make_judge("t_rules_unassign", tree.haidian),
                              actor=users["municipal"])
    client = login(users["municipal"])
    response = post(client, reverse("admin:competitions_judgeassignment_delete", args=[assignment.pk]),
                    {"post": "yes"})
    assert response.status_code == 302
    assert not JudgeAssignment._base_manager.filter(pk=assignment.pk).exists()
    log = AuditLog._base_manager.get(action="judge.unassign")
    assert log.data["judge"] == assignment.judge.username


def test_conflict_edits_in_the_admin_go_through_the_service(world, users, tree):
    conflict = world[ConflictDeclaration]
    client = login(users["municipal"])
    change = reverse("admin:competitions_conflictdeclaration_change", args=[conflict.pk])
    response = post(client, change, {"judge": conflict.judge.pk, "organization": tree.chaoyang_school.pk,
                                     "reason": "亲属在该校"})
    assert response.status_code == 302, response.content.decode()[:2000]
    with scopes_disabled():
        assert ConflictDeclaration._base_manager.get(pk=conflict.pk).reason == "亲属在该校"
    log = AuditLog._base_manager.get(action="judge.conflict_update")
    assert log.data["before"]["reason"] == "曾任职"
    not_a_judge = post(client, change, {"judge": users["haidian"].pk, "organization": tree.chaoyang_school.pk,
                                        "reason": "x"})
    assert not_a_judge.status_code == 200 and "judge" in not_a_judge.context["adminform"].form.errors
    delete = post(client, reverse("admin:competitions_conflictdeclaration_delete", args=[conflict.pk]),
                  {"post": "yes"})
    assert delete.status_code == 302
    with scopes_disabled():
        assert not ConflictDeclaration._base_manager.filter(pk=conflict.pk).exists()
    assert audits("judge.conflict") == ["judge.conflict_update", "judge.conflict_delete"]


def test_a_conflict_cannot_name_a_user_without_a_judge_role(users, tree):
    from apps.competitions.services.judging import conflict_declare

    with pytest.raises(ValidationError):
        conflict_declare(judge=users["haidian"], organization=tree.chaoyang, actor=users["municipal"])
    judge = make_judge("t_rules_judge", tree.haidian)
    conflict_declare(judge=judge, organization=tree.chaoyang, actor=users["municipal"])
    assert audits("judge.conflict") == ["judge.conflict_declare"]

