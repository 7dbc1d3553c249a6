"""The yearbook across editions (历届赛事年鉴统计表) and the talent pool export
(优秀青年教师师资库), both as Excel through ``apps.core.excel`` (string cells never run as
formulas; opens in Excel and WPS).

Yearbook figures, per edition and group (and a total row per edition):

* 参赛（审核通过）: approved entries; 参赛单位: distinct units of those entries;
* 一等奖 / 二等奖 / 三等奖 / 单项奖: award rows of the group by level / single-item awards;
* 个人奖项: band and single-item awards of individual entries in teaching groups (the work
  report's "300 individual prizes");
* 获奖团队 / 获奖团队人数: team entries holding a band or single-item award, and their people
  (captain + accepted colleagues) — the report's "68 teams / 204 people";
* 优秀指导教师奖: best-supervisor awards; 论文获奖: band and single-item awards of paper-track
  groups; 优秀组织奖: organisation awards (edition-wide, on the total row).

The yearbook is city-wide statistics without personal data: it reads across units
(``scopes_disabled``); its views are the municipal admin's only.
"""

from __future__ import annotations

from collections import defaultdict
from typing import IO

from django.db.models import Count
from django.utils import timezone

from apps.core.excel import ANY, STRING, write_table, xlsx_attachment, xlsx_filename
from apps.core.scoping import scopes_disabled

from ..enums import AwardKind, EntryKind, EntryStatus, InvitationStatus, PrizeLevel, Track
from ..models import Award, Edition, Entry, Group, TalentPoolEntry, TeamMember

FIGURES = (
    # key, header
    ("entries", "参赛（审核通过）"),
    ("units", "参赛单位"),
    ("first", "一等奖"),
    ("second", "二等奖"),
    ("third", "三等奖"),
    ("single", "单项奖"),
    ("individual_prizes", "个人奖项"),
    ("teams", "获奖团队"),
    ("team_people", "获奖团队人数"),
    ("supervisors", "优秀指导教师奖"),
    ("papers", "论文获奖"),
    ("organisations", "优秀组织奖"),
)
YEARBOOK_HEADERS = ("年度", "赛事", "届次", "名称", "组别", "类别", "参赛形式", *(h for _, h in FIGURES))
PRIZE_KINDS = (AwardKind.PRIZE, AwardKind.SINGLE)
_LEVEL_KEY = {PrizeLevel.FIRST: "first", PrizeLevel.SECOND: "second", PrizeLevel.THIRD: "third"}


def _blank() -> dict:
    return {key: 0 for key, _ in FIGURES}


def yearbook_rows() -> list[dict]:
    """One row per edition and group, then the edition's total row (``is_total``), editions
    by year, series and number. Each row carries the ``FIGURES`` keys and the edition's
    identity (``edition_id``, ``year``, ``series``, ``number``, ``edition``, ``group``)."""
    with scopes_disabled():  # the yearbook counts every unit's entries and awards (municipal figures)
        editions = list(Edition.objects.select_related("series").order_by("year", "series__code", "number"))
        groups = defaultdict(list)
        for group in Group.objects.order_by("edition_id", "order", "id"):
            groups[group.edition_id].append(group)
        approved = Entry.objects.filter(status=EntryStatus.APPROVED)
        entries = dict(approved.values_list("group_id").annotate(n=Count("id")).order_by())
        group_units = dict(approved.values_list("group_id").annotate(
            n=Count("organization", distinct=True)).order_by())
        edition_units = dict(approved.values_list("edition_id").annotate(
            n=Count("organization", distinct=True)).order_by())
        awards = list(Award.objects.values_list("edition_id", "group_id", "kind", "level", "entry_id"))
        team_sizes = dict(TeamMember.objects.filter(status=InvitationStatus.ACCEPTED)
                          .values_list("entry_id").annotate(n=Count("id")).order_by())

    by_group: dict[int, dict] = defaultdict(_blank)
    organisations: dict[int, int] = defaultdict(int)
    group_of = {g.pk: g for gs in groups.values() for g in gs}
    prized_teams: dict[int, set] = defaultdict(set)
    for edition_id, group_id, kind, level, entry_id in awards:
        if kind == AwardKind.ORGANISATION or group_id is None:
            if kind == AwardKind.ORGANISATION:
                organisations[edition_id] += 1
            continue
        group = group_of.get(group_id)
        row = by_group[group_id]
        if kind == AwardKind.SUPERVISOR:
            row["supervisors"] += 1
            continue
        if kind == AwardKind.SINGLE:
            row["single"] += 1
        elif level in _LEVEL_KEY:
            row[_LEVEL_KEY[level]] += 1
        if group is None:
            continue
        if group.track == Track.PAPER:
            row["papers"] += 1
        elif group.entry_kind == EntryKind.TEAM:
            if entry_id is not None:
                prized_teams[group_id].add(entry_id)
        else:
            row["individual_prizes"] += 1
    for group_id, team_entries in prized_teams.items():
        by_group[group_id]["teams"] = len(team_entries)
        by_group[group_id]["team_people"] = sum(1 + team_sizes.get(e, 0) for e in team_entries)

    rows: list[dict] = []
    for edition in editions:
        ident = {"edition_id": edition.pk, "year": edition.year, "series": edition.series.get_code_display(),
                 "number": edition.number, "edition": edition.name}
        total = {**ident, **_blank(), "group": "合计", "track": "", "entry_kind": "", "is_total": True}
        for group in groups.get(edition.pk, []):
            figures = dict(by_group.get(group.pk) or _blank())
            figures["entries"] = entries.get(group.pk, 0)
            figures["units"] = group_units.get(group.pk, 0)
            rows.append({**ident, **figures, "group": group.name, "track": group.get_track_display(),
                         "entry_kind": group.get_entry_kind_display(), "is_total": False})
            for key, _ in FIGURES:
                total[key] += figures[key]
        total["units"] = edition_units.get(edition.pk, 0)
        total["organisations"] = organisations.get(edition.pk, 0)
        rows.append(total)
    return rows


def yearbook_totals(*, year: int) -> dict:
    """The figures of every edition of ``year`` added up (units: the sum of each edition's)."""
    out = _blank()
    for row in yearbook_rows():
        if row["is_total"] and row["year"] == year:
            for key, _ in FIGURES:
                out[key] += row[key]
    return out


def _yearbook_table(rows: list[dict]):
    for row in rows:
        yield (row["year"], row["series"], f"第{row['number']}届", row["edition"], row["group"], str(row["track"]),
               str(row["entry_kind"]), *(row[key] for key, _ in FIGURES))


def yearbook_write(*, handle: IO[bytes]) -> int:
    rows = yearbook_rows()
    return write_table(handle, sheet="历届赛事年鉴统计表", headers=YEARBOOK_HEADERS, rows=_yearbook_table(rows),
                       kinds=(ANY, STRING, STRING, STRING, STRING, STRING, STRING, *(ANY for _ in FIGURES)),
                       widths=(8, 10, 8, 36, 14, 10, 10, *(14 for _ in FIGURES)))


def yearbook_xlsx() -> bytes:
    """The yearbook workbook as bytes."""
    import io

    buffer = io.BytesIO()
    yearbook_write(handle=buffer)
    return buffer.getvalue()


def yearbook_response():
    response, _ = xlsx_attachment(lambda handle: yearbook_write(handle=handle), xlsx_filename("历届赛事年鉴统计表"))
    return response


# --- talent pool (优秀青年教师师资库) ----------------------------------------------------------

TALENT_HEADERS = ("年度", "届次", "组别", "奖项", "姓名", "性别", "身份证号（脱敏）", "所属工会", "入库时间")


def talent_pool_rows(*, organization) -> list[tuple]:
    """The talent pool of ``organization``'s subtree, newest edition first, ID numbers masked.
    Reads through the scoped manager (a scope must be bound: pages bind the acting user's)
    with the subtree as an explicit second fence."""
    queryset = (TalentPoolEntry.objects.filter(organization__path__startswith=organization.path)
                .select_related("member", "organization", "edition", "award__group")
                .order_by("-edition__year", "edition__series__code", "organization__path", "id"))
    return [(t.edition.year, t.edition.name, t.award.group.name if t.award.group_id else "", t.award.name,
             t.member.name, t.member.get_gender_display(), t.member.id_number_masked, t.organization.name,
             timezone.localtime(t.added_at)) for t in queryset]


def talent_pool_response(*, organization):
    rows = talent_pool_rows(organization=organization)

    def write(handle):
        return write_table(handle, sheet="优秀青年教师师资库", headers=TALENT_HEADERS, rows=rows,
                           kinds=(ANY, STRING, STRING, STRING, STRING, STRING, STRING, STRING, ANY),
                           text_columns=(6,), widths=(8, 36, 14, 18, 12, 6, 22, 28, 18))

    response, _ = xlsx_attachment(write, xlsx_filename("优秀青年教师师资库", organization.short_name
                                                       if getattr(organization, "short_name", "") else ""))
    return response, len(rows)
