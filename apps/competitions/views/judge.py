"""Judges' pages: their assignments, the entries of one group and stage, the score form.

Only holders of ``competitions.score_entry`` (the JUDGE role, acting) get in; everyone else
gets a 404. Every entry comes from ``entries_for_judge``: an entry of the judge's own union,
of a declared conflict, of a group or stage they are not assigned to, or not approved is a
404, exactly like one that does not exist. The templates get only what
``visibility.entry_visible_fields`` lets the judge see: in blind mode (``edition.blind_judging``)
the entry code, group, course title and documents (under neutral names) — no names, no units.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from apps.accounts.permissions import SCORE_ENTRY

from ..enums import EditionStatus, SheetStatus
from ..models import Entry, JudgeAssignment, Score, ScoreSheet, Stage, TeamMember, criteria_for
from ..selectors import entries_for_judge
from ..services.judging import sheet_save, sheet_submit, visible_entry
from ..visibility import entry_blind_for, entry_visible_fields


def judge_only(view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.has_perm(SCORE_ENTRY):
            raise Http404
        # the judge's person scope (bound by the middleware) is the fence; entries_for_judge
        # filters the same rule explicitly as the second
        return view(request, *args, **kwargs)
    return wrapped


def _sheets(judge, stage, entries) -> dict[int, ScoreSheet]:
    return {s.entry_id: s for s in ScoreSheet.objects.filter(
        assignment__judge=judge, assignment__stage=stage, entry__in=entries)}


@judge_only
@require_http_methods(["GET"])
def judge_home(request):
    """My assignments, each with how many of its entries I have submitted / drafted / in all."""
    rows = []
    for a in (JudgeAssignment.objects.filter(judge=request.user)
              .select_related("stage", "group", "stage__edition").order_by("-stage__edition__year", "stage__order",
                                                                            "group__order", "id")):
        entries = entries_for_judge(judge=request.user, stage=a.stage, group=a.group)
        counts = ScoreSheet.objects.filter(assignment=a, entry__in=entries).aggregate(
            submitted=Count("id", filter=Q(status=SheetStatus.SUBMITTED)),
            drafts=Count("id", filter=Q(status=SheetStatus.DRAFT)))
        rows.append({"assignment": a, "edition": a.stage.edition, "total": entries.count(), **counts})
    return render(request, "competitions/judge/home.html", {"rows": rows})


@judge_only
@require_http_methods(["GET"])
def judge_group(request, stage_id: int, group_id: int):
    """The entries of one group in one stage that this judge scores (conflicts left out)."""
    assignment = get_object_or_404(JudgeAssignment.objects.select_related("stage", "group", "stage__edition"),
                                   judge=request.user, stage_id=stage_id, group_id=group_id)
    edition = assignment.stage.edition
    blind = entry_blind_for(edition=edition, viewer=request.user)
    entries = list(entries_for_judge(judge=request.user, stage=assignment.stage, group=assignment.group)
                   .select_related("organization", "member")
                   .prefetch_related(Prefetch("team_members", queryset=TeamMember._base_manager.select_related("member")))
                   .order_by("code"))
    sheets = _sheets(request.user, assignment.stage, entries)
    # the template gets only what the judge may see of each entry (visibility.entry_visible_fields)
    rows = [{"view": entry_visible_fields(entry=e, viewer=request.user, blind=blind), "sheet": sheets.get(e.pk)}
            for e in entries]
    return render(request, "competitions/judge/group.html", {
        "assignment": assignment, "edition": edition, "blind": blind, "rows": rows,
        "submitted": sum(1 for r in rows if r["sheet"] and r["sheet"].status == SheetStatus.SUBMITTED),
    })


@judge_only
@require_http_methods(["GET", "POST"])
def judge_sheet(request, entry_id: int, stage_id: int):
    """The score form: one input per criterion (0..weight). "保存草稿" keeps a draft; "提交"
    locks the sheet. Bad input is shown again with the errors; nothing is saved."""
    stage = get_object_or_404(Stage.objects.select_related("edition"), pk=stage_id)
    try:
        entry = visible_entry(judge=request.user, entry=entry_id, stage=stage)
    except Entry.DoesNotExist as exc:
        raise Http404 from exc
    criteria = criteria_for(stage, entry.group_id)
    sheet = _sheets(request.user, stage, [entry]).get(entry.pk)
    errors: list[str] = []
    posted: dict[int, str] = {}
    if request.method == "POST":
        posted = {c.pk: request.POST.get(f"c{c.pk}", "").strip() for c in criteria}
        action = request.POST.get("action", "save")
        try:
            if action == "submit":
                sheet_submit(judge=request.user, entry=entry, stage=stage, actor=request.user, scores=posted)
                messages.success(request, f"{entry.code} 的评分已提交。")
                return redirect("competitions:judge_group", stage_id=stage.pk, group_id=entry.group_id)
            sheet_save(judge=request.user, entry=entry, stage=stage, scores=posted, actor=request.user)
            messages.success(request, "草稿已保存。")
            return redirect("competitions:judge_sheet", entry_id=entry.pk, stage_id=stage.pk)
        except ValidationError as exc:
            errors = exc.messages
        sheet = _sheets(request.user, stage, [entry]).get(entry.pk)
    saved = dict(Score.objects.filter(sheet=sheet).values_list("criterion_id", "value")) if sheet else {}
    lines = [{"criterion": c, "value": posted.get(c.pk, saved.get(c.pk, "")), "name": f"c{c.pk}"} for c in criteria]
    locked = bool(sheet and sheet.status == SheetStatus.SUBMITTED)
    view = entry_visible_fields(entry=entry, viewer=request.user)  # only what the judge may see
    return render(request, "competitions/judge/sheet.html", {
        "view": view, "stage": stage, "edition": stage.edition, "blind": view["blind"],
        "lines": lines, "sheet": sheet, "locked": locked, "errors": errors,
        "closed": stage.edition.status == EditionStatus.PUBLISHED,
    })
