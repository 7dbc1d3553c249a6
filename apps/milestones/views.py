"""Pages of 从教30周年: a certificate's PDF and a university's roster (Excel).

* ``/milestones/certificates/<code>/pdf/``: the certificate's own member (a teacher linked to
  the member record), staff whose scope holds the university; anyone else a 404.
* ``/milestones/rolls/<id>/roster.xlsx``: staff whose scope holds the university (audited).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from apps.core.audit import audit_record
from apps.core.certificates import CODE_RE, normalize_code, verification_path
from apps.core.excel import xlsx_attachment
from apps.core.scoping import acting_person

from .certificates import honoree_filename, honoree_pdf, roster_filename, roster_write
from .issuing import issued_honoree
from .models import ThirtyYearRoll

VIEW_HONOREE = "milestones.view_thirtyyearhonoree"
VIEW_ROLL = "milestones.view_thirtyyearroll"


@login_required
@require_GET
def certificate_download(request, code: str):
    code = normalize_code(code)
    honoree = issued_honoree(code) if CODE_RE.match(code) else None  # the acting scope: own, or the unit's
    if honoree is None:
        raise Http404
    person, _ = acting_person()  # a teacher's person scope already holds only their own
    if person != "teacher" and not request.user.has_perm(VIEW_HONOREE):
        raise Http404
    pdf = honoree_pdf(honoree=honoree, verify_url=request.build_absolute_uri(verification_path(code=honoree.code)))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, honoree_filename(honoree=honoree))
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def roster_download(request, pk: int):
    if not request.user.has_perm(VIEW_ROLL):
        raise Http404
    roll = ThirtyYearRoll.objects.select_related("organization").filter(pk=pk).first()  # scoped: another unit's → 404
    if roll is None:
        raise Http404
    response, rows = xlsx_attachment(lambda handle: roster_write(handle, roll=roll), roster_filename(roll=roll))
    audit_record(actor=request.user, action="milestones.roster_export", target=roll, data={"rows": rows})
    return response
