"""The one way an entry's uploaded document leaves the server: a permission-checked view
answering with ``Content-Disposition: attachment`` under the original file name — or, for a
judge of a blind edition, a neutral one (``<entry code>-教案.pdf``; ``visibility.entry_file_name``).

Files live under MEDIA_ROOT (never under static, never served directly). Allowed: the
entry's teacher and its team members, staff whose acting scope contains the entry's unit,
and judges for whom the conflict-of-interest rule (``selectors.judge_may_see``) lets the
entry through. Everyone else gets a 404, exactly like a missing entry."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from apps.accounts.permissions import SCORE_ENTRY
from apps.core.audit import audit_record
from apps.core.scoping import in_scope

from ..enums import InvitationStatus
from ..models import Entry, TeamMember
from ..selectors import judge_may_see, teacher_member_or_none
from ..visibility import FILE_KINDS, entry_blind_for, entry_file_name

CONTENT_TYPES = {"pdf": "application/pdf",
                 "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
STAFF_VIEW = "competitions.view_entry"


def may_download(user, entry: Entry) -> bool:
    member = teacher_member_or_none(user=user)
    if member is not None:
        if entry.member_id == member.pk:
            return True
        if TeamMember.objects.filter(entry=entry, member=member, status__in=(
                InvitationStatus.INVITED, InvitationStatus.ACCEPTED)).exists():
            return True
    if user.has_perm(STAFF_VIEW) and in_scope(entry.organization.path):
        return True
    return user.has_perm(SCORE_ENTRY) and judge_may_see(judge=user, entry=entry)


@login_required
@require_GET
def entry_file(request, pk: int, kind: str):
    if kind not in FILE_KINDS:
        raise Http404
    # the acting scope finds it (a unit's subtree, a teacher's own, a judge's assignments);
    # may_download is the second fence
    entry = Entry.objects.select_related("organization", "edition").filter(pk=pk).first()
    if entry is None or not may_download(request.user, entry):
        raise Http404
    stored = getattr(entry, kind)
    if not stored:
        raise Http404
    try:
        handle = stored.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    audit_record(actor=request.user, action="entry.file_download", target=entry, data={"kind": kind})
    suffix = stored.name.rsplit(".", 1)[-1].lower()
    blind = entry_blind_for(edition=entry.edition, viewer=request.user)
    response = FileResponse(handle, as_attachment=True, filename=entry_file_name(entry=entry, kind=kind, blind=blind),
                            content_type=CONTENT_TYPES.get(suffix, "application/octet-stream"))
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
