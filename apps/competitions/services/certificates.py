"""Award certificates as PDF (A4 landscape, Chinese), with a verification code and QR code,
drawn with the portal's one certificate mechanism (``apps/core/certificates.py``: the embedded
CJK font, the frame, the QR code of the public verification page, the codes). This module holds
only what a competition certificate says."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from apps.core.certificates import (
    CertificateRenderer, certificate_font_path, date_text, portal_base_url,
)

from ..models import Certificate

__all__ = ["certificate_font_path", "certificate_lines", "certificate_pdf", "certificate_verification_path",
           "certificate_verification_url", "certificate_filename", "certificate_public_facts"]


def certificate_verification_path(*, code: str) -> str:
    """The address printed on competition certificates (the portal's one verification page,
    also served under /competitions/)."""
    return reverse("competitions:verify_code", args=[code])


def certificate_verification_url(*, code: str) -> str:
    """Absolute URL of the public verification page (``PORTAL_BASE_URL``/``SITE_URL`` if set)."""
    return portal_base_url() + certificate_verification_path(code=code)


def certificate_lines(*, certificate) -> dict:
    """What a certificate says (also what the verification page shows)."""
    award = certificate.award
    return {
        "holder": certificate.holder_name,
        "edition": award.edition.name,
        "group": award.group.name if award.group_id else "",
        "award": award.name,
        "unit": award.organization.name,
        "code": certificate.code,
    }


def certificate_public_facts(code: str) -> dict | None:
    """The competitions' answer to the public verification page (registered in ready())."""
    certificate = (Certificate.objects.select_related("award__edition", "award__group", "award__organization")
                   .filter(code=code).first())
    if certificate is None:
        return None
    lines = certificate_lines(certificate=certificate)
    return {"title": "荣誉证书（赛事获奖）", "facts": [("获奖者", lines["holder"]), ("赛事", lines["edition"]),
                                                ("组别", lines["group"]), ("奖项", lines["award"]),
                                                ("单位", lines["unit"])]}


def certificate_pdf(*, certificate, verify_url: str | None = None, renderer: CertificateRenderer | None = None) -> bytes:
    """The certificate as an A4 landscape PDF with the CJK font embedded."""
    from reportlab.lib.units import mm

    renderer = renderer or CertificateRenderer()
    lines = certificate_lines(certificate=certificate)
    award = certificate.award
    url = verify_url or certificate_verification_url(code=certificate.code)
    when = award.edition.published_at or award.created_at or timezone.now()
    day = timezone.localtime(when) if timezone.is_aware(when) else when

    page = renderer.canvas(title=f"荣誉证书 {lines['holder']} {lines['award']}", subject=f"证书编号 {lines['code']}")
    width, height = page.width, page.height
    page.frame()
    page.title("荣 誉 证 书")
    left, text_width = 38 * mm, width - 76 * mm - 50 * mm
    page.line(f"{lines['holder']}：", x=left, y=height - 80 * mm, size=26, max_width=text_width)
    where = f"在{lines['edition']}" + (f"（{lines['group']}）" if lines["group"] else "") + "中，"
    page.line(where, x=left + 12 * mm, y=height - 96 * mm, size=20, max_width=text_width)
    page.line(f"荣获 {lines['award']}。", x=left + 12 * mm, y=height - 114 * mm, size=28, max_width=text_width,
              color="#B22222")
    page.line(f"单位：{lines['unit']}", x=left + 12 * mm, y=height - 130 * mm, size=16, max_width=text_width)
    page.issuer(date_text=date_text(day))
    page.verification(url=url, code=lines["code"])
    return page.finish()


def certificate_filename(*, certificate) -> str:
    return f"证书-{certificate.code}.pdf"
