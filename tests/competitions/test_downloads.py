"""An entry's documents: served only through the permission-checked view, as attachments
under their original names; everyone else (other units, conflicted judges) gets a 404."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.competitions.enums import EntryStatus
from apps.competitions.models import JudgeAssignment
from apps.competitions.services.registration import entry_register
from apps.core.scoping import scopes_disabled
from tests.competitions.factories import make_edition, make_judge, make_teacher
from tests.conftest import login
from tests.factories.members import make_member

pytestmark = pytest.mark.django_db

CONTENT = b"%PDF-1.4 lesson plan of tsinghua"


@pytest.fixture
def entry_and_owner(tree):
    edition = make_edition(requires_lesson_plan=True)
    group = edition.groups.get()
    member = make_member(tree.tsinghua, name="张晓明")
    owner = make_teacher(member)
    entry, _ = entry_register(user=owner, group=group, course_title="题目",
                              lesson_plan=SimpleUploadedFile("张晓明的教案.pdf", CONTENT))
    return entry, owner


def url(entry, kind="lesson_plan"):
    return f"/competitions/entries/{entry.pk}/files/{kind}/"


def test_owner_and_own_unit_download_as_attachment(tree, users, entry_and_owner):
    entry, owner = entry_and_owner
    assert str(settings.MEDIA_ROOT) in entry.lesson_plan.path and "static" not in entry.lesson_plan.path
    for user in (owner, users["tsinghua"], users["municipal"]):
        response = login(user).get(url(entry))
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert "filename*=utf-8''%E5%BC%A0" in response["Content-Disposition"]
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content) == CONTENT


def test_everyone_else_gets_a_404(tree, users, entry_and_owner):
    entry, _owner = entry_and_owner
    colleague = make_teacher(make_member(tree.tsinghua, name="同事"))
    for user in (users["haidian"], users["chaoyang"], users["judge"], users["teacher"], colleague):
        assert login(user).get(url(entry)).status_code == 404
    assert login(users["tsinghua"]).get(url(entry, "teaching_design")).status_code == 404  # no such file
    assert login(users["tsinghua"]).get(url(entry, "secret")).status_code == 404


def test_judges_only_without_a_conflict(tree, entry_and_owner):
    entry, _owner = entry_and_owner
    with scopes_disabled():
        type(entry).objects.filter(pk=entry.pk).update(status=EntryStatus.APPROVED,
                                                      current_stage=entry.edition.stages.get())
    stage = entry.edition.stages.get()
    outside = make_judge("t_judge_hd", tree.haidian)
    own_union = make_judge("t_judge_thu", tree.tsinghua_branch)
    with scopes_disabled():
        for judge, org in ((outside, tree.haidian), (own_union, tree.tsinghua_branch)):
            JudgeAssignment._base_manager.create(stage=stage, group=entry.group, judge=judge, organization=org)
    assert login(outside).get(url(entry)).status_code == 200
    assert login(own_union).get(url(entry)).status_code == 404
