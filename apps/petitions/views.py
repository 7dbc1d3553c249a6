"""Pages: the permission-checked download of a case's attachment (never from MEDIA_ROOT)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from apps.core.audit import audit_record

from .models import CaseAttachment


@login_required
@require_GET
def attachment_download(request, pk: int):
    if not request.user.has_perm("petitions.view_caseattachment"):
        raise PermissionDenied
    try:
        attachment = CaseAttachment.objects.select_related("case").get(pk=pk)  # scoped: another unit's → 404
    except CaseAttachment.DoesNotExist as exc:
        raise Http404 from exc
    audit_record(actor=request.user, action="petitions.download", target=attachment.case,
                 data={"attachment": attachment.pk})
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name)
