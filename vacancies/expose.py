"""The exposé of a published site: the same facts, map and contact for the printable page and
the PDF, so that both say the same.

The map is drawn from our own data, not from map tiles: the search areas around the site (from
PostGIS, clipped to the map's frame) and the site's point, with a scale bar. Tiles would have to
be fetched from a tile server at render time (slow, a second party told of every exposé, and
OpenStreetMap's tile policy forbids bulk use), and raster tiles blur in print; the vector map is
sharp at any size and costs one query. The QR code leads to the site's page with the full
interactive map.
"""

import math
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

import segno
from django.conf import settings
from django.contrib.gis.db.models.functions import Intersection
from django.contrib.gis.geos import GEOSGeometry, Polygon
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from fabtown import numbers
from vacancies.models import SearchArea, Site
from vacancies.selectors.consent import ContactRoute, public_contact_route

# The map's frame around the site: 1.8 km × 1.2 km, about the size of a search area.
MAP_HALF_WIDTH_M = 900
MAP_HALF_HEIGHT_M = 600
MAP_WIDTH = 300  # drawing units (the SVG's viewBox, points in the PDF)
MAP_HEIGHT = 200
SCALE_BAR_M = 500
METRES_PER_DEGREE = 111_320
# The PDF keeps to two pages: longer texts are cut there, the page carries them in full.
PDF_DESCRIPTION_CHARS = 1200
PDF_EQUIPMENT_CHARS = 500

INK = "#1b1b1b"
BRAND = "#1d5c2e"
AREA_FILL = "#dfeee3"
OTHER_AREA_FILL = "#f1f3f4"


@dataclass
class MapArea:
    name: str
    contains_site: bool
    rings: list[list[tuple[float, float]]]

    @property
    def svg_path(self) -> str:
        return " ".join(
            "M" + " L".join(f"{x:.1f} {y:.1f}" for x, y in ring) + " Z" for ring in self.rings
        )


@dataclass
class SiteMap:
    areas: list[MapArea] = field(default_factory=list)
    point: tuple[float, float] = (MAP_WIDTH / 2, MAP_HEIGHT / 2)
    width: int = MAP_WIDTH
    height: int = MAP_HEIGHT
    scale_bar: float = 0.0
    scale_label: str = ""

    # where the SVG draws the scale bar: from (10, height - 10), label after its end
    @property
    def scale_bar_end(self) -> str:
        return f"{10 + self.scale_bar:.1f}"

    @property
    def scale_label_x(self) -> str:
        return f"{14 + self.scale_bar:.1f}"

    @property
    def scale_y(self) -> int:
        return self.height - 10


def site_map(site: Site) -> SiteMap:
    """The search areas in the frame around the site, projected to drawing units (y down)."""
    location = site.location.transform(4326, clone=True)
    lon, lat = location.x, location.y
    dx = MAP_HALF_WIDTH_M / (METRES_PER_DEGREE * math.cos(math.radians(lat)))
    dy = MAP_HALF_HEIGHT_M / METRES_PER_DEGREE
    frame = Polygon.from_bbox((lon - dx, lat - dy, lon + dx, lat + dy))
    frame.srid = 4326

    def project(x: float, y: float) -> tuple[float, float]:
        return (
            (x - lon + dx) / (2 * dx) * MAP_WIDTH,
            (1 - (y - lat + dy) / (2 * dy)) * MAP_HEIGHT,
        )

    containing = {item["slug"] for item in getattr(site, "search_area_list", None) or []}
    rows = (
        SearchArea.objects.filter(area__intersects=frame)
        .annotate(clipped=Intersection("area", frame))
        .order_by("name")
        .values_list("slug", "name", "clipped")
    )
    areas = []
    for slug, name, clipped in rows:
        rings = [[project(x, y) for x, y in ring] for ring in _rings(clipped)]
        if rings:
            areas.append(MapArea(name=name, contains_site=slug in containing, rings=rings))
    # containing areas drawn last, on top
    areas.sort(key=lambda area: area.contains_site)
    return SiteMap(
        areas=areas,
        point=project(lon, lat),
        scale_bar=SCALE_BAR_M / (2 * MAP_HALF_WIDTH_M) * MAP_WIDTH,
        scale_label=f"{SCALE_BAR_M} m",
    )


def _rings(geometry: GEOSGeometry | None) -> list[list[tuple[float, float]]]:
    if geometry is None or geometry.empty:
        return []
    if geometry.geom_type == "Polygon":
        return [list(ring.coords) for ring in geometry]
    if geometry.geom_type in ("MultiPolygon", "GeometryCollection"):
        return [ring for part in geometry for ring in _rings(part)]
    return []  # a line or point where an area only touches the frame


# --- The facts ---------------------------------------------------------------------------------


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def expose_facts(site: Site) -> list[tuple[str, str]]:
    """(label, value) of every figure the public may see, in the order of the exposé."""
    facts = [(_("Kind of site"), site.get_kind_display()), (_("Status"), site.get_status_display())]
    if site.floor_area_m2:
        facts.append((_("Floor area"), numbers.area(site.floor_area_m2)))
    if site.is_ground_floor is not None:
        facts.append((_("Ground floor"), _yes_no(site.is_ground_floor)))
    if site.has_shop_window is not None:
        facts.append((_("Shop window"), _yes_no(site.has_shop_window)))
    if site.rent_is_public and site.rent_eur_per_month is not None:
        facts.append((_("Rent per month"), numbers.money(site.rent_eur_per_month)))
    if site.available_from:
        facts.append((_("Available from"), formats.date_format(site.available_from)))
    forms = site.suitable_forms.all()
    if forms:
        facts.append((_("Suitable for"), ", ".join(str(form) for form in forms)))
    areas = search_area_names(site)
    if areas:
        facts.append((_("Search areas"), ", ".join(areas)))
    if site.last_verified:
        facts.append((_("Last verified"), formats.date_format(site.last_verified)))
    return facts


def search_area_names(site: Site) -> list[str]:
    return [item["name"] for item in getattr(site, "search_area_list", None) or []]


def address_lines(site: Site) -> list[str]:
    lines = [site.street] if site.street else []
    lines.append(f"{site.postcode} {site.city}".strip())
    return lines


@dataclass
class Contact:
    """Whom a reader of the exposé contacts: the owner's consented route, or the office."""

    route: ContactRoute | None
    office_name: str
    office_email: str


def expose_contact(site: Site) -> Contact:
    return Contact(
        route=public_contact_route(site),
        office_name=settings.OPERATOR_NAME,
        office_email=settings.CONTACT_EMAIL,
    )


def qr_svg(url: str) -> str:
    """The QR code of the site's page as inline SVG (sharp in print)."""
    buffer = BytesIO()
    segno.make(url, error="m").save(
        buffer, kind="svg", border=4, xmldecl=False, svgns=True, svgclass="qr", omitsize=True,
        title=_("QR code of this site's page"),
    )  # fmt: skip
    return buffer.getvalue().decode()


# --- The PDF -----------------------------------------------------------------------------------

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


def _fonts() -> tuple[str, str]:
    """DejaVu (every character of a name or address) where installed, else ReportLab's
    Helvetica, whose WinAnsi encoding still covers the umlauts, ß, € and the dashes."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
    if not (regular.exists() and bold.exists()):
        return "Helvetica", "Helvetica-Bold"
    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
        pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
    return "DejaVuSans", "DejaVuSans-Bold"


def _shorten(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + " …"


def _image(file, *, max_width: float, max_height: float):
    """A flowable of an uploaded image scaled into the box, or None if it cannot be read."""
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Image

    if not file:
        return None
    try:
        with file.open("rb") as handle:
            data = BytesIO(handle.read())
        width, height = ImageReader(data).getSize()
    except (OSError, ValueError):
        return None  # a missing or unreadable upload leaves a gap, not a broken exposé
    scale = min(max_width / width, max_height / height)
    data.seek(0)
    return Image(data, width=width * scale, height=height * scale)


def _map_drawing(plan: SiteMap, *, width: float, regular: str):
    from reportlab.graphics.shapes import Circle, Drawing, Group, Line, Path, Rect, String
    from reportlab.lib.colors import HexColor

    scale = width / plan.width
    drawing = Drawing(width, plan.height * scale)
    group = Group()
    # drawing units have y down like the SVG; the PDF's y goes up
    group.transform = (scale, 0, 0, -scale, 0, plan.height * scale)
    group.add(Rect(0, 0, plan.width, plan.height, fillColor=HexColor("#ffffff"),
                   strokeColor=HexColor("#9aa5ad"), strokeWidth=0.8))  # fmt: skip
    for area in plan.areas:
        path = Path(
            fillColor=HexColor(AREA_FILL if area.contains_site else OTHER_AREA_FILL),
            strokeColor=HexColor(BRAND if area.contains_site else "#9aa5ad"),
            strokeWidth=1.2 if area.contains_site else 0.6,
        )
        for ring in area.rings:
            path.moveTo(*ring[0])
            for point in ring[1:]:
                path.lineTo(*point)
            path.closePath()
        group.add(path)
    x, y = plan.point
    group.add(Circle(x, y, 6, fillColor=HexColor("#b3261e"), strokeColor=HexColor("#ffffff"),
                     strokeWidth=1.5))  # fmt: skip
    group.add(Line(10, plan.height - 10, 10 + plan.scale_bar, plan.height - 10,
                   strokeColor=HexColor(INK), strokeWidth=1.5))  # fmt: skip
    drawing.add(group)
    drawing.add(String((10 + plan.scale_bar + 4) * scale, 7 * scale, plan.scale_label,
                       fontName=regular, fontSize=7, fillColor=HexColor(INK)))  # fmt: skip
    return drawing


def _qr_drawing(url: str, *, side: float):
    from reportlab.graphics.shapes import Drawing, Rect
    from reportlab.lib.colors import HexColor

    qr = segno.make(url, error="m")
    cells = list(qr.matrix_iter(border=4))
    unit = side / len(cells)
    drawing = Drawing(side, side)
    drawing.add(Rect(0, 0, side, side, fillColor=HexColor("#ffffff"), strokeColor=None))
    for row_index, row in enumerate(cells):
        for col_index, dark in enumerate(row):
            if dark:
                drawing.add(
                    Rect(col_index * unit, side - (row_index + 1) * unit, unit, unit,
                         fillColor=HexColor(INK), strokeColor=None, strokeWidth=0)
                )  # fmt: skip
    return drawing


def expose_pdf(*, site: Site, url: str) -> bytes:
    """The exposé on one or two A4 pages, in the active language."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table

    regular, bold = _fonts()
    base = ParagraphStyle("base", fontName=regular, fontSize=10, leading=13.5, textColor=INK)
    small = ParagraphStyle("small", parent=base, fontSize=8.5, leading=11)
    heading = ParagraphStyle("h2", parent=base, fontName=bold, fontSize=12.5, leading=16,
                             spaceBefore=8, spaceAfter=4, textColor=BRAND)  # fmt: skip
    title = ParagraphStyle("title", parent=base, fontName=bold, fontSize=20, leading=24,
                           spaceAfter=2)  # fmt: skip
    label = ParagraphStyle("label", parent=base, fontName=bold)

    def para(text: str, style=base) -> Paragraph:
        return Paragraph(escape(text).replace("\n", "<br/>"), style)

    width = A4[0] - 36 * mm
    story = [
        para(pgettext("document", "Exposé"), small),
        para(site.name, title),
        para(" · ".join(address_lines(site)), base),
        Spacer(0, 4 * mm),
    ]
    pictures = [
        picture
        for picture in (
            _image(site.photo, max_width=width / 2 - 3 * mm, max_height=62 * mm),
            _image(site.floor_plan, max_width=width / 2 - 3 * mm, max_height=62 * mm),
        )
        if picture is not None
    ]
    if pictures:
        row = Table([pictures], hAlign="LEFT")
        row.setStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (0, -1), 0)])
        story += [row, Spacer(0, 3 * mm)]

    facts = Table(
        [[para(name, label), para(value)] for name, value in expose_facts(site)],
        colWidths=[45 * mm, width - 45 * mm],
        hAlign="LEFT",
    )
    facts.setStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#d5dadd")),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
    ])  # fmt: skip
    story += [para(_("Figures"), heading), facts]
    if site.equipment:
        story += [
            para(_("Equipment"), heading),
            para(_shorten(site.equipment, PDF_EQUIPMENT_CHARS)),
        ]
    if site.description:
        story += [
            para(_("Description"), heading),
            para(_shorten(site.description, PDF_DESCRIPTION_CHARS)),
        ]

    plan = site_map(site)
    location = site.location.transform(4326, clone=True)
    beside_map = [
        para(_("Search areas") + ": " + (", ".join(search_area_names(site)) or "–"), small),
        Spacer(0, 2 * mm),
        para(_("Coordinates (WGS84)") + f": {location.y:.5f} N, {location.x:.5f} E", small),
        Spacer(0, 3 * mm),
        _qr_drawing(url, side=30 * mm),
        para(_("The site's page with the interactive map:"), small),
        para(url, small),
    ]
    map_width = 105 * mm
    where = Table(
        [[_map_drawing(plan, width=map_width, regular=regular), beside_map]],
        colWidths=[map_width + 4 * mm, width - map_width - 4 * mm],
        hAlign="LEFT",
    )
    where.setStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (0, -1), 0)])
    story += [KeepTogether([para(_("Location"), heading), where])]
    if site.location_is_approximate:
        story.append(para(_("The location on the map is approximate."), small))

    contact = expose_contact(site)
    lines = []
    if contact.route:
        if contact.route.owner_name:
            lines.append(_("Owner: %(name)s") % {"name": contact.route.owner_name})
        lines.append(
            _("The owner can be reached directly: %(route)s") % {"route": contact.route.route}
        )
        lines.append(
            _("The economic-development office is glad to help as well: %(name)s, %(email)s")
            % {"name": contact.office_name, "email": contact.office_email}
        )
    else:
        lines.append(_("The economic-development office knows the owner and arranges a visit:"))
        lines.append(f"{contact.office_name}, {contact.office_email}")
    story += [KeepTogether([para(_("Contact"), heading), *[para(line) for line in lines]])]

    today = formats.date_format(timezone.localdate())

    def footer(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont(regular, 8)
        canvas.setFillColor(colors.HexColor("#5f6b73"))
        text = _("FabTown Bochum – exposé of %(date)s") % {"date": today}
        canvas.drawString(18 * mm, 10 * mm, text)
        canvas.drawRightString(
            A4[0] - 18 * mm, 10 * mm, _("Page %(page)s") % {"page": document.page}
        )
        canvas.restoreState()

    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
        bottomMargin=18 * mm, title=f"{pgettext('document', 'Exposé')}: {site.name}",
        author="FabTown Bochum", lang=translation_language(),
    )  # fmt: skip
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def translation_language() -> str:
    from django.utils.translation import get_language

    return get_language() or settings.LANGUAGE_CODE
