"""The portal's one certificate mechanism: PDF layout helpers (A4 landscape, the embedded CJK
font, the frame, a QR code of the public verification address), verification codes, and the
public verification look-up every app's certificates share.

Core knows no domain app: each app that issues certificates registers a *kind* in its
``AppConfig.ready()``::

    register_certificate_kind("competitions", lookup=competition_certificate_facts, order=10)

``lookup(code)`` answers the public facts of the certificate holding ``code`` (a title and
``(label, value)`` lines: a name, what it certifies, the unit, the code — never personal data),
or ``None``. It is called with scopes disabled (the public page is city-wide by design). Codes
are 12 characters of an unambiguous alphabet, unique per kind; every kind draws them from
``verification_code()`` (31¹² possibilities), so one public page (``/verify/<code>/``, also
served at ``/competitions/verify/<code>/`` where printed certificates point) finds any.

Certificates font
-----------------
ReportLab embeds TrueType outlines only (an OpenType/CFF font such as Debian's
``NotoSansCJK-Regular.ttc`` cannot be embedded by it), so certificates use a TrueType CJK
font: by default WenQuanYi Zen Hei from Debian's ``fonts-wqy-zenhei`` package
(``/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc``). It is embedded as a subset
(``/FontFile2``). ``CERTIFICATE_FONT`` (Django setting or environment variable) names another
TrueType/TTC file; otherwise the first file of ``FONT_CANDIDATES`` that exists and is
TrueType is used. With none, rendering fails with a clear ``ImproperlyConfigured``.

Rendering many
--------------
``CertificateCanvas`` is what one PDF is drawn on. A ``CertificateRenderer`` resolves and
registers the font once and is reused for every certificate of a run (a job issuing 1,800
PDFs); the QR code is drawn as one vector path of its modules (no per-module shapes).
"""

from __future__ import annotations

import io
import os
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from .scoping import scopes_disabled

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

ISSUER = "北京市教育工会"
RED = "#B22222"
GOLD = "#C9A227"
GREY = "#555555"

# --- verification codes -----------------------------------------------------------------------

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L
CODE_LENGTH = 12
CODE_RE = re.compile(r"^[A-Z0-9]{4,20}$")


def random_code(*, length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def verification_code() -> str:
    """A fresh certificate verification code (12 characters, 31¹² possibilities)."""
    return random_code(length=CODE_LENGTH)


def normalize_code(raw: str | None) -> str:
    """What a person typed or scanned, as a code: spaces and dashes dropped, upper case."""
    return re.sub(r"[\s\-]+", "", raw or "").upper()


# --- the registry of certificate kinds ---------------------------------------------------------


@dataclass(frozen=True)
class CertificateKind:
    name: str
    lookup: Callable[[str], dict | None]
    order: int


_kinds: dict[str, CertificateKind] = {}


def register_certificate_kind(name: str, *, lookup: Callable[[str], dict | None], order: int = 50) -> None:
    """An app's certificates become verifiable on the public page (see the module docstring)."""
    _kinds[name] = CertificateKind(name=name, lookup=lookup, order=order)


def certificate_kinds() -> list[CertificateKind]:
    return sorted(_kinds.values(), key=lambda k: k.order)


def certificate_verify(*, code: str) -> dict | None:
    """The public facts of the certificate holding ``code`` (any registered kind), or None.
    Answer: ``{"kind", "title", "facts": [(label, value), …], "code"}``."""
    code = normalize_code(code)
    if not CODE_RE.match(code):
        return None
    with scopes_disabled():  # public verification: whoever holds the code sees its public facts, city-wide
        for kind in certificate_kinds():
            found = kind.lookup(code)
            if found:
                facts = [(label, value) for label, value in found.get("facts", ()) if value not in (None, "")]
                return {"kind": kind.name, "title": found.get("title", "证书"), "facts": facts, "code": code}
    return None


# --- addresses ---------------------------------------------------------------------------------


def portal_base_url() -> str:
    """``PORTAL_BASE_URL`` (or ``SITE_URL``): the address certificates made outside a request print."""
    return str(getattr(settings, "PORTAL_BASE_URL", "") or os.environ.get("PORTAL_BASE_URL", "")
               or os.environ.get("SITE_URL", "") or "http://127.0.0.1:8000").rstrip("/")


def verification_path(*, code: str) -> str:
    """The portal's public verification page of ``code``."""
    return reverse("certificates:verify_code", args=[code])


def verification_url(*, code: str, path: str | None = None) -> str:
    return portal_base_url() + (path or verification_path(code=code))


# --- the font ------------------------------------------------------------------------------------


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


def register_font() -> str:
    """Register the certificate font with ReportLab (once per font object); its name."""
    from reportlab.pdfbase import pdfmetrics

    font = _load_font(certificate_font_path())
    registered = pdfmetrics._fonts.get(FONT_NAME)  # noqa: SLF001 - reportlab's registry
    if registered is not font:
        pdfmetrics.registerFont(font)
    return FONT_NAME


def cjk_font_available() -> bool:
    try:
        return bool(certificate_font_path())
    except ImproperlyConfigured:
        return False


# --- drawing ---------------------------------------------------------------------------------------


def _qr_modules(url: str, masks: dict | None = None) -> tuple[int, list[tuple[int, int, int]]]:
    """The QR code of ``url`` (level M): its size in modules and its dark runs
    ``(row, first column, length)``.

    Choosing the mask pattern tries all eight and scores each (most of the encoding's cost);
    any mask is a valid QR code, the score only prefers the most even-looking one. ``masks``
    (a renderer's cache, by the data's length) keeps the pattern chosen for the first address of
    a length and reuses it for the next ones of a run (same prefix, same length of code)."""
    from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel

    qr = QRCode(None, QRErrorCorrectLevel.M)  # the smallest version that holds the address
    qr.addData(url)
    qr.version = qr.calculate_version()
    key = len(url.encode())
    mask = masks.get(key) if masks is not None else None
    if mask is None:
        mask = qr.getBestMaskPattern()
        if masks is not None:
            masks[key] = mask
    qr.makeImpl(False, mask)
    count = qr.getModuleCount()
    runs = []
    for r, row in enumerate(qr.modules):
        c = 0
        while c < count:
            if row[c]:
                start = c
                while c < count and row[c]:
                    c += 1
                runs.append((r, start, c - start))
            else:
                c += 1
    return count, runs


class CertificateCanvas:
    """One certificate page (A4 landscape) being drawn; ``finish()`` answers the PDF bytes."""

    def __init__(self, *, font: str, title: str, subject: str, qr_masks: dict | None = None):
        from reportlab.lib.pagesizes import A4, landscape
        from reportlab.pdfgen import canvas as pdfcanvas

        self.font = font
        self.qr_masks = qr_masks
        self.buffer = io.BytesIO()
        self.width, self.height = landscape(A4)
        self.c = pdfcanvas.Canvas(self.buffer, pagesize=(self.width, self.height), pageCompression=1)
        self.c.setTitle(title)
        self.c.setAuthor(ISSUER)
        self.c.setSubject(subject)

    def frame(self) -> None:
        from reportlab.lib import colors
        from reportlab.lib.units import mm

        c, width, height = self.c, self.width, self.height
        c.setStrokeColor(colors.HexColor(RED))
        c.setLineWidth(6)
        c.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
        c.setStrokeColor(colors.HexColor(GOLD))
        c.setLineWidth(1.5)
        c.rect(17 * mm, 17 * mm, width - 34 * mm, height - 34 * mm)

    def title(self, text: str, *, size: float = 46) -> None:
        from reportlab.lib import colors
        from reportlab.lib.units import mm

        self.c.setFillColor(colors.HexColor(RED))
        self.c.setFont(self.font, size)
        self.c.drawCentredString(self.width / 2, self.height - 52 * mm, text)
        self.c.setFillColor(colors.black)

    def fit(self, text: str, size: float, max_width: float) -> float:
        """Set the font at ``size`` or smaller so that ``text`` fits ``max_width``."""
        from reportlab.pdfbase.pdfmetrics import stringWidth

        while size > 8 and stringWidth(text, self.font, size) > max_width:
            size -= 1
        self.c.setFont(self.font, size)
        return size

    def line(self, text: str, *, x: float, y: float, size: float, max_width: float, color: str | None = None) -> None:
        from reportlab.lib import colors

        self.fit(text, size, max_width)
        if color:
            self.c.setFillColor(colors.HexColor(color))
        self.c.drawString(x, y, text)
        if color:
            self.c.setFillColor(colors.black)

    def issuer(self, *, date_text: str, issuer: str = ISSUER) -> None:
        from reportlab.lib.units import mm

        self.c.setFont(self.font, 18)
        self.c.drawRightString(self.width - 90 * mm, 48 * mm, issuer)
        self.c.setFont(self.font, 15)
        self.c.drawRightString(self.width - 90 * mm, 38 * mm, date_text)

    def qr(self, url: str, *, x: float, y: float, size: float) -> None:
        """The QR code of ``url`` as one path of filled rectangles (vector modules, a row's
        adjacent dark modules joined into one rectangle)."""
        from reportlab.lib import colors

        count, runs = _qr_modules(url, self.qr_masks)
        quiet = 4
        module = size / (count + 2 * quiet)
        c = self.c
        c.setFillColor(colors.black)
        path = c.beginPath()
        top = y + size - quiet * module
        for row, col, length in runs:
            path.rect(x + (quiet + col) * module, top - (row + 1) * module, module * length, module)
        c.drawPath(path, stroke=0, fill=1)

    def verification(self, *, url: str, code: str) -> None:
        """The QR code (bottom right), the code beneath it and the address along the bottom."""
        from reportlab.lib import colors
        from reportlab.lib.units import mm

        c, font = self.c, self.font
        size = 36 * mm
        qr_x, qr_y = self.width - 30 * mm - size, 34 * mm
        self.qr(url, x=qr_x, y=qr_y, size=size)
        c.setFont(font, 10)
        c.drawCentredString(qr_x + size / 2, qr_y - 5 * mm, f"证书编号：{code}")
        c.setFont(font, 8)
        c.drawCentredString(qr_x + size / 2, qr_y - 10 * mm, "扫码或登录平台“证书查验”核对")
        c.setFont(font, 9)
        c.setFillColor(colors.HexColor(GREY))
        c.drawString(24 * mm, 22 * mm, f"查验网址：{url}")
        c.setFillColor(colors.black)

    def finish(self) -> bytes:
        self.c.showPage()
        self.c.save()
        return self.buffer.getvalue()


class CertificateRenderer:
    """What a run of certificates shares: the font resolved and registered once, and the QR
    mask pattern chosen once per length of address. ``canvas()`` starts each certificate."""

    def __init__(self):
        self.font = register_font()
        self.qr_masks: dict[int, int] = {}

    def canvas(self, *, title: str, subject: str) -> CertificateCanvas:
        return CertificateCanvas(font=self.font, title=title, subject=subject, qr_masks=self.qr_masks)


def date_text(day) -> str:
    return f"{day:%Y年%m月%d日}"
