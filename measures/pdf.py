"""The Steckbrief (measure profile) as PDF, one measure or the whole catalogue.

The layout follows the concept's profiles (chapter 4): the code and title as heading, then a
two-column table of label and content in the concept's order, the ratings worded as the concept
prints them with the normalised range beside. Labels follow the active language (gettext), the
texts come from the translated fields (modeltranslation), the quotes of the concept
(`*_as_printed`) stay German. Texts are never cut: a long one wraps and continues on the next
page (the table splits between rows and inside a row).
"""

from collections.abc import Iterable, Sequence
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    Flowable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
)
from reportlab.platypus.tableofcontents import TableOfContents

from measures.models import Measure

INK = "#1b1b1b"
BRAND = "#1d5c2e"
MUTED = "#5f6b73"
RULE = "#d5dadd"
LABEL_FILL = "#eef3ef"
MARGIN = 18 * mm
LABEL_WIDTH = 44 * mm
# The same fonts as the sites' exposé (vacancies/expose.py); measures may not import vacancies.
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


def _fonts() -> tuple[str, str]:
    """DejaVu (every character a title or best practice may hold) where installed, else
    ReportLab's Helvetica, whose WinAnsi encoding still covers the umlauts, ß, „“ and dashes."""
    regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
    if not (regular.exists() and bold.exists()):
        return "Helvetica", "Helvetica-Bold"
    if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
        pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
    return "DejaVuSans", "DejaVuSans-Bold"


class _Styles:
    def __init__(self):
        regular, bold = _fonts()
        self.regular = regular
        self.base = ParagraphStyle(
            "base", fontName=regular, fontSize=9.5, leading=12.5, textColor=INK
        )
        self.small = ParagraphStyle(
            "small", parent=self.base, fontSize=8, leading=10.5, textColor=MUTED
        )
        self.label = ParagraphStyle("label", parent=self.base, fontName=bold)
        self.field = ParagraphStyle("field", parent=self.small, spaceAfter=1)
        self.heading = ParagraphStyle(
            "measure", parent=self.base, fontName=bold, fontSize=16, leading=20,
            textColor=BRAND, spaceAfter=3,
        )  # fmt: skip
        self.title = ParagraphStyle(
            "title", parent=self.base, fontName=bold, fontSize=24, leading=30, spaceAfter=8
        )
        self.subtitle = ParagraphStyle("subtitle", parent=self.base, fontSize=12, leading=16)
        self.contents_heading = ParagraphStyle(
            "contents", parent=self.base, fontName=bold, fontSize=14, leading=18, spaceAfter=8
        )


def _text(value: str) -> str:
    """Text for a Paragraph: escaped, line breaks kept."""
    return escape(value).replace("\n", "<br/>")


def _paragraphs(value: str, style: ParagraphStyle) -> list[Flowable]:
    """One Paragraph per paragraph of the text, so the table can split between them."""
    blocks = [block.strip() for block in value.replace("\r\n", "\n").split("\n\n")]
    return [Paragraph(_text(block), style) for block in blocks if block]


def _link(url: str) -> str:
    return f'<a href="{escape(url, {chr(34): "&quot;"})}" color="{BRAND}">{escape(url)}</a>'


# --- The values of a profile ---------------------------------------------------------------


def reconstructed_mark() -> str:
    return pgettext("profile", "(reconstructed)")


def interaction_labels(measure: Measure) -> list[str]:
    """ "4.1.1 Städtebauförderung (rekonstruiert)", in the concept's order."""
    return [
        f"{link.to_measure.code} {link.to_measure.title}"
        + (f" {reconstructed_mark()}" if link.reconstructed else "")
        for link in measure.interaction_links.all()
    ]


def _rating_note(measure: Measure) -> str:
    parts = [
        f"{_('personnel')}: {measure.personnel_cost_label}"
        + (f" ({measure.personnel_cost_remark})" if measure.personnel_cost_remark else ""),
        f"{_('material')}: {measure.material_cost_label}"
        + (f" ({measure.material_cost_remark})" if measure.material_cost_remark else ""),
    ]
    return f"{pgettext('profile', 'normalised')}: " + "; ".join(parts)


def _as_printed_or_list(as_printed: str, names: Sequence[str]) -> str:
    return as_printed or ", ".join(names) or "–"


def _rows(measure: Measure, styles: _Styles) -> list[tuple[str, list[Flowable]]]:
    """(label, content) in the order of the concept's profile."""
    base, small = styles.base, styles.small
    actors = list(measure.actor_links.all())
    groups = [link.target_group.name for link in measure.target_group_links.all()]
    lead = next((link.actor.name for link in actors if link.is_lead), "")

    actor_names = [link.actor.name for link in actors]
    actor_cell = [
        Paragraph(_text(_as_printed_or_list(measure.actors_as_printed, actor_names)), base)
    ]
    if lead:
        actor_cell.append(Paragraph(_text(f"{pgettext('profile', 'lead actor')}: {lead}"), small))

    time_cell = [Paragraph(_text(measure.time_horizon_as_printed or "–"), base)]
    time_note = measure.time_horizon_label + (
        f" ({measure.time_horizon_remark})" if measure.time_horizon_remark else ""
    )
    time_cell.append(Paragraph(_text(f"{pgettext('profile', 'normalised')}: {time_note}"), small))

    interaction_cell: list[Flowable] = [
        Paragraph("• " + _text(label), base) for label in interaction_labels(measure)
    ]
    if any(link.reconstructed for link in measure.interaction_links.all()):
        interaction_cell.append(
            Paragraph(
                _text(
                    pgettext(
                        "profile",
                        "(reconstructed): the concept prints a broken cross-reference here "
                        "(“Fehler! Verweisquelle konnte nicht gefunden werden.”); the context "
                        "points to this measure.",
                    )
                ),
                small,
            )
        )
    interaction_cell += _paragraphs(measure.interactions_note, base)

    practice_cell: list[Flowable] = []
    group = None
    for practice in measure.best_practices.all():
        if practice.group and practice.group != group:
            practice_cell.append(Paragraph(_text(practice.group), styles.label))
        group = practice.group
        line = "• " + _text(practice.title)
        if practice.description:
            line += " – " + _text(practice.description)
        if practice.url:
            line += ": " + _link(practice.url)
        practice_cell.append(Paragraph(line, base))

    def text(value: str) -> list[Flowable]:
        return _paragraphs(value, base) or [Paragraph("–", base)]

    return [
        (
            pgettext("profile", "Measure"),
            [Paragraph(_text(f"{measure.code} {measure.title}"), styles.label)],
        ),
        (_("Description / context"), text(measure.description)),
        (
            pgettext("profile", "Target group"),
            [Paragraph(_text(_as_printed_or_list(measure.target_groups_as_printed, groups)), base)],
        ),
        (_("Actors involved"), actor_cell),
        (
            _("Costs"),
            [
                Paragraph(_text(measure.costs_as_printed or "–"), base),
                Paragraph(_text(_rating_note(measure)), small),
            ],
        ),
        (_("Time horizon"), time_cell),
        (_("Initial problem"), text(measure.problem)),
        (_("Solution / measure"), text(measure.solution)),
        (_("Impact"), text(measure.impact)),
        (_("Challenges / obstacles"), text(measure.challenges)),
        (_("Interactions with other measures"), interaction_cell or [Paragraph("–", base)]),
        (_("Examples / best practice"), practice_cell or [Paragraph("–", base)]),
    ]


# --- The story -----------------------------------------------------------------------------


class _Heading(Paragraph):
    """A heading the document lists in its contents and the PDF's outline: a thematic field
    (level 0) or a measure (level 1)."""

    def __init__(self, text: str, style: ParagraphStyle, *, level: int, entry: str, key: str):
        super().__init__(text, style)
        self.level = level
        self.entry = entry
        self.key = key


def _profile_story(measure: Measure, styles: _Styles, *, width: float) -> list[Flowable]:
    field = measure.thematic_field
    story: list[Flowable] = [
        _Heading(
            _text(f"{field.code} {field.title}"), styles.field, level=0,
            entry=f"{field.code} {field.title}", key=f"field-{field.code}",
        ),
        _Heading(
            f"{escape(measure.code)} {_text(measure.title)}", styles.heading, level=1,
            entry=f"{measure.code} {measure.title}", key=f"measure-{measure.code}",
        ),
    ]  # fmt: skip
    if get_language() != settings.LANGUAGE_CODE and not (
        measure.title_en or measure.description_en
    ):
        story.append(
            Paragraph(
                _text(
                    _(
                        "This measure has not been translated yet; it is shown in the German "
                        "original."
                    )
                ),
                styles.small,
            )
        )
    status = f"{_('Implementation status')}: {measure.get_implementation_status_display()}"
    if measure.progress:
        status += f" ({measure.progress} %)"
    priority = (
        measure.get_priority_display() if measure.priority else pgettext("profile", "not set")
    )
    story.append(
        Paragraph(_text(f"{status} · {pgettext('profile', 'Priority')}: {priority}"), styles.small)
    )
    story.append(Spacer(0, 3 * mm))

    rows = _rows(measure, styles)
    table = Table(
        [[Paragraph(_text(label), styles.label), content] for label, content in rows],
        colWidths=[LABEL_WIDTH, width - LABEL_WIDTH],
        hAlign="LEFT",
        splitByRow=1,
        # A text longer than a page (a cell cannot shrink) continues on the next page.
        splitInRow=1,
    )  # fmt: skip
    table.setStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor(LABEL_FILL)),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor(RULE)),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ])  # fmt: skip
    story.append(table)
    return story


class _ProfileDocument(SimpleDocTemplate):
    """Adds each field and measure heading to the contents and to the PDF's outline."""

    def afterFlowable(self, flowable: Flowable) -> None:
        if not isinstance(flowable, _Heading):
            return
        if flowable.level == 0:
            if flowable.key in self._seen_fields:
                return  # the field heads each of its profiles; listed once, at its first
            self._seen_fields.add(flowable.key)
        self.canv.bookmarkPage(flowable.key)
        self.canv.addOutlineEntry(
            flowable.entry, flowable.key, level=flowable.level, closed=flowable.level == 0
        )
        self.notify("TOCEntry", (flowable.level, flowable.entry, self.page, flowable.key))

    def handle_documentBegin(self):
        self._seen_fields: set[str] = set()
        super().handle_documentBegin()


def _source() -> str:
    return pgettext("profile", "FabTown concept, chapter 4")


def _footer(styles: _Styles):
    today = formats.date_format(timezone.localdate())
    source = _source()
    translated = (
        _("Translated from the German concept; the German original is authoritative.")
        if get_language() != settings.LANGUAGE_CODE
        else ""
    )

    def draw(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont(styles.regular, 7.5)
        canvas.setFillColor(colors.HexColor(MUTED))
        line = pgettext("profile", "%(source)s · FabTown Bochum, generated on %(date)s") % {
            "source": source,
            "date": today,
        }
        canvas.drawString(MARGIN, 10 * mm, line)
        if translated:
            canvas.drawString(MARGIN, 6.5 * mm, translated)
        canvas.drawRightString(
            A4[0] - MARGIN, 10 * mm, _("Page %(page)s") % {"page": document.page}
        )
        canvas.restoreState()

    return draw


def _document(buffer: BytesIO, *, title: str) -> _ProfileDocument:
    return _ProfileDocument(
        buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=16 * mm,
        bottomMargin=18 * mm, title=title, author="FabTown Bochum",
        subject=_source(), lang=get_language() or settings.LANGUAGE_CODE,
    )  # fmt: skip


def _frame_width(document: SimpleDocTemplate) -> float:
    """The width a flowable may take: the page's frame keeps ReportLab's padding of 6 pt on
    each side inside the margins (a wider table would stick out, and its split rows jump)."""
    return document.width - 2 * 6


def profile_pdf(measure: Measure) -> bytes:
    """The Steckbrief of one measure (from `Measure.objects.with_profile()`)."""
    styles = _Styles()
    buffer = BytesIO()
    title = f"{pgettext('profile', 'Profile')} {measure.code} {measure.title}"
    document = _document(buffer, title=title)
    footer = _footer(styles)
    document.build(
        _profile_story(measure, styles, width=_frame_width(document)),
        onFirstPage=footer,
        onLaterPages=footer,
    )
    return buffer.getvalue()


def catalogue_pdf(measures: Iterable[Measure]) -> bytes:
    """All profiles in the concept's order after a title page and the contents with page
    numbers (built twice: the second pass knows the pages)."""
    measures = list(measures)
    styles = _Styles()
    buffer = BytesIO()
    title = pgettext("profile", "FabTown Bochum – measure profiles")
    document = _document(buffer, title=title)
    footer = _footer(styles)

    contents = TableOfContents()
    contents.levelStyles = [
        ParagraphStyle("toc0", parent=styles.label, fontSize=10, leading=13, spaceBefore=5),
        ParagraphStyle("toc1", parent=styles.base, leftIndent=8 * mm, fontSize=9, leading=12),
    ]
    today = formats.date_format(timezone.localdate())
    subtitle = pgettext("profile", "The measure catalogue of the FabTown concept, chapter 4")
    count = pgettext(
        "profile", "%(count)s measures in the concept's order · generated on %(date)s"
    ) % {"count": len(measures), "date": today}
    story: list[Flowable] = [
        Spacer(0, 50 * mm),
        Paragraph(_text(title), styles.title),
        Paragraph(_text(subtitle), styles.subtitle),
        Spacer(0, 4 * mm),
        Paragraph(_text(count), styles.subtitle),
        PageBreak(),
        Paragraph(_text(pgettext("profile", "Contents")), styles.contents_heading),
        contents,
    ]
    for measure in measures:
        story.append(PageBreak())
        story += _profile_story(measure, styles, width=_frame_width(document))
    document.multiBuild(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
