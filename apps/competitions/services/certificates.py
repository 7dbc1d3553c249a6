"""Award certificates as PDF (A4 landscape, Chinese), with a verification code and QR code.

Certificates font
-----------------
ReportLab embeds TrueType outlines only (an OpenType/CFF font such as Debian's
``NotoSansCJK-Regular.ttc`` cannot be embedded by it), so the certificate uses a TrueType CJK
font: by default WenQuanYi Zen Hei from Debian's ``fonts-wqy-zenhei`` package
(``/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc``, installed with
``apt-get install -y fonts-wqy-zenhei``). The font is embedded as a subset (``/FontFile2``), so
the PDF shows the same on any machine. ``CERTIFICATE_FONT`` (Django setting or environment
variable) names another TrueType/TTC file; otherwise the first file of ``FONT_CANDIDATES``
that exists and is TrueType is used. With none, generating a certificate fails with a clear
``ImproperlyConfigured`` naming what to install.

The QR code (reportlab's own ``barcode.qr``, no extra dependency) holds the public
verification URL; the code is printed beneath it for typing in by hand.
"""

from __future__ import annotations

import io
import os
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone

FONT_NAME = "CertificateCJK"

# TrueType CJK fonts of Debian packages, best first (the first that exists is used).
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",  # fonts-wqy-zenhei
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",  # fonts-wqy-microhei
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",  # fonts-droid-fallback
    "/usr/share/fonts/truetype/arphic/uming.ttc",  # fonts-arphic-uming
    "/usr/share/fonts/truetype/arphic/ukai.ttc",  # fonts-arphic-ukai
)

MISSING_FONT = (
    "找不到可嵌入证书的中文 TrueType 字体。请安装 Debian 软件包 fonts-wqy-zenhei"
    "（apt-get install -y fonts-wqy-zenhei），或用 CERTIFICATE_FONT 指定一个 .ttf/.ttc 字体文件。"
)


def configured_font() -> str:
    """The configured font path ('' when none is configured)."""
    return str(getattr(settings, "CERTIFICATE_FONT", "") or os.environ.get("CERTIFICATE_FONT", "")).strip()


@lru_cache(maxsize=4)
def _load_font(path: str):
    from reportlab.pdfbase.ttfonts import TTFont

    return TTFont(FONT_NAME, path, subfontIndex=0) if path.lower().endswith(".ttc") else TTFont(FONT_NAME, path)


def certificate_font_path() -> str:
    """The font file certificates embed: ``CERTIFICATE_FONT`` if set (it must load), else the
    first candidate that exists and is TrueType. Raises ImproperlyConfigured otherwise."""
    from reportlab.pdfbase.ttfonts import TTFError

    wanted = configured_font()
    if wanted:
        if not os.path.isfile(wanted):
            raise ImproperlyConfigured(f"CERTIFICATE_FONT 指定的字体文件不存在：{wanted}。{MISSING_FONT}")
        try:
            _load_font(wanted)
        except TTFError as exc:
            raise ImproperlyConfigured(f"CERTIFICATE_FONT 不是可嵌入的 TrueType 字体（{exc}）。{MISSING_FONT}") from exc
        return wanted
    for path in FONT_CANDIDATES:
        if os.path.isfile(path):
            try:
                _load_font(path)
            except TTFError:
                continue
            return path
    raise ImproperlyConfigured(MISSING_FONT)


def _register_font() -> str:
    from reportlab.pdfbase import pdfmetrics

    font = _load_font(certificate_font_path())
    registered = pdfmetrics._fonts.get(FONT_NAME)  # noqa: SLF001 - reportlab's registry
    if registered is not font:
        pdfmetrics.registerFont(font)
    return FONT_NAME


def certificate_verification_path(*, code: str) -> str:
    return reverse("competitions:verify_code", args=[code])


def certificate_verification_url(*, code: str) -> str:
    """Absolute URL of the public verification page (``PORTAL_BASE_URL``/``SITE_URL`` if set)."""
    base = str(getattr(settings, "PORTAL_BASE_URL", "") or os.environ.get("PORTAL_BASE_URL", "")
               or os.environ.get("SITE_URL", "") or "http://127.0.0.1:8000").rstrip("/")
    return base + certificate_verification_path(code=code)


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


def _fit(canvas, text: str, font: str, size: float, max_width: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    while size > 8 and stringWidth(text, font, size) > max_width:
        size -= 1
    canvas.setFont(font, size)
    return size


def certificate_pdf(*, certificate, verify_url: str | None = None) -> bytes:
    """The certificate as an A4 landscape PDF with the CJK font embedded."""
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode import qr
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas as pdfcanvas

    font = _register_font()
    lines = certificate_lines(certificate=certificate)
    award = certificate.award
    url = verify_url or certificate_verification_url(code=certificate.code)
    when = award.edition.published_at or award.created_at or timezone.now()
    date_text = f"{timezone.localtime(when):%Y年%m月%d日}" if timezone.is_aware(when) else f"{when:%Y年%m月%d日}"

    buffer = io.BytesIO()
    width, height = landscape(A4)
    c = pdfcanvas.Canvas(buffer, pagesize=(width, height), pageCompression=1)
    c.setTitle(f"荣誉证书 {lines['holder']} {lines['award']}")
    c.setAuthor("北京市教育工会")
    c.setSubject(f"证书编号 {lines['code']}")

    # Frame.
    red = colors.HexColor("#B22222")
    gold = colors.HexColor("#C9A227")
    c.setStrokeColor(red)
    c.setLineWidth(6)
    c.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    c.setStrokeColor(gold)
    c.setLineWidth(1.5)
    c.rect(17 * mm, 17 * mm, width - 34 * mm, height - 34 * mm)

    # Title.
    c.setFillColor(red)
    c.setFont(font, 46)
    c.drawCentredString(width / 2, height - 52 * mm, "荣 誉 证 书")

    # Body.
    c.setFillColor(colors.black)
    left, text_width = 38 * mm, width - 76 * mm - 50 * mm
    _fit(c, f"{lines['holder']}：", font, 26, text_width)
    c.drawString(left, height - 80 * mm, f"{lines['holder']}：")
    where = f"在{lines['edition']}" + (f"（{lines['group']}）" if lines["group"] else "") + "中，"
    _fit(c, where, font, 20, text_width)
    c.drawString(left + 12 * mm, height - 96 * mm, where)
    honoured = f"荣获 {lines['award']}。"
    _fit(c, honoured, font, 28, text_width)
    c.setFillColor(red)
    c.drawString(left + 12 * mm, height - 114 * mm, honoured)
    c.setFillColor(colors.black)
    _fit(c, f"单位：{lines['unit']}", font, 16, text_width)
    c.drawString(left + 12 * mm, height - 130 * mm, f"单位：{lines['unit']}")

    # Issuer and date (bottom right).
    c.setFont(font, 18)
    c.drawRightString(width - 90 * mm, 48 * mm, "北京市教育工会")
    c.setFont(font, 15)
    c.drawRightString(width - 90 * mm, 38 * mm, date_text)

    # QR code of the verification URL, and the code beneath it.
    size = 36 * mm
    widget = qr.QrCodeWidget(url)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    qr_x, qr_y = width - 30 * mm - size, 34 * mm
    renderPDF.draw(drawing, c, qr_x, qr_y)
    c.setFont(font, 10)
    c.drawCentredString(qr_x + size / 2, qr_y - 5 * mm, f"证书编号：{lines['code']}")
    c.setFont(font, 8)
    c.drawCentredString(qr_x + size / 2, qr_y - 10 * mm, "扫码或登录平台“证书查验”核对")
    c.setFont(font, 9)
    c.setFillColor(colors.HexColor("#555555"))
    c.drawString(24 * mm, 22 * mm, f"查验网址：{url}")

    c.showPage()
    c.save()
    return buffer.getvalue()


def certificate_filename(*, certificate) -> str:
    return f"证书-{certificate.code}.pdf"
