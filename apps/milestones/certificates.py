"""The 从教30周年 commemorative certificate (a PDF per person) and the roster per university
(Excel), drawn with the portal's one certificate mechanism (``apps/core/certificates.py``):
the same CJK font, frame, QR code and public verification page as the competitions'."""

from __future__ import annotations

from typing import IO

from django.utils import timezone

from apps.core.certificates import CertificateRenderer, date_text, verification_url
from apps.core.excel import SafeXlsxWriter

from .enums import TEACHING_YEARS
from .models import ThirtyYearHonoree, ThirtyYearRoll

TITLE = "从教三十周年纪念证书"
ROSTER_HEADERS = ("序号", "姓名", "性别", "出生年月", "从教日期", "从教年限", "证书编号")


def honoree_public_facts(code: str) -> dict | None:
    """The public verification page's answer for a 从教30周年 certificate (registered in ready())."""
    honoree = (ThirtyYearHonoree.objects.select_related("roll__organization")
               .filter(code=code, issued_at__isnull=False).first())
    if honoree is None:
        return None
    return {"title": f"{honoree.roll.year}年{TITLE}",
            "facts": [("姓名", honoree.name), ("证书", f"从教{TEACHING_YEARS}周年纪念证书"),
                      ("从教年份", f"{honoree.teaching_since.year}年"), ("单位", honoree.roll.organization.name),
                      ("颁发单位", "北京市教育工会")]}


def honoree_pdf(*, honoree: ThirtyYearHonoree, renderer: CertificateRenderer | None = None,
                verify_url: str | None = None) -> bytes:
    """One person's commemorative certificate (A4 landscape, the CJK font embedded, QR code)."""
    from reportlab.lib.units import mm

    renderer = renderer or CertificateRenderer()
    roll = honoree.roll
    url = verify_url or verification_url(code=honoree.code)
    page = renderer.canvas(title=f"{TITLE} {honoree.name}", subject=f"证书编号 {honoree.code}")
    width, height = page.width, page.height
    page.frame()
    page.title("纪 念 证 书")
    left, text_width = 38 * mm, width - 76 * mm - 50 * mm
    page.line(f"{honoree.name} 同志：", x=left, y=height - 78 * mm, size=26, max_width=text_width)
    page.line(f"您自{honoree.teaching_since.year}年从事教育工作，至{roll.year}年已满{TEACHING_YEARS}年。",
              x=left + 12 * mm, y=height - 94 * mm, size=18, max_width=text_width)
    page.line("三十载春风化雨，桃李芬芳。特颁此证，以表敬意！", x=left + 12 * mm, y=height - 108 * mm,
              size=18, max_width=text_width)
    page.line(f"从教{TEACHING_YEARS}周年纪念", x=left + 12 * mm, y=height - 126 * mm, size=26,
              max_width=text_width, color="#B22222")
    page.line(f"单位：{roll.organization.name}", x=left + 12 * mm, y=height - 142 * mm, size=16,
              max_width=text_width)
    issued = honoree.issued_at or roll.issued_at or timezone.now()
    page.issuer(date_text=date_text(timezone.localtime(issued)))
    page.verification(url=url, code=honoree.code)
    return page.finish()


def honoree_filename(*, honoree: ThirtyYearHonoree) -> str:
    return f"从教30周年纪念证书-{honoree.name}-{honoree.code}.pdf"


def roster_write(handle: IO[bytes], *, roll: ThirtyYearRoll, honorees=None) -> int:
    """The roll as the union's official roster (名册): heading, unit and year, one row per
    person (codes and dates as text), the sign-off lines. Through the safe writer."""
    honorees = list(honorees if honorees is not None else
                    roll.honorees.select_related("member").order_by("name", "id"))
    writer = SafeXlsxWriter(
        handle, sheet=f"{roll.year}年从教30周年", headers=ROSTER_HEADERS, text_columns=(3, 4, 6),
        widths=(6, 12, 6, 10, 12, 10, 16),
        title_lines=(f"{roll.year}年从教30周年教职工名册",
                     f"单位：{roll.organization.name}　　共 {len(honorees)} 人　　状态：{roll.get_status_display()}"))
    try:
        for number, h in enumerate(honorees, start=1):
            member = h.member
            writer.write_row((number, h.name, member.get_gender_display(), f"{member.birth_date:%Y-%m}",
                              f"{h.teaching_since:%Y-%m-%d}", f"{roll.year - h.teaching_since.year}年", h.code or ""))
        writer.write_note("")
        writer.write_note("单位工会（盖章）：　　　　　　　　经办人：　　　　　　　　联系电话：")
        writer.write_note(f"制表日期：{timezone.localdate():%Y年%m月%d日}　　北京市教育工会制")
    finally:
        writer.close()
    return len(honorees)


def roster_filename(*, roll: ThirtyYearRoll) -> str:
    return f"{roll.year}年从教30周年名册-{roll.organization.name}.xlsx"
