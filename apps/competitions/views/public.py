"""After the contest: certificate PDFs, a teacher's certificates, the public verification
page, the talent pool export and the yearbook download.

* ``/competitions/certificates/<code>/pdf/``: the certificate's own teacher (their
  ``TeacherAccount.member``), staff whose scope contains the award's unit, the municipal
  admin; anyone else gets a 404, exactly like an unknown code.
* ``/competitions/verify/<code>/``: the portal's one public verification page
  (``apps/core/certificate_views.py``, also at ``/verify/``), served here too because printed
  certificates point here. Name, edition, group, award and unit — nothing else.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from apps.accounts.acting import acting_organization
from apps.accounts.permissions import PUBLISH_EDITION
from apps.core.audit import audit_record
from apps.core.certificate_views import VERIFY_MISSES, VERIFY_WINDOW, verify_code, verify_form
from apps.core.certificates import CODE_RE, normalize_code
from apps.core.scoping import in_scope

from ..models import Certificate, TeacherAccount
from ..services.certificates import (
    certificate_filename, certificate_pdf, certificate_verification_path,
)
from ..services.yearbook import talent_pool_response, yearbook_response

VIEW_CERTIFICATE = "competitions.view_certificate"
VIEW_TALENT_POOL = "competitions.view_talentpoolentry"
__all__ = ["VERIFY_MISSES", "VERIFY_WINDOW", "verify_code", "verify_form", "certificate_download", "my_certificates",
           "talent_pool_export", "yearbook_download"]


def _certificate(code: str) -> Certificate | None:
    """The certificate of ``code`` in the acting scope (its teacher, staff of its unit)."""
    code = normalize_code(code)
    if not CODE_RE.match(code):
        return None
    related = ("award__edition", "award__group", "award__organization", "member")
    return Certificate.objects.select_related(*related).filter(code=code).first()


def teacher_member_id(user) -> int | None:
    account = TeacherAccount.objects.filter(user=user).only("member_id").first()
    return account.member_id if account else None


def may_download(user, certificate: Certificate) -> bool:
    """The certificate's own teacher, or staff (and the municipal admin) whose scope holds
    the award's unit."""
    if certificate.member_id and certificate.member_id == teacher_member_id(user):
        return True
    return user.has_perm(VIEW_CERTIFICATE) and in_scope(certificate.award.organization.path)


@login_required
@require_GET
def certificate_download(request, code: str):
    certificate = _certificate(code)
    if certificate is None or not may_download(request.user, certificate):
        raise Http404
    pdf = certificate_pdf(certificate=certificate, verify_url=request.build_absolute_uri(
        certificate_verification_path(code=certificate.code)))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, certificate_filename(certificate=certificate))
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def my_certificates(request):
    """A teacher's own certificates (those naming their linked member), newest first."""
    member_id = teacher_member_id(request.user)
    rows = []
    if member_id is not None:
        rows = list(Certificate.objects.filter(member_id=member_id)  # the teacher's scope: their own
                    .select_related("award__edition", "award__group", "award__organization")
                    .order_by("-award__edition__year", "-id"))
    return render(request, "competitions/public/my_certificates.html",
                  {"linked": member_id is not None, "certificates": rows})


@login_required
@require_GET
def talent_pool_export(request):
    """优秀青年教师师资库 of the acting unit's subtree as Excel (IDs masked), audited."""
    organization = acting_organization(request.user)
    if organization is None or not request.user.has_perm(VIEW_TALENT_POOL):
        raise Http404
    response, count = talent_pool_response(organization=organization)
    audit_record(actor=request.user, action="talent_pool.export", target=organization,
                 data={"rows": count, "masked": True})
    return response


@login_required
@require_GET
def yearbook_download(request):
    """历届赛事年鉴统计表 (city-wide statistics): the municipal admin only."""
    if not request.user.has_perm(PUBLISH_EDITION):
        raise PermissionDenied("仅市级管理员可下载年鉴统计表。")
    return yearbook_response()
