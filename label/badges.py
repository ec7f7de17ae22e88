"""The member's web badge and shop-window sticker, each with a QR code of the check page.

The QR code (segno) is drawn as plain squares, into SVG by hand and into PDF by ReportLab, so
that both stay sharp at any print size.
"""

from io import BytesIO
from xml.sax.saxutils import escape

import segno
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import override
from reportlab.lib.colors import HexColor
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from label.models import Membership

GREEN = "#1d5c2e"
INK = "#1b1b1b"


def _dark_modules(url: str) -> tuple[int, list[tuple[int, int]]]:
    qr = segno.make(url, error="m")
    size = qr.symbol_size(border=0)[0]
    cells = [
        (x, y)
        for y, row in enumerate(qr.matrix_iter(border=0))
        for x, dark in enumerate(row)
        if dark
    ]
    return size, cells


# The quiet zone that QR readers need around the code, in modules (ISO/IEC 18004).
QUIET_ZONE = 4


def _qr_path(url: str, *, x: float, y: float, width: float) -> str:
    """The QR code with its quiet zone filling the white square at (x, y) of side `width`."""
    size, cells = _dark_modules(url)
    unit = width / (size + 2 * QUIET_ZONE)
    left, top = x + QUIET_ZONE * unit, y + QUIET_ZONE * unit
    path = "".join(
        f"M{left + cx * unit:.3f} {top + cy * unit:.3f}h{unit:.3f}v{unit:.3f}h-{unit:.3f}z"
        for cx, cy in cells
    )
    return f'<path class="qr" fill="{INK}" d="{path}"/>'


def _texts(membership: Membership) -> dict[str, str]:
    # Stickers are printed once and read by anyone: German, the language of the shop window.
    with override("de"):
        end = membership.valid_until
        until = formats.date_format(end, "d.m.Y") if end else ""
        return {
            "label": "Made by Bochum",
            "member": membership.producer.name,
            "until": _("valid until %(date)s") % {"date": until} if until else "",
            "check": _("Scan to check"),
        }


def _shorten(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def web_badge_svg(*, membership: Membership, url: str) -> str:
    t = {key: escape(value) for key, value in _texts(membership).items()}
    member = escape(_shorten(membership.producer.name, 24))
    title = escape(f"Made by Bochum – {membership.producer.name}")
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="120" viewBox="0 0 320 120" '
        f'role="img" aria-labelledby="t"><title id="t">{title}</title>'
        f'<rect width="320" height="120" rx="10" fill="{GREEN}"/>'
        '<rect x="212" y="12" width="96" height="96" rx="4" fill="#fff"/>'
        f"{_qr_path(url, x=212, y=12, width=96)}"
        '<g font-family="DejaVu Sans, Arial, sans-serif" fill="#fff">'
        f'<text x="16" y="42" font-size="19" font-weight="700" textLength="180" '
        f'lengthAdjust="spacingAndGlyphs">{t["label"]}</text>'
        f'<text x="16" y="70" font-size="12">{member}</text>'
        f'<text x="16" y="92" font-size="12">{t["until"]}</text>'
        f'<text x="16" y="108" font-size="10">{t["check"]} →</text></g></svg>'
    )


def sticker_svg(*, membership: Membership, url: str) -> str:
    """A round shop-window sticker, 100 mm across."""
    t = {key: escape(value) for key, value in _texts(membership).items()}
    member = escape(_shorten(membership.producer.name, 28))
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="100mm" height="100mm" '
        'viewBox="0 0 100 100" role="img" aria-labelledby="t">'
        f'<title id="t">Made by Bochum – {t["member"]}</title>'
        f'<circle cx="50" cy="50" r="49" fill="{GREEN}"/>'
        '<rect x="29" y="30" width="42" height="42" rx="2" fill="#fff"/>'
        f"{_qr_path(url, x=29, y=30, width=42)}"
        '<g font-family="DejaVu Sans, Arial, sans-serif" fill="#fff" text-anchor="middle">'
        f'<text x="50" y="24" font-size="7" font-weight="700" textLength="62" '
        f'lengthAdjust="spacingAndGlyphs">{t["label"]}</text>'
        f'<text x="50" y="80" font-size="4.2">{member}</text>'
        f'<text x="50" y="86" font-size="3.6">{t["until"]}</text>'
        f'<text x="50" y="91" font-size="3.6">{t["check"]}</text></g></svg>'
    )


def sticker_pdf(*, membership: Membership, url: str) -> bytes:
    """The sticker on an A4 page, 100 mm across, for printing on sticker paper."""
    t = _texts(membership)
    buffer = BytesIO()
    page = canvas.Canvas(buffer, pagesize=(210 * mm, 297 * mm))
    page.setTitle(f"Made by Bochum – {membership.producer.name}")
    page.setAuthor("BYBOCHUM e.V.")
    cx, cy, radius = 105 * mm, 190 * mm, 50 * mm
    page.setFillColor(HexColor(GREEN))
    page.circle(cx, cy, radius, stroke=0, fill=1)
    page.setFillColor(HexColor("#ffffff"))
    box = 42 * mm
    page.roundRect(cx - 21 * mm, cy - 22 * mm, box, box, 2 * mm, stroke=0, fill=1)
    size, cells = _dark_modules(url)
    unit = box / (size + 2 * QUIET_ZONE)
    left, top = cx - 21 * mm + QUIET_ZONE * unit, cy + 20 * mm - QUIET_ZONE * unit
    page.setFillColor(HexColor(INK))
    for x, y in cells:
        page.rect(left + x * unit, top - (y + 1) * unit, unit, unit, stroke=0, fill=1)
    page.setFillColor(HexColor("#ffffff"))
    page.setFont("Helvetica-Bold", 26)
    page.drawCentredString(cx, cy + 27 * mm, t["label"])
    page.setFont("Helvetica", 12)
    page.drawCentredString(cx, cy - 30 * mm, _shorten(t["member"], 34))
    page.setFont("Helvetica", 10)
    page.drawCentredString(cx, cy - 36 * mm, t["until"])
    page.drawCentredString(cx, cy - 41 * mm, t["check"])
    page.setFillColor(HexColor(INK))
    page.setFont("Helvetica", 9)
    page.drawString(20 * mm, 40 * mm, url)
    page.showPage()
    page.save()
    return buffer.getvalue()
