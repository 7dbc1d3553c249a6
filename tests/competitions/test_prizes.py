"""The prize preview: bands by ratio and count, paper track, single-item, supervisor and
organisation awards, totals — computed without writing anything."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from apps.competitions.models import Award, PrizeRule, StageResult
from apps.competitions.services.prizes import prize_band_sizes, prize_preview
from apps.core.scoping import scopes_disabled
from tests.competitions.test_judging_support import pw  # noqa: F401

pytestmark = pytest.mark.django_db


def rule(level, *, ratio=None, count=None) -> PrizeRule:
    return PrizeRule(level=level, ratio=Decimal(ratio) if ratio else None, count=count)


@pytest.mark.parametrize("rules, ranked, expected", [
    ({"first": rule("first", ratio="0.15")}, 27, {"first": 4, "second": 0, "third": 0}),  # 4.05 → 4
    ({"first": rule("first", ratio="0.15"), "second": rule("second", ratio="0.25"),
      "third": rule("third", ratio="0.35")}, 10, {"first": 1, "second": 2, "third": 3}),
    ({"first": rule("first", count=2), "second": rule("second", count=5), "third": rule("third", count=9)}, 10,
     {"first": 2, "second": 5, "third": 3}),  # the third band gets what is left
    ({"second": rule("second", count=2)}, 1, {"first": 0, "second": 1, "third": 0}),
    ({"first": rule("first", ratio="0.5")}, 0, {"first": 0, "second": 0, "third": 0}),
])
def test_band_sizes_ratio_rounds_down_and_count_is_capped(rules, ranked, expected):
    assert prize_band_sizes(rules=rules, ranked=ranked) == expected


def _group(preview, code):
    return next(g for g in preview["groups"] if g["code"] == code)


def test_preview_ranks_and_cuts_the_bands_in_order(pw):
    preview = prize_preview(edition=pw.edition)
    science = _group(preview, "science")
    assert [(r["name"], r["rank"], r["level"]) for r in science["rows"]] == [
        ("理一", 1, "first"), ("理二", 2, "second"), ("理三", 3, "second"), ("理四", 4, "second"),
        ("理五", 5, "third"), ("理六", 6, "third"), ("理七", 7, ""), ("理八", 8, ""), ("理九", 9, ""), ("理十", 10, "")]
    assert science["counts"] == {"first": 1, "second": 3, "third": 2}
    assert science["rules"] == "一等奖 15%，二等奖 3 名，三等奖 25%"
    first = science["rows"][0]
    assert first["award_name"] == "一等奖" and first["entry_code"] == pw.entries["理一"].code
    assert first["unit"] == "清华大学工会" and first["score"] == Decimal("98.000") and first["judges"] == 1
    assert science["rows"][1]["unit"] == "北京大学工会"


def test_paper_track_is_its_own_group_with_paper_prizes(pw):
    paper = _group(prize_preview(edition=pw.edition), "paper")
    assert paper["paper"] is True and paper["track"] == "paper"
    assert [(r["name"], r["award_name"]) for r in paper["rows"]] == [
        ("论一", "论文一等奖"), ("论二", "论文二等奖"), ("论三", "论文二等奖"), ("论四", "论文二等奖")]
    assert paper["awards"] == []  # no single-item or supervisor awards on the paper track


def test_single_item_award_goes_to_the_best_criterion_mean_ties_by_tie_break(pw):
    science = _group(prize_preview(edition=pw.edition), "science")
    singles = [a for a in science["awards"] if a["kind"] == "single"]
    assert [(a["award_name"], a["name"], a["rank"]) for a in singles] == [("最佳教学设计奖", "理五", 5)]


def test_supervisor_awards_follow_the_editions_levels(pw):
    science = _group(prize_preview(edition=pw.edition), "science")
    supervisors = [a for a in science["awards"] if a["kind"] == "supervisor"]
    assert [(a["name"], a["entrant"], a["level"], a["award_name"]) for a in supervisors] == [
        ("王导师", "理一", "first", "优秀指导教师奖"), ("李导师", "理三", "second", "优秀指导教师奖")]


def test_organisation_awards_and_totals(pw):
    preview = prize_preview(edition=pw.edition)
    organisation = [a for a in preview["awards"] if a["kind"] == "organisation"]
    assert [(a["name"], a["award_name"], a["entry_id"]) for a in organisation] == [
        ("清华大学工会", "优秀组织奖", None), ("北京大学工会", "优秀组织奖", None)]
    assert preview["totals"] == {
        "prize": {"first": 1, "second": 3, "third": 2, "all": 6},
        "paper": {"first": 1, "second": 3, "third": 0, "all": 4},
        "single": 1, "supervisor": 2, "organisation": 2, "awards": 15, "ranked": 14,
    }
    assert len(preview["awards"]) == 15
    assert preview["published"] is False and preview["stage"] == "决赛" and preview["warnings"] == []
    json.dumps(preview, cls=DjangoJSONEncoder)  # plain data: renderable by the admin and the API


def test_preview_writes_nothing(pw):
    prize_preview(edition=pw.edition)
    with scopes_disabled():
        assert StageResult.objects.count() == 0 and Award.objects.count() == 0


def test_preview_warns_about_a_group_without_rules_or_results(pw):
    PrizeRule.objects.filter(group=pw.paper).delete()
    pw.edition.groups.create(name="医科", code="medicine", order=9)
    warnings = prize_preview(edition=pw.edition)["warnings"]
    assert "“教学论文”未设置奖项比例或名额。" in warnings and "“医科”尚无决赛成绩。" in warnings
