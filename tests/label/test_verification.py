"""The public check page behind every sticker's QR code, and the sticker and badge themselves."""

import datetime
import re
import uuid

import pytest
import segno
from django.urls import reverse
from django.utils import timezone

from tests.factories import LabelApplicationFactory, MembershipFactory, ProducerFactory

pytestmark = pytest.mark.django_db


def _member(**values):
    application = LabelApplicationFactory(
        stage_product_design=True, stage_manufacturing=True, stage_finishing=False
    )
    return MembershipFactory(
        producer=ProducerFactory(name="Rösterei am Rathaus", is_published=True),
        application=application,
        **values,
    )


def test_a_current_membership_is_shown_as_valid_with_who_since_until_and_stages(client):
    membership = _member()
    response = client.get(reverse("label:verify", args=[membership.public_id]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Gültig" in body and "Rösterei am Rathaus" in body
    assert "Produktdesign, Anfertigung" in body
    assert membership.valid_until.strftime("%Y") in body
    assert response.context["is_valid"] is True


@pytest.mark.parametrize(
    "values",
    [
        {"valid_from": datetime.date(2024, 1, 1), "valid_until": datetime.date(2025, 1, 1)},
        {"revoked_at": timezone.now()},
        {"kind": "supporting"},
    ],
    ids=["expired", "revoked", "supporting-member"],
)
def test_expired_revoked_and_supporting_memberships_are_not_valid(client, values):
    membership = _member(**values)
    response = client.get(reverse("label:verify", args=[membership.public_id]))
    assert response.status_code == 200 and response.context["is_valid"] is False
    assert "Nicht gültig" in response.content.decode()


def test_an_unknown_id_is_not_found(client):
    assert client.get(reverse("label:verify", args=[uuid.uuid4()])).status_code == 404


def test_the_check_page_is_kept_out_of_search_engines_and_shows_no_contact(client):
    membership = _member()
    body = client.get(reverse("label:verify", args=[membership.public_id])).content.decode()
    assert '<meta name="robots" content="noindex">' in body
    assert membership.application.contact_email not in body


def _modules_drawn(svg: str) -> set[tuple[int, int]]:
    """Read the QR code back from the badge: the grid positions of its dark squares."""
    path = re.search(r'class="qr"[^>]* d="([^"]+)"', svg).group(1)
    squares = [tuple(map(float, m)) for m in re.findall(r"M([\d.]+) ([\d.]+)h([\d.]+)", path)]
    left = min(x for x, _y, _u in squares)
    top = min(y for _x, y, _u in squares)
    unit = squares[0][2]
    return {(round((x - left) / unit), round((y - top) / unit)) for x, y, _u in squares}


def test_the_web_badge_carries_a_qr_code_of_the_check_page(client):
    membership = _member()
    response = client.get(reverse("label:badge_svg", args=[membership.public_id]))
    assert response["Content-Type"].startswith("image/svg+xml")
    svg = response.content.decode()
    url = "http://testserver" + reverse("label:verify", args=[membership.public_id])
    expected = {
        (x, y)
        for y, row in enumerate(segno.make(url, error="m").matrix_iter(border=0))
        for x, dark in enumerate(row)
        if dark
    }
    # the finder patterns put dark modules in the first row and column, so the offsets match
    assert _modules_drawn(svg) == expected
    assert "Rösterei am Rathaus" in svg and "<title" in svg


def test_the_printable_sticker_is_a_pdf_and_an_svg(client):
    membership = _member()
    pdf = client.get(reverse("label:sticker_pdf", args=[membership.public_id]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    svg = client.get(reverse("label:sticker_svg", args=[membership.public_id]))
    assert svg.status_code == 200 and b"100mm" in svg.content


def test_no_sticker_or_badge_for_a_membership_that_is_not_current(client):
    membership = _member(revoked_at=timezone.now())
    for name in ("label:badge_svg", "label:sticker_svg", "label:sticker_pdf"):
        assert client.get(reverse(name, args=[membership.public_id])).status_code == 404


def test_the_qr_code_points_at_the_german_check_page_from_an_english_page(client):
    membership = _member()
    svg_en = client.get(f"/en/label/verify/{membership.public_id}/badge.svg").content
    svg_de = client.get(reverse("label:badge_svg", args=[membership.public_id])).content
    assert _modules_drawn(svg_en.decode()) == _modules_drawn(svg_de.decode())
    assert b"/label/pruefen/" not in svg_en  # the URL is only in the code, not in the text


def test_the_check_page_takes_a_constant_number_of_queries(client, django_assert_num_queries):
    """Reason: membership, producer and application come in one query."""
    membership = _member()
    with django_assert_num_queries(1):
        client.get(reverse("label:verify", args=[membership.public_id]))


@pytest.mark.parametrize("view", ["label:sticker_svg", "label:sticker_pdf"])
def test_the_stickers_take_one_query_however_long_the_name(client, django_assert_num_queries, view):
    """Reason: membership, producer and application in one query; the layout is measured in
    memory."""
    name = "Gläserne Manufaktur für Möbel, Öfen & Überdachungen Bochum GmbH"
    membership = MembershipFactory(producer=ProducerFactory(name=name, is_published=True))
    with django_assert_num_queries(1):
        assert client.get(reverse(view, args=[membership.public_id])).status_code == 200


def test_badges_stay_well_formed_svg_for_long_names_with_ampersands(client):
    from xml.etree import ElementTree

    name = "Rösterei Kortum & Kaffeehaus am Schauspielhaus <Bochum>"
    membership = MembershipFactory(producer=ProducerFactory(name=name, is_published=True))
    for view in ("label:badge_svg", "label:sticker_svg"):
        svg = client.get(reverse(view, args=[membership.public_id])).content
        root = ElementTree.fromstring(svg)  # raises on broken markup
        texts = [t.text for t in root.iter(f"{SVG}text")]
        assert any(text and text.startswith("Rösterei Kortum &") for text in texts)
        assert root.find(f"{SVG}title").text.endswith(name)
        shown = " ".join(text or "" for text in texts)
        if view == "label:badge_svg":
            assert any(text and text.endswith("…") for text in texts)  # one short line
        else:
            assert name in shown  # the sticker fits the whole name on two lines


# --- The sticker's text stays inside its circle ---------------------------------------------

SVG = "{http://www.w3.org/2000/svg}"
MARGIN_MM = 3.9  # the layout keeps 4 mm; rounding in the SVG's numbers is allowed for
# The longest company names the directory and the trade register of Bochum make plausible:
# up to 60 characters and more, with umlauts on capitals (the glyphs reach highest).
LONG_NAMES = [
    "Gläserne Manufaktur für Möbel, Öfen & Überdachungen Bochum GmbH",  # 63
    "Ölmühle Überrhein – Süd-Westfälische Lebensmittelmanufaktur KG",  # 62
    "ÄÖÜ Werkstätten für Wiederverwendung und Möbelrestaurierung eG",  # 62
    "Kaffeeröstereigenossenschaftsbetriebsgesellschaft Bochum-Wattenscheid",  # long words
    "Rösterei Kortum",
    "Öl",
]


def _font_extent(weight: str) -> tuple[float, float]:
    # FontBBox of Helvetica and Helvetica-Bold (their AFM files), per unit of size
    return (-0.228, 0.962) if weight == "700" else (-0.225, 0.931)


def _corners_inside(box, centre, radius) -> bool:
    (left, bottom, right, top), (cx, cy) = box, centre
    return all(
        ((x - cx) ** 2 + (y - cy) ** 2) ** 0.5 <= radius
        for x in (left, right)
        for y in (bottom, top)
    )


@pytest.mark.parametrize("name", LONG_NAMES)
def test_the_svg_stickers_text_stays_inside_the_circle_with_a_margin(client, name):
    from xml.etree import ElementTree

    membership = MembershipFactory(producer=ProducerFactory(name=name, is_published=True))
    svg = client.get(reverse("label:sticker_svg", args=[membership.public_id])).content
    root = ElementTree.fromstring(svg)
    circle = root.find(f"{SVG}circle")
    centre = float(circle.get("cx")), float(circle.get("cy"))
    radius = float(circle.get("r"))
    lines = list(root.iter(f"{SVG}text"))
    assert len(lines) >= 4
    for line in lines:
        # the width is fixed by textLength (measured on the server), the height by the size
        width, size = float(line.get("textLength")), float(line.get("font-size"))
        below, above = _font_extent(line.get("font-weight", "400"))
        x, y = float(line.get("x")), float(line.get("y"))  # centred; SVG's y runs downward
        box = (x - width / 2, y - above * size, x + width / 2, y - below * size)
        assert _corners_inside(box, centre, radius - MARGIN_MM), line.text
        assert size >= 2.2  # 6.5 pt or more: legible on the shop window
    shown = " ".join(line.text for line in lines)
    if len(name) <= 64 and max(map(len, name.split())) < 40:
        assert name in shown  # realistic names are shown whole, on up to two lines


@pytest.mark.parametrize("name", LONG_NAMES)
def test_the_pdf_stickers_text_stays_inside_the_circle_with_a_margin(client, monkeypatch, name):
    from reportlab.lib.units import mm
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen.canvas import Canvas

    drawn, circles = [], []
    draw, circle = Canvas.drawCentredString, Canvas.circle

    def record_text(canvas, x, y, text, *args, **kwargs):
        drawn.append((x, y, text, canvas._fontname, canvas._fontsize))
        return draw(canvas, x, y, text, *args, **kwargs)

    def record_circle(canvas, x, y, r, *args, **kwargs):
        circles.append((x, y, r))
        return circle(canvas, x, y, r, *args, **kwargs)

    monkeypatch.setattr(Canvas, "drawCentredString", record_text)
    monkeypatch.setattr(Canvas, "circle", record_circle)
    membership = MembershipFactory(producer=ProducerFactory(name=name, is_published=True))
    response = client.get(reverse("label:sticker_pdf", args=[membership.public_id]))
    assert response.content.startswith(b"%PDF")

    ((cx, cy, radius),) = circles
    assert radius == pytest.approx(50 * mm)
    assert len(drawn) >= 4
    for x, y, text, font, size in drawn:
        width = stringWidth(text, font, size)  # points, as the PDF sets it
        below, above = _font_extent("700" if font.endswith("Bold") else "400")
        box = (x - width / 2, y + below * size, x + width / 2, y + above * size)
        assert _corners_inside(box, (cx, cy), radius - 4 * mm), text
    shown = " ".join(text for *_, text, _, _ in drawn)
    if len(name) <= 64 and max(map(len, name.split())) < 40:
        assert name in shown
