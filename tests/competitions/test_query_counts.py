"""No query per row: every competitions admin changelist and API list runs the same number of
queries for 2 rows as for 10 (quota used/left, group figures, team members, score lines,
``__str__`` of related rows, filters naming groups and stages …). A list that starts reading a
relation per row fails here with the list's name and both counts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.competitions.enums import EditionStatus, InvitationStatus
from apps.competitions.models import (
    Award, Certificate, ConflictDeclaration, Criterion, JudgeAssignment, PrizeBonus, PrizeRule, Score, ScoreSheet,
    StageResult, TalentPoolEntry, TeamMember,
)
from apps.competitions.services.codes import certificate_code
from apps.core.scoping import scopes_disabled
from tests.competitions.factories import make_edition, make_entry, make_judge, make_quota, make_teacher
from tests.conftest import login
from tests.factories.members import make_member

pytestmark = pytest.mark.django_db

ADMIN_MODELS = ("series", "edition", "group", "stage", "prizerule", "prizebonus", "unitquota", "entry",
                "judgeassignment", "conflictdeclaration", "scoresheet", "stageresult", "award", "certificate",
                "talentpoolentry")
API = "/api/v1/competitions/"


class World:
    """Rows of every competitions list, one set per edition; ``grow(n)`` adds editions."""

    def __init__(self, tree, users):
        self.tree, self.users, self.count = tree, users, 0
        self.entrant = make_member(tree.chaoyang, name="朝阳教师")
        self.teacher = make_teacher(self.entrant)
        self.judge = make_judge("t_qc_judge", tree.haidian)

    def grow(self, n: int) -> None:
        tree = self.tree
        with scopes_disabled():
            for _ in range(n):
                i = self.count = self.count + 1
                edition = make_edition(series="qgs", number=300 + i, year=2025, name=f"查询测试赛{i}",
                                       status=EditionStatus.JUDGING, groups=((f"组{i}", f"g{i}"),), capacity=50)
                group, stage = edition.groups.get(), edition.stages.get()
                make_quota(group, tree.chaoyang, 3)
                PrizeRule.objects.create(group=group, level="first", count=1)
                PrizeBonus.objects.create(edition=edition, kind="prize", level="first", amount=Decimal("100.00"))
                entry = make_entry(group, self.entrant, supervisor_name=f"导师{i}")
                TeamMember.objects.create(entry=entry, member=make_member(tree.chaoyang, name=f"队员{i}"),
                                          status=InvitationStatus.ACCEPTED)
                assignment = JudgeAssignment._base_manager.create(stage=stage, group=group, judge=self.judge,
                                                            organization=tree.haidian)
                other = make_judge(f"t_qc_judge_{i}", tree.haidian)
                ConflictDeclaration._base_manager.create(judge=other, organization=tree.tsinghua, reason=f"回避{i}")
                sheet = ScoreSheet._base_manager.create(assignment=assignment, entry=entry, total=Decimal("90"))
                Score._base_manager.bulk_create([Score(sheet=sheet, criterion=c, value=Decimal("1"))
                                           for c in Criterion.objects.filter(stage=stage)])
                StageResult.objects.create(stage=stage, entry=entry, score=Decimal("90"), judges=1, rank=1)
                award = Award.objects.create(edition=edition, group=group, entry=entry, organization=tree.chaoyang,
                                             kind="prize", level="first", name="一等奖", recipient=self.entrant.name,
                                             rank=1)
                Certificate.objects.create(award=award, member=self.entrant, holder_name=self.entrant.name,
                                           code=certificate_code())
                TalentPoolEntry.objects.create(member=self.entrant, organization=tree.chaoyang, edition=edition,
                                               award=award)

    def lists(self) -> dict[str, tuple]:
        """name → (user, url, rows it must show)."""
        users, n = self.users, self.count
        out = {f"admin {m}": (users["municipal"], reverse(f"admin:competitions_{m}_changelist"), n)
               for m in ADMIN_MODELS if m != "series"}
        out["admin series"] = (users["municipal"], reverse("admin:competitions_series_changelist"), None)
        for m in ("entry", "unitquota", "stageresult", "award", "certificate", "talentpoolentry"):
            out[f"admin {m} (朝阳)"] = (users["chaoyang"], reverse(f"admin:competitions_{m}_changelist"), n)
        for path, rows in (("editions/", n), ("groups/", n), ("quotas/", n), ("entries/", n),
                           ("score-sheets/", n), ("awards/", n)):
            out[f"api {path}"] = (users["municipal"], API + path, rows)
        for path in ("editions/", "groups/", "quotas/", "entries/", "awards/"):
            out[f"api {path} (朝阳)"] = (users["chaoyang"], API + path, n)
        out["api entries/ (teacher)"] = (self.teacher, API + "entries/", n)
        for path in ("entries/", "score-sheets/", "score-sheets/entries/"):
            out[f"api {path} (judge)"] = (self.judge, API + path, n)
        return out


def _rows(response) -> int | None:
    context = getattr(response, "context", None)
    if context is not None and "cl" in context:
        return context["cl"].result_count
    data = response.json()
    if isinstance(data, dict):
        return data.get("count", len(data.get("results", [])))
    return len(data)


def measure(world: World) -> dict[str, int]:
    counts = {}
    for name, (user, url, rows) in world.lists().items():
        client = login(user)
        client.get(url)  # warm: session, content types, permissions
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        if rows is not None:
            assert _rows(response) == rows, (name, _rows(response), rows)
        counts[name] = len(queries)
    return counts


def test_every_competitions_list_runs_the_same_queries_for_2_and_10_rows(tree, users):
    world = World(tree, users)
    world.grow(2)
    two = measure(world)
    world.grow(8)
    ten = measure(world)
    grown = {name: (two[name], ten[name]) for name in two if ten[name] != two[name]}
    assert not grown, f"a query per row (2 rows → 10 rows): {grown}"


def test_the_check_sees_a_query_per_row(tree, users, monkeypatch):
    """Control: with the quota list's count per row back (the annotation removed), it fails."""
    from apps.competitions.admin import entries as admin_entries

    monkeypatch.setattr(admin_entries, "quotas_with_used", lambda *, queryset: queryset)
    world = World(tree, users)
    world.grow(2)
    client = login(users["municipal"])
    url = reverse("admin:competitions_unitquota_changelist")

    def count() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    two = count()
    world.grow(8)
    assert count() > two
