"""What a viewer may see of an entry: the one rule behind the entries API, the score sheets API,
the judges' pages and the document downloads.

Blind judging (``Edition.blind_judging``) hides from anyone who reads the entry as a judge
every field that identifies a person or a unit: the entrant's and the team's names, the
supervisor, the unit (name and code), the team members, the unit's decision reason and the
uploads' original file names (a download is named ``<entry code>-<kind>.<ext>`` instead, e.g.
``QJS15-7KQ2MD-教案.pdf``). Fail closed: in a blind edition only unit staff (who hold
``competitions.view_entry``; their querysets are scoped to their subtree) and teachers (whose
querysets hold their own and their teams' entries only) see the names; everyone else — judges
and any other role — sees the blind view.
"""

from __future__ import annotations

from django.urls import reverse

from apps.accounts.permissions import REGISTER_ENTRY

VIEW_ENTRY = "competitions.view_entry"
FILE_KINDS = {"lesson_plan": "教案", "teaching_design": "教学设计"}

# the keys of ``entry_visible_fields`` emptied in blind mode (the tests walk these)
IDENTIFYING = ("entrant", "member_name", "team_name", "supervisor_name", "organization", "organization_name",
               "team_members", "decision_reason", "lesson_plan_name", "teaching_design_name")


def entry_blind_for(*, edition, viewer) -> bool:
    """Whether ``viewer`` sees the edition's entries blind (names and units hidden)."""
    if not edition.blind_judging:
        return False
    return not (viewer.has_perm(VIEW_ENTRY) or viewer.has_perm(REGISTER_ENTRY))


def _suffix(stored) -> str:
    return stored.name.rsplit(".", 1)[-1].lower() if "." in stored.name else "bin"


def entry_file_name(*, entry, kind: str, blind: bool) -> str:
    """The download name of an upload: the original name, or ``<code>-<kind>.<ext>`` blind."""
    stored = getattr(entry, kind)
    neutral = f"{entry.code}-{FILE_KINDS[kind]}.{_suffix(stored)}"
    if blind:
        return neutral
    return getattr(entry, f"{kind}_name") or neutral


def entry_files(*, entry, blind: bool) -> list[dict]:
    """Links to the entry's documents (the permission-checked download view), with the name
    the viewer may see."""
    return [{"kind": kind, "label": label, "name": entry_file_name(entry=entry, kind=kind, blind=blind),
             "url": reverse("competitions:entry_file", args=[entry.pk, kind])}
            for kind, label in FILE_KINDS.items() if getattr(entry, kind)]


def _team(entry) -> list[dict]:
    cache = getattr(entry, "_prefetched_objects_cache", {})
    if "team_members" in cache:
        rows = cache["team_members"]
    else:
        rows = list(entry.team_members.select_related("member"))  # in the viewer's scope
    return [{"name": t.member.name, "status": t.status} for t in sorted(rows, key=lambda t: t.pk)]


def entry_visible_fields(*, entry, viewer, blind: bool | None = None) -> dict:
    """The entry as ``viewer`` may see it: a plain dict; the ``IDENTIFYING`` keys are empty
    (``""``/``[]``) and file names neutral when the viewer sees it blind. ``blind`` may be
    passed when already decided for a list (``entry_blind_for``)."""
    if blind is None:
        blind = entry_blind_for(edition=entry.edition, viewer=viewer)
    fields = {
        "id": entry.pk, "code": entry.code, "edition": entry.edition_id, "group": entry.group_id,
        "group_name": entry.group.name, "course_title": entry.course_title, "video_url": entry.video_url,
        "status": entry.status, "blind": blind,
        "lesson_plan_name": entry_file_name(entry=entry, kind="lesson_plan", blind=blind) if entry.lesson_plan
        else "",
        "teaching_design_name": entry_file_name(entry=entry, kind="teaching_design", blind=blind)
        if entry.teaching_design else "",
        "files": entry_files(entry=entry, blind=blind),
    }
    if blind:
        fields.update({"entrant": "", "member_name": "", "team_name": "", "supervisor_name": "", "organization": "",
                       "organization_name": "", "team_members": [], "decision_reason": ""})
    else:
        fields.update({"entrant": entry.display_name, "member_name": entry.member.name, "team_name": entry.team_name,
                       "supervisor_name": entry.supervisor_name, "organization": entry.organization.code,
                       "organization_name": entry.organization.name, "team_members": _team(entry),
                       "decision_reason": entry.decision_reason})
    return fields
