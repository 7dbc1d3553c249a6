"""Prizes: the preview of an edition's results, and their publication.

The admin's edition page and the API call these two:

* ``prize_preview(*, edition) -> dict`` — the final-stage ranking of every group with its prize
  bands and all awards; it writes nothing.
* ``edition_publish(*, edition, actor) -> Edition`` — one audited, atomic step that turns the
  preview into Award / Certificate / TalentPoolEntry rows and marks the edition published.

How prizes are decided
----------------------
* **Ranking**: the final stage (the edition's stage with the highest order), computed by
  ``scoring.stage_ranking`` (trimmed mean, explicit tie-break). Entries without a submitted
  sheet are not ranked.
* **Bands** (``PrizeRule`` per group and level): cut in the order 一等奖 → 二等奖 → 三等奖
  over the ranked entries, each band taking the next entries by rank. A ``count`` band takes
  that many; a ``ratio`` band takes ``floor(ratio × N)`` entries, N being the number of
  ranked entries in the group — rounded down, so a ratio is a ceiling that is never
  exceeded (0.15 of 27 → 4). A band never takes more entries than are left; a level with no
  rule has no band.
* **Paper track** (``Group.track == "paper"``): ranked and banded like any group, on its own;
  its band prizes are paper prizes ("论文一等奖" …, ``paper: True``, counted under
  ``totals["paper"]``). Single-item and supervisor awards are for teaching groups only.
* **Single-item awards** (``Criterion.single_award_name`` on the final stage): in each
  teaching group, the ranked entry with the highest mean on that criterion; ties by the
  tie-break order (the criteria in ``Criterion.order``, then earlier registration, then id).
* **Best-supervisor awards** (优秀指导教师奖): the supervisor named on each entry of a teaching
  group whose band level is in ``edition.supervisor_award_levels`` (comma list of
  first/second/third).
* **Organisation awards** (优秀组织奖): one per unit in ``edition.organisation_award_units``.

The preview structure (plain dicts, lists, str, int, bool, Decimal, None)
-------------------------------------------------------------------------
::

    {
      "edition_id": int, "edition": str, "status": str, "published": bool,
      "stage_id": int | None, "stage": str,            # the final stage
      "groups": [{
          "group_id": int, "group": str, "code": str, "track": "teaching" | "paper", "paper": bool,
          "ranked": int,                               # entries with a result
          "rules": str,                                # e.g. "一等奖 15%，二等奖 5 名"
          "counts": {"first": int, "second": int, "third": int},
          "rows": [ROW, …],                            # every ranked entry, by rank (kind "prize" or "")
          "awards": [ROW, …],                          # this group's single-item and supervisor awards
      }, …],
      "awards": [ROW, …],                              # every award: band prizes, single, supervisor, organisation
      "totals": {"prize": {"first": n, "second": n, "third": n, "all": n},
                 "paper": {"first": n, "second": n, "third": n, "all": n},
                 "single": n, "supervisor": n, "organisation": n, "awards": n, "ranked": n},
      "warnings": [str, …],                            # e.g. a group without prize rules or results
    }

    ROW = {"kind": "prize" | "single" | "supervisor" | "organisation" | "",   # "" = ranked, no prize
           "kind_display": str, "award_name": str,    # "一等奖", "论文二等奖", "最佳教学设计奖", "优秀指导教师奖", "优秀组织奖"
           "level": "first" | "second" | "third" | "", "level_display": str,
           "group_id": int | None, "group": str, "paper": bool,
           "entry_id": int | None, "entry_code": str,
           "name": str,                                # the recipient: person/team, supervisor, or unit
           "entrant": str,                             # the entry's person or team ("" for a unit)
           "unit_id": int, "unit": str,
           "score": Decimal | None, "judges": int | None, "rank": int | None}
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from apps.accounts.permissions import PUBLISH_EDITION
from apps.core.scoping import scopes_disabled

from ..enums import PRIZE_ORDER, AwardKind, EditionStatus, EntryStatus, InvitationStatus, PrizeLevel, SheetStatus, Track
from ..models import (
    Award, Certificate, Criterion, Edition, Entry, PrizeRule, ScoreSheet, TalentPoolEntry, TeamMember,
    criteria_by_group,
)
from ..selectors import stage_final
from .codes import certificate_code
from .scoring import Ranked, stage_aggregate, stage_ranking
from .structure import edition_transition

ALREADY_PUBLISHED = "本届结果已发布。"
LEVEL_NAMES = dict(PrizeLevel.choices)
KIND_NAMES = dict(AwardKind.choices)


def prize_band_sizes(*, rules: dict[str, PrizeRule], ranked: int) -> dict[str, int]:
    """How many of ``ranked`` entries each level takes (see the module docstring)."""
    sizes, left = {}, ranked
    for level in PRIZE_ORDER:
        rule = rules.get(level)
        if rule is None:
            sizes[level] = 0
            continue
        if rule.count is not None:
            size = rule.count
        else:
            size = int((Decimal(rule.ratio) * ranked).to_integral_value(rounding=ROUND_DOWN))
        size = max(0, min(size, left))
        sizes[level] = size
        left -= size
    return sizes


def _rules_text(rules: dict[str, PrizeRule]) -> str:
    parts = []
    for level in PRIZE_ORDER:
        rule = rules.get(level)
        if rule is None:
            continue
        if rule.count is not None:
            parts.append(f"{LEVEL_NAMES[level]} {rule.count} 名")
        else:
            parts.append(f"{LEVEL_NAMES[level]} {(Decimal(rule.ratio) * 100).normalize():f}%")
    return "，".join(parts)


def _single_criteria(criteria: list[Criterion]) -> list[tuple[int, Criterion]]:
    """The lines of a group's score sheet that carry a single-item award, with their position
    (the ranking's per-criterion means are in the same order)."""
    return [(i, c) for i, c in enumerate(criteria) if c.single_award_name.strip()]


def _row(*, kind: str, award_name: str, level: str = "", group=None, entry: Entry | None = None,
         name: str = "", unit=None, ranked: Ranked | None = None) -> dict:
    return {
        "kind": kind, "kind_display": KIND_NAMES.get(kind, ""), "award_name": award_name,
        "level": level, "level_display": LEVEL_NAMES.get(level, ""),
        "group_id": group.pk if group else None, "group": group.name if group else "",
        "paper": bool(group and group.track == Track.PAPER),
        "entry_id": entry.pk if entry else None, "entry_code": entry.code if entry else "",
        "name": name, "entrant": entry.display_name if entry else "",
        "unit_id": unit.pk, "unit": unit.name,
        "score": ranked.score if ranked else None, "judges": ranked.judges if ranked else None,
        "rank": ranked.rank if ranked else None,
    }


def _compute(edition: Edition) -> tuple[dict, list[tuple[dict, Entry | None, object]]]:
    """The preview, and each award row with its entry and unit objects (for publishing)."""
    stage = stage_final(edition=edition)
    preview = {
        "edition_id": edition.pk, "edition": edition.name, "status": edition.status,
        "published": edition.status == EditionStatus.PUBLISHED,
        "stage_id": stage.pk if stage else None, "stage": stage.name if stage else "",
        "groups": [], "awards": [], "warnings": [],
        "totals": {"prize": dict.fromkeys([*PRIZE_ORDER, "all"], 0), "paper": dict.fromkeys([*PRIZE_ORDER, "all"], 0),
                   "single": 0, "supervisor": 0, "organisation": 0, "awards": 0, "ranked": 0},
    }
    objects: list[tuple[dict, Entry | None, object]] = []
    totals = preview["totals"]
    if stage is None:
        preview["warnings"].append("本届未设置比赛轮次。")
        return preview, objects
    ranking = stage_ranking(stage=stage)
    sheets_of = criteria_by_group(stage, [g.pk for g in edition.groups.all()])
    supervisor_levels = {part.strip() for part in (edition.supervisor_award_levels or "").split(",")} & set(PRIZE_ORDER)
    rules_by_group: dict[int, dict[str, PrizeRule]] = defaultdict(dict)
    for rule in PrizeRule.objects.filter(group__edition=edition):
        rules_by_group[rule.group_id][rule.level] = rule
    with scopes_disabled():  # unsubmitted sheets city-wide (a warning, no names)
        drafts = ScoreSheet.objects.filter(assignment__stage=stage, status=SheetStatus.DRAFT,
                                           entry__status=EntryStatus.APPROVED).count()
    if drafts:
        preview["warnings"].append(f"{stage.name}还有 {drafts} 份评分表未提交，未计入成绩。")

    for group in edition.groups.order_by("order", "id"):
        paper = group.track == Track.PAPER
        rules = rules_by_group.get(group.pk, {})
        ranked = ranking.get(group.pk, [])
        sizes = prize_band_sizes(rules=rules, ranked=len(ranked))
        block = {"group_id": group.pk, "group": group.name, "code": group.code, "track": group.track, "paper": paper,
                 "ranked": len(ranked), "rules": _rules_text(rules), "counts": dict(sizes), "rows": [], "awards": []}
        if not ranked:
            preview["warnings"].append(f"“{group.name}”尚无决赛成绩。")
        elif not rules:
            preview["warnings"].append(f"“{group.name}”未设置奖项比例或名额。")
        levels: list[str] = []
        for level in PRIZE_ORDER:
            levels += [level] * sizes[level]
        for i, r in enumerate(ranked):
            level = levels[i] if i < len(levels) else ""
            name = (("论文" if paper else "") + LEVEL_NAMES[level]) if level else ""
            row = _row(kind=AwardKind.PRIZE if level else "", award_name=name, level=level, group=group,
                       entry=r.entry, name=r.entry.display_name, unit=r.entry.organization, ranked=r)
            block["rows"].append(row)
            totals["ranked"] += 1
            if level:
                bucket = totals["paper" if paper else "prize"]
                bucket[level] += 1
                bucket["all"] += 1
                preview["awards"].append(row)
                objects.append((row, r.entry, r.entry.organization))
        if not paper and ranked:
            for index, criterion in _single_criteria(sheets_of[group.pk]):
                best = min(ranked, key=lambda r, i=index: (-r.criteria[i], *[-c for c in r.criteria],
                                                           r.entry.created_at, r.entry.pk))
                row = _row(kind=AwardKind.SINGLE, award_name=criterion.single_award_name.strip(), group=group,
                           entry=best.entry, name=best.entry.display_name, unit=best.entry.organization, ranked=best)
                block["awards"].append(row)
                objects.append((row, best.entry, best.entry.organization))
                totals["single"] += 1
            for i, r in enumerate(ranked):
                level = levels[i] if i < len(levels) else ""
                supervisor = r.entry.supervisor_name.strip()
                if level in supervisor_levels and supervisor:
                    row = _row(kind=AwardKind.SUPERVISOR, award_name=KIND_NAMES[AwardKind.SUPERVISOR], level=level,
                               group=group, entry=r.entry, name=supervisor, unit=r.entry.organization, ranked=r)
                    block["awards"].append(row)
                    objects.append((row, r.entry, r.entry.organization))
                    totals["supervisor"] += 1
        preview["awards"].extend(block["awards"])
        preview["groups"].append(block)

    with scopes_disabled():  # the edition's chosen units are city-wide settings
        units = list(edition.organisation_award_units.order_by("path"))
    for unit in units:
        row = _row(kind=AwardKind.ORGANISATION, award_name=KIND_NAMES[AwardKind.ORGANISATION], name=unit.name,
                   unit=unit)
        preview["awards"].append(row)
        objects.append((row, None, unit))
        totals["organisation"] += 1
    totals["awards"] = len(preview["awards"])
    return preview, objects


def prize_preview(*, edition: Edition) -> dict:
    """The ranking, prize bands and awards the edition would publish now (writes nothing).
    The structure is documented in the module docstring."""
    return _compute(edition)[0]


def _people(entry: Entry) -> list:
    """The captain (or the individual), then the accepted team members."""
    with scopes_disabled():  # a winning team's members, whoever's scope (certificates name them)
        team = [tm.member for tm in TeamMember.objects.filter(entry=entry, status=InvitationStatus.ACCEPTED)
                .select_related("member").order_by("id") if tm.member_id != entry.member_id]
    return [entry.member, *team]


def _new_code(taken: set[str]) -> str:
    while True:
        code = certificate_code()
        if code not in taken:
            taken.add(code)
            return code


@transaction.atomic
def edition_publish(*, edition: Edition, actor) -> Edition:
    """Publish the results: recompute the final stage, write every award (team entries: the
    team name as recipient) with one certificate per person (an individual; a team's captain
    and accepted members; a supervisor by name; a unit by name), add first-prize winners of
    teaching groups (team members too) to the talent pool, and mark the edition published.

    Only an edition in judging (评审中 → 结果已发布) is published, through the edition's one
    status writer (``structure.edition_transition``), which runs the writing under its row
    lock and audits ``edition.publish``: nothing is half-written on failure, and a second
    publication is refused with "本届结果已发布"."""
    if not actor.has_perm(PUBLISH_EDITION):
        raise PermissionDenied("没有发布比赛结果的权限。")
    with scopes_disabled():  # publishing is one city-wide step (the keeper's)
        current = Edition.objects.select_for_update(of=("self",)).get(pk=edition.pk)
        if current.status == EditionStatus.PUBLISHED:
            raise ValidationError(ALREADY_PUBLISHED)
        locked = edition_transition(edition=current, to=EditionStatus.PUBLISHED, actor=actor,
                                    publish=lambda locked: _write_results(locked, actor))
    edition.refresh_from_db(fields=["status", "published_at", "published_by"])  # the caller's copy
    return locked


def _write_results(locked: Edition, actor) -> dict:
    """Awards, certificates and the talent pool of an edition being published (under its
    lock); returns what the publication's audit records."""
    with scopes_disabled():  # awards go to every unit's winners (the keeper's step)
        stage = stage_final(edition=locked)
        if stage is None:
            raise ValidationError("本届未设置比赛轮次，不能发布。")
        stage_aggregate(stage=stage, actor=actor)
        preview, objects = _compute(locked)
        if not preview["totals"]["ranked"]:
            raise ValidationError("决赛尚无已提交的评分，不能发布结果。")

        taken: set[str] = set()  # codes of this run (a clash with an older code fails the unique index: all rolls back)
        awards, certificates, talents = 0, 0, 0
        for row, entry, unit in objects:
            group_id = row["group_id"]
            award = Award.objects.create(
                edition=locked, group_id=group_id, entry=entry, organization=unit, kind=row["kind"],
                level=row["level"], name=row["award_name"][:50], recipient=row["name"][:100], rank=row["rank"])
            awards += 1
            if row["kind"] in (AwardKind.PRIZE, AwardKind.SINGLE):
                people = _people(entry)
                holders = [(p, p.name) for p in people]
            else:
                people = []
                holders = [(None, row["name"])]
            Certificate.objects.bulk_create([
                Certificate(award=award, member=member, holder_name=name[:100], code=_new_code(taken))
                for member, name in holders])
            certificates += len(holders)
            if row["kind"] == AwardKind.PRIZE and row["level"] == PrizeLevel.FIRST and not row["paper"]:
                for person in people:
                    _, created = TalentPoolEntry.objects.get_or_create(
                        member=person, edition=locked, defaults={"organization": entry.organization, "award": award})
                    talents += int(created)
    return {"awards": awards, "certificates": certificates, "talent_pool": talents,
            "totals": preview["totals"], "stage": stage.pk}
