"""QR codes of the portal's addresses, as inline SVG for pages and as a drawing for PDFs."""

from __future__ import annotations

import segno
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing


def qr_svg(url: str) -> str:
    """The QR code as inline SVG (no image files, allowed by the page's CSP)."""
    return segno.make(url, error="m").svg_inline(scale=3, border=2, omitsize=False)


def qr_drawing(url: str, size: float) -> Drawing:
    """The QR code as a reportlab drawing `size` points wide and high."""
    widget = QrCodeWidget(url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing
