"""The member's web badge and shop-window sticker, each with a QR code of the check page.

The QR code (segno) is drawn as plain squares, into SVG by hand and into PDF by ReportLab, so
that both stay sharp at any print size.
"""

import math
from dataclasses import dataclass
from io import BytesIO
from xml.sax.saxutils import escape

import segno
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import override
from reportlab.lib.colors import HexColor
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
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


# --- The round sticker: text measured to stay inside the circle -----------------------------
#
# Both the PDF and the SVG are laid out here, with the metrics of the PDF's standard fonts
# (ReportLab's stringWidth). The SVG names fonts with the same metrics and fixes each line's
# measured width (textLength), so that a viewer's fallback font cannot push a line outward.

STICKER_RADIUS_MM = 50  # 100 mm across
STICKER_MARGIN_MM = 4  # between any text and the circle's edge
SVG_FONT_FAMILY = "Helvetica, Arial, 'Liberation Sans', 'Nimbus Sans', sans-serif"
REGULAR, BOLD = "Helvetica", "Helvetica-Bold"
# The fonts' bounding boxes (FontBBox of their AFM files: bottom and top per unit of size),
# so that umlauts on capitals (Ö, Ü) and descenders count too.
FONT_EXTENT = {REGULAR: (-0.225, 0.931), BOLD: (-0.228, 0.962)}
QR_TOP_MM, QR_BOTTOM_MM, QR_HALF_MM = 20, -22, 21  # the white square, around the centre
TITLE_SIZES = [size / 2 for size in range(52, 23, -1)]  # 26 pt down to 12 pt
NAME_SIZES = [size / 2 for size in range(24, 12, -1)]  # 12 pt down to 6.5 pt
SMALL_MAX_PT = 10


@dataclass(frozen=True)
class StickerLine:
    """One centred line of text; `baseline_mm` is above the circle's centre (below: < 0)."""

    text: str
    font: str
    size_pt: float
    baseline_mm: float

    @property
    def size_mm(self) -> float:
        return self.size_pt / mm

    @property
    def width_mm(self) -> float:
        return stringWidth(self.text, self.font, self.size_pt) / mm

    def box(self) -> tuple[float, float, float, float]:
        """Left, bottom, right, top in mm from the centre."""
        below, above = FONT_EXTENT[self.font]
        half = self.width_mm / 2
        return (
            -half,
            self.baseline_mm + below * self.size_mm,
            half,
            self.baseline_mm + above * self.size_mm,
        )


def box_inside_circle(box, radius_mm: float) -> bool:
    left, bottom, right, top = box
    return all(math.hypot(x, y) <= radius_mm for x in (left, right) for y in (bottom, top))


def _fits(lines: list[StickerLine], radius_mm: float) -> bool:
    return all(box_inside_circle(line.box(), radius_mm - STICKER_MARGIN_MM) for line in lines)


def _title(text: str, radius_mm: float) -> StickerLine:
    """The largest size at which the title fits above the QR code."""
    for size in TITLE_SIZES:
        below = FONT_EXTENT[BOLD][0] * size / mm
        line = StickerLine(text, BOLD, size, QR_TOP_MM + 1.5 - below)
        if _fits([line], radius_mm):
            return line
    return line


def _stack(parts: list[tuple[str, str, float]]) -> list[StickerLine]:
    """Lines (text, font, size) one below the other, starting just below the QR code."""
    lines, top = [], QR_BOTTOM_MM - 1.5
    for text, font, size in parts:
        below, above = FONT_EXTENT[font]
        baseline = top - above * size / mm
        lines.append(StickerLine(text, font, size, baseline))
        top = baseline + below * size / mm - 0.15 * size / mm
    return lines


def _two_lines(text: str) -> list[str]:
    """Split at the space that makes the two lines most even (by width), or keep one line."""
    words = text.split()
    if len(words) < 2:
        return [text]
    splits = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    # "… Öfen &" / "Überdachungen …" reads better than a line that starts with "&" or a dash
    splits = [pair for pair in splits if pair[1][0] not in "&–-+"] or splits
    best = min(splits, key=lambda pair: max(stringWidth(part, REGULAR, 10) for part in pair))
    return list(best)


def _name_and_notes(name: str, notes: list[str], radius_mm: float) -> list[StickerLine]:
    """The member's name as large as fits, on one line or two; the notes below it."""

    def layout(name_lines, size):
        small = min(SMALL_MAX_PT, size)
        parts = [(line, REGULAR, size) for line in name_lines]
        return _stack(parts + [(note, REGULAR, small) for note in notes if note])

    for size in NAME_SIZES:
        for name_lines in ([name], _two_lines(name)):
            lines = layout(name_lines, size)
            if _fits(lines, radius_mm):
                return lines
    # Longer than any company name we know: two lines at the smallest size, the second cut.
    first, second = [*_two_lines(name), ""][:2]
    size = NAME_SIZES[-1]
    while second and not _fits(layout([first, second + "…"], size), radius_mm):
        second = second[:-1].rstrip()
    while not _fits(layout([first], size), radius_mm):
        first = first[:-1].rstrip()
    return layout([first, second + "…"] if second else [first + "…"], size)


def sticker_layout(texts: dict[str, str], *, radius_mm: float) -> list[StickerLine]:
    """Every text line of the round sticker, each inside the circle less the margin."""
    return [
        _title(texts["label"], radius_mm),
        *_name_and_notes(texts["member"], [texts["until"], texts["check"]], radius_mm),
    ]


SVG_STICKER_RADIUS_MM = 49  # a hair smaller than the page: the cutting line never clips it


def _svg_text(line: StickerLine) -> str:
    weight = ' font-weight="700"' if line.font == BOLD else ""
    return (
        f'<text x="50" y="{50 - line.baseline_mm:.2f}" font-size="{line.size_mm:.2f}"{weight} '
        f'textLength="{line.width_mm:.2f}" lengthAdjust="spacingAndGlyphs">'
        f"{escape(line.text)}</text>"
    )


def sticker_svg(*, membership: Membership, url: str) -> str:
    """A round shop-window sticker, 100 mm across."""
    lines = sticker_layout(_texts(membership), radius_mm=SVG_STICKER_RADIUS_MM)
    texts = "".join(_svg_text(line) for line in lines)
    title = escape(membership.producer.name)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="100mm" height="100mm" '
        'viewBox="0 0 100 100" role="img" aria-labelledby="t">'
        f'<title id="t">Made by Bochum – {title}</title>'
        f'<circle cx="50" cy="50" r="{SVG_STICKER_RADIUS_MM}" fill="{GREEN}"/>'
        '<rect x="29" y="30" width="42" height="42" rx="2" fill="#fff"/>'
        f"{_qr_path(url, x=29, y=30, width=42)}"
        f'<g font-family="{SVG_FONT_FAMILY}" fill="#fff" text-anchor="middle">{texts}</g></svg>'
    )


def sticker_pdf(*, membership: Membership, url: str) -> bytes:
    """The sticker on an A4 page, 100 mm across, for printing on sticker paper."""
    buffer = BytesIO()
    page = canvas.Canvas(buffer, pagesize=(210 * mm, 297 * mm))
    page.setTitle(f"Made by Bochum – {membership.producer.name}")
    page.setAuthor("BYBOCHUM e.V.")
    cx, cy, radius = 105 * mm, 190 * mm, STICKER_RADIUS_MM * mm
    page.setFillColor(HexColor(GREEN))
    page.circle(cx, cy, radius, stroke=0, fill=1)
    page.setFillColor(HexColor("#ffffff"))
    box = 2 * QR_HALF_MM * mm
    page.roundRect(cx - QR_HALF_MM * mm, cy + QR_BOTTOM_MM * mm, box, box, 2 * mm, stroke=0, fill=1)
    size, cells = _dark_modules(url)
    unit = box / (size + 2 * QUIET_ZONE)
    left, top = cx - QR_HALF_MM * mm + QUIET_ZONE * unit, cy + QR_TOP_MM * mm - QUIET_ZONE * unit
    page.setFillColor(HexColor(INK))
    for x, y in cells:
        page.rect(left + x * unit, top - (y + 1) * unit, unit, unit, stroke=0, fill=1)
    page.setFillColor(HexColor("#ffffff"))
    for line in sticker_layout(_texts(membership), radius_mm=STICKER_RADIUS_MM):
        page.setFont(line.font, line.size_pt)
        page.drawCentredString(cx, cy + line.baseline_mm * mm, line.text)
    page.setFillColor(HexColor(INK))
    page.setFont(REGULAR, 9)
    page.drawString(20 * mm, 40 * mm, url)
    page.showPage()
    page.save()
    return buffer.getvalue()
