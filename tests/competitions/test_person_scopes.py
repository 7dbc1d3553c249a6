"""Teachers and judges act in their person scopes (apps/core/scoping.py): through every URL a
teacher meets only their own entries, team invitations and certificates, a judge only their
assignments' entries minus conflicts and their own sheets — anything else is a 404, like a
missing object. The models themselves answer so (fail closed), not only the views."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.competitions.enums import EditionStatus, EntryStatus, InvitationStatus
from apps.competitions.services.judging import conflict_declare, judge_assign
from apps.competitions.models import (
    Award, Certificate, ConflictDeclaration, Entry, JudgeAssignment, Score, ScoreSheet, TalentPoolEntry,
    TeacherAccount, TeamMember,
)
from apps.competitions.services.registration import entry_approve
from apps.core.scoping import ScopeError, scope, scopes_disabled
from apps.members.models import Member
from tests.competitions.factories import make_edition, make_entry, make_judge, make_teacher
from tests.competitions.results_factories import certificate_of, make_award, make_talent, published_edition
from tests.competitions.test_judging_support import blind_jw, jw, submit  # noqa: F401
from tests.conftest import login
from tests.factories.members import make_member

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def codes(qs) -> set[str]:
    return set(qs.values_list("code", flat=True))


# --- teachers ---------------------------------------------------------------------------------


@pytest.fixture
def two_teachers(tree):
    """Two teachers of the same union (清华), each with an entry and a certificate, and a team
    entry of a third colleague that the first was invited to."""
    edition = make_edition(groups=(("理科", "science"),))
    group = edition.groups.get()
    zhang, li, wang = (make_member(tree.tsinghua, name=n) for n in ("张老师", "李老师", "王老师"))
    t_zhang, t_li = make_teacher(zhang, "t_zhang"), make_teacher(li, "t_li")
    mine = make_entry(group, zhang, status=EntryStatus.SUBMITTED)
    theirs = make_entry(group, li, status=EntryStatus.SUBMITTED)
    with scopes_disabled():
        theirs.lesson_plan.save("plan.pdf", SimpleUploadedFile("plan.pdf", PDF), save=True)
    done = published_edition(number=13, year=2024)
    done_group = done.groups.get()
    my_award = make_award(entry=make_entry(done_group, zhang))
    their_award = make_award(entry=make_entry(done_group, li))
    make_talent(their_award)
    return {"zhang": t_zhang, "li": t_li, "mine": mine, "theirs": theirs, "zhang_member": zhang,
            "li_member": li, "wang": wang, "my_cert": certificate_of(my_award),
            "their_cert": certificate_of(their_award), "group": group}


def test_a_teacher_sees_only_their_own_records_in_their_scope(two_teachers):
    w = two_teachers
    with scope(person="teacher", user_id=w["zhang"].pk):
        assert set(Entry.objects.values_list("pk", flat=True)) >= {w["mine"].pk}
        assert w["theirs"].pk not in set(Entry.objects.values_list("pk", flat=True))
        assert set(Member.objects.values_list("pk", flat=True)) == {w["zhang_member"].pk}
        assert set(TeacherAccount.objects.values_list("user_id", flat=True)) == {w["zhang"].pk}
        assert codes(Certificate.objects.all()) == {w["my_cert"].code}
        assert not TalentPoolEntry.objects.exists()
        assert all(a.entry.member_id == w["zhang_member"].pk for a in Award.objects.all())
        assert not ScoreSheet.objects.exists() and not JudgeAssignment.objects.exists()
    with scopes_disabled():  # the control: the records exist
        assert Entry.objects.filter(pk=w["theirs"].pk).exists() and TalentPoolEntry.objects.exists()


def test_a_teacher_gets_404_for_another_teachers_entry_on_every_url(two_teachers):
    w = two_teachers
    client = login(w["zhang"])
    client.get("/competitions/")
    token = client.cookies["csrftoken"].value
    theirs = w["theirs"].pk
    assert client.get(f"/competitions/entries/{w['mine'].pk}/").status_code == 200  # the control
    assert client.get(f"/competitions/entries/{theirs}/").status_code == 404
    assert client.post(f"/competitions/entries/{theirs}/", {"csrfmiddlewaretoken": token}).status_code == 404
    for action in ("withdraw", "invite"):
        assert client.post(f"/competitions/entries/{theirs}/{action}/",
                           {"csrfmiddlewaretoken": token}).status_code == 404
    assert client.get(f"/competitions/entries/{theirs}/files/lesson_plan/").status_code == 404
    api = login(w["zhang"])
    assert api.get(f"/api/v1/competitions/entries/{theirs}/").status_code == 404
    listed = {row["id"] for row in api.get("/api/v1/competitions/entries/").json()["results"]}
    assert w["mine"].pk in listed and theirs not in listed
    assert w["li_member"].name not in api.get("/api/v1/competitions/entries/").content.decode()
    with scopes_disabled():
        assert Entry.objects.get(pk=theirs).status == EntryStatus.SUBMITTED  # nothing changed


def test_a_teacher_gets_404_for_another_teachers_certificate(two_teachers):
    w = two_teachers
    client = login(w["zhang"])
    assert client.get(f"/competitions/certificates/{w['my_cert'].code}/pdf/").status_code == 200
    assert client.get(f"/competitions/certificates/{w['their_cert'].code}/pdf/").status_code == 404
    page = client.get("/competitions/my-certificates/").content.decode()
    assert w["my_cert"].code in page and w["their_cert"].code not in page


def test_a_teacher_has_no_score_sheets_through_the_api(jw, tree):  # noqa: F811
    submit(jw.judge_pku, jw.thu_entry, jw.stage, 18, 70, 5)
    teacher = make_teacher(jw.thu_entry.member, "t_thu_teacher")  # the entry's own teacher
    api = login(teacher)
    assert api.get("/api/v1/competitions/score-sheets/").status_code in (403, 404)
    with scopes_disabled():
        pk = ScoreSheet.objects.get().pk
    assert api.get(f"/api/v1/competitions/score-sheets/{pk}/").status_code in (403, 404)
    with scope(person="teacher", user_id=teacher.pk):  # not even their own entry's sheets
        assert not ScoreSheet.objects.exists() and not Score.objects.exists()


def test_a_team_invitation_opens_that_team_only(two_teachers):
    w = two_teachers
    with scopes_disabled():
        team_entry = make_entry(w["group"], w["wang"], status=EntryStatus.SUBMITTED)
        TeamMember.objects.create(entry=team_entry, member=w["zhang_member"], status=InvitationStatus.INVITED)
    with scope(person="teacher", user_id=w["zhang"].pk):
        assert team_entry.pk in set(Entry.objects.values_list("pk", flat=True))
        assert set(TeamMember.objects.values_list("entry_id", flat=True)) == {team_entry.pk}
    with scope(person="teacher", user_id=w["li"].pk):
        assert team_entry.pk not in set(Entry.objects.values_list("pk", flat=True))
        assert not TeamMember.objects.exists()
    assert login(w["zhang"]).get(f"/competitions/entries/{team_entry.pk}/").status_code == 200
    assert login(w["li"]).get(f"/competitions/entries/{team_entry.pk}/").status_code == 404


# --- judges -----------------------------------------------------------------------------------


def judge_scope(judge):
    return scope(person="judge", user_id=judge.pk)


def test_a_judge_sees_their_assignments_entries_minus_conflicts(jw, tree, users):  # noqa: F811
    with judge_scope(jw.judge_pku):
        assert set(Entry.objects.values_list("pk", flat=True)) == {
            jw.thu_entry.pk, jw.thu_branch_entry.pk, jw.cy_entry.pk}
        assert set(JudgeAssignment.objects.values_list("judge_id", flat=True)) == {jw.judge_pku.pk}
    conflict_declare(judge=jw.judge_pku, organization=tree.chaoyang, actor=users["municipal"])
    with judge_scope(jw.judge_pku):
        assert jw.cy_entry.pk not in set(Entry.objects.values_list("pk", flat=True))
        assert set(ConflictDeclaration.objects.values_list("judge_id", flat=True)) == {jw.judge_pku.pk}
    with judge_scope(jw.judge_thu):  # 清华's judge never sees 清华, subtree included
        assert set(Entry.objects.values_list("pk", flat=True)) == {jw.pku_entry.pk, jw.cy_entry.pk}
        assert not ConflictDeclaration.objects.exists()


def test_a_judge_gets_404_for_unassigned_and_conflicted_entries(jw, tree, users):  # noqa: F811
    other_group = make_edition(number=15, year=2026, status=EditionStatus.JUDGING).groups.get()
    unassigned = make_entry(other_group, make_member(tree.chaoyang, name="朝阳戊"))
    conflict_declare(judge=jw.judge_pku, organization=tree.chaoyang, actor=users["municipal"])
    client = login(jw.judge_pku)
    ok = client.get(f"/competitions/judge/sheets/{jw.thu_entry.pk}/{jw.stage.pk}/")
    assert ok.status_code == 200  # the control
    for entry, stage in ((jw.cy_entry, jw.stage), (jw.pku_entry, jw.stage),
                         (unassigned, other_group.edition.stages.get())):
        assert client.get(f"/competitions/judge/sheets/{entry.pk}/{stage.pk}/").status_code == 404
        assert client.get(f"/api/v1/competitions/entries/{entry.pk}/").status_code == 404
        assert client.get(f"/competitions/entries/{entry.pk}/files/lesson_plan/").status_code == 404
    body = client.get(f"/competitions/judge/stages/{jw.stage.pk}/groups/{jw.group.pk}/").content.decode()
    assert jw.cy_entry.code not in body and jw.thu_entry.code in body
    listed = {row["id"] for row in client.get("/api/v1/competitions/score-sheets/entries/").json()}
    assert listed == {jw.thu_entry.pk, jw.thu_branch_entry.pk}


def test_a_judge_never_sees_another_judges_sheet(jw):  # noqa: F811
    mine = submit(jw.judge_pku, jw.thu_entry, jw.stage, 18, 70, 5)
    theirs = submit(jw.judge_thu, jw.cy_entry, jw.stage, 10, 60, 5)
    with judge_scope(jw.judge_pku):
        assert set(ScoreSheet.objects.values_list("pk", flat=True)) == {mine.pk}
        assert set(Score.objects.values_list("sheet_id", flat=True)) == {mine.pk}
    client = login(jw.judge_pku)
    assert client.get(f"/api/v1/competitions/score-sheets/{mine.pk}/").status_code == 200
    assert client.get(f"/api/v1/competitions/score-sheets/{theirs.pk}/").status_code == 404
    listed = {row["id"] for row in client.get("/api/v1/competitions/score-sheets/").json()["results"]}
    assert listed == {mine.pk}
    # the same entry judged by both: 北大's judge sees only their own sheet of it
    other_on_mine = submit(jw.judge_thu, jw.pku_entry, jw.stage, 10, 60, 5)
    assert client.get(f"/api/v1/competitions/score-sheets/{other_on_mine.pk}/").status_code == 404


def test_a_judge_sees_no_unit_records(jw):  # noqa: F811
    with judge_scope(jw.judge_pku):
        assert not Member.objects.exists()
        assert not TeacherAccount.objects.exists() and not Certificate.objects.exists()


# --- fail closed ---------------------------------------------------------------------------------


@pytest.mark.parametrize("model", [TeacherAccount, JudgeAssignment, ConflictDeclaration, ScoreSheet, Score],
                         ids=lambda m: m.__name__)
def test_the_newly_scoped_models_raise_outside_a_scope(model, jw):  # noqa: F811
    with pytest.raises(ScopeError):
        list(model.objects.all())
    with scopes_disabled():  # the control
        list(model.objects.all())


def test_a_units_review_is_refused_outside_a_scope(tree):
    edition = make_edition()
    entry = make_entry(edition.groups.get(), make_member(tree.tsinghua, name="赵老师"), status=EntryStatus.SUBMITTED)
    with pytest.raises(PermissionDenied):
        entry_approve(entry=entry, actor=None)
    with scopes_disabled():
        assert Entry.objects.get(pk=entry.pk).status == EntryStatus.SUBMITTED


def test_judge_assignments_are_the_judges_unit(jw, users, tree):  # noqa: F811
    """Staff see judges' assignments by the judge's unit (the municipal admin: all)."""
    with scope(paths=[tree.root.path]):
        assert JudgeAssignment.objects.count() == 2
    with scope(paths=[jw.pku.path]):
        assert set(JudgeAssignment.objects.values_list("judge_id", flat=True)) == {jw.judge_pku.pk}
    judge = make_judge("t_judge_cy", tree.chaoyang)
    judge_assign(stage=jw.stage, group=jw.group, judge=judge, actor=users["municipal"])
    with scope(paths=[tree.haidian.path]):
        assert not JudgeAssignment.objects.exists()
