"""The check-in QR code as SVG (reportlab's own QR widget, no extra dependency)."""

from __future__ import annotations

from reportlab.graphics import renderSVG
from reportlab.graphics.barcode import qr
from reportlab.graphics.shapes import Drawing


def qr_svg(text: str, *, size: float = 240) -> str:
    widget = qr.QrCodeWidget(text)
    x1, y1, x2, y2 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x2 - x1), 0, 0, size / (y2 - y1), 0, 0])
    drawing.add(widget)
    return renderSVG.drawToString(drawing)
