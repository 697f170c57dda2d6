"""Development plans on A4 paper: a printable plan in, PDF bytes out (reportlab platypus and graphics).

``render_plan`` makes one plan's PDF; ``plan_story`` gives the flowables of its pages, so several
plans can later go into one document. Every look (colours, fonts, sizes, spacing) lives in
``STYLES``. The pages follow the NHS identity: NHS blue headings, Arial's metric twin Helvetica,
red/amber/green ratings given by colour and by words. Each page says "Page X of Y": the count is
not known until the last page, so every footer refers to a small PDF form holding it, which the
canvas fills in when it saves; the document is laid out once.
Section headings are bookmarks in the PDF's outline. reportlab cannot tag a PDF for screen
readers, so the accessible form of the same content is the HTML print view.
"""

from __future__ import annotations

from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Drawing, Line, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    KeepTogether,
    ListFlowable,
    ListItem,
    PageTemplate,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from planner.printing import PrintablePlan, header_rows, move_words, rag, time_in_role
from planner.times import uk_time

COLOURS = {
    "blue": colors.HexColor("#005eb8"),
    "ink": colors.HexColor("#212b32"),
    "grey": colors.HexColor("#4c6272"),
    "pale_grey": colors.HexColor("#e8edee"),
    "rule": colors.HexColor("#d8dde0"),
    "white": colors.white,
    "red": colors.HexColor("#d5281b"),
    "amber": colors.HexColor("#ffeb3b"),
    "green": colors.HexColor("#007f3b"),
}

STYLES = {
    # The one place the printed plan's look is set. A heading starts a new page when less than
    # "keep_with_table" is left, so it is never left alone at the foot of a page.
    "page": {"size": A4, "margin": 18 * mm, "band_height": 12 * mm, "footer_offset": 10 * mm, "keep_with_table": 60 * mm, "footer_size": 8.5},
    "font": {"regular": "Helvetica", "bold": "Helvetica-Bold"},
    "colour": COLOURS,
    "paragraph": {
        "title": {"fontName": "Helvetica-Bold", "fontSize": 22, "leading": 27, "textColor": COLOURS["blue"], "spaceAfter": 4},
        "subtitle": {"fontName": "Helvetica", "fontSize": 12, "leading": 16, "textColor": COLOURS["grey"], "spaceAfter": 10},
        "h2": {"fontName": "Helvetica-Bold", "fontSize": 15, "leading": 19, "textColor": COLOURS["blue"], "spaceBefore": 14, "spaceAfter": 6},
        "h3": {"fontName": "Helvetica-Bold", "fontSize": 11.5, "leading": 15, "textColor": COLOURS["ink"], "spaceBefore": 8, "spaceAfter": 4},
        "body": {"fontName": "Helvetica", "fontSize": 10, "leading": 14, "textColor": COLOURS["ink"], "spaceAfter": 6},
        "cell": {"fontName": "Helvetica", "fontSize": 9, "leading": 12, "textColor": COLOURS["ink"]},
        "cell_right": {"fontName": "Helvetica", "fontSize": 9, "leading": 12, "textColor": COLOURS["ink"], "alignment": TA_RIGHT},
        "head": {"fontName": "Helvetica-Bold", "fontSize": 9, "leading": 12, "textColor": COLOURS["white"]},
        "head_right": {"fontName": "Helvetica-Bold", "fontSize": 9, "leading": 12, "textColor": COLOURS["white"], "alignment": TA_RIGHT},
        "key": {"fontName": "Helvetica-Bold", "fontSize": 9.5, "leading": 13, "textColor": COLOURS["ink"]},
        "value": {"fontName": "Helvetica", "fontSize": 9.5, "leading": 13, "textColor": COLOURS["ink"]},
        "rag_red": {"fontName": "Helvetica-Bold", "fontSize": 9, "leading": 12, "textColor": COLOURS["white"]},
        "rag_amber": {"fontName": "Helvetica-Bold", "fontSize": 9, "leading": 12, "textColor": COLOURS["ink"]},
        "rag_green": {"fontName": "Helvetica-Bold", "fontSize": 9, "leading": 12, "textColor": COLOURS["white"]},
        "signature": {"fontName": "Helvetica", "fontSize": 10, "leading": 22, "textColor": COLOURS["ink"]},
    },
    "table": {"padding": 4, "grid": 0.5, "stripe": colors.HexColor("#f0f4f5")},
    "chart": {"width": 440, "bar_height": 16, "gap": 10, "label_width": 110, "font_size": 9},
    "diagram": {"box_width": 210, "padding": 7, "title_size": 10, "band_size": 9, "arrow_length": 34, "label_size": 8.5},
}

PARAGRAPHS = {name: ParagraphStyle(name, **settings) for name, settings in STYLES["paragraph"].items()}


def simple_a4(story: list, *, title: str, author: str, subject: str, invariant: bool = False) -> bytes:
    """A plain A4 PDF of ``story`` with the house margins and the document's metadata (title,
    author, subject, language). ``invariant`` leaves out the creation time and random file id, so
    the same story gives the same bytes."""
    page = STYLES["page"]
    out = BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=page["size"],
        leftMargin=page["margin"],
        rightMargin=page["margin"],
        topMargin=page["margin"],
        bottomMargin=page["margin"],
        title=title,
        author=author,
        subject=subject,
        creator="planner",
        lang="en-GB",
        invariant=int(invariant),
    )
    document.build(story)
    return out.getvalue()


def render_plan(printable: PrintablePlan, *, invariant: bool = False) -> bytes:
    """The plan as a PDF. ``invariant`` leaves out the creation time and random file id, so the
    same plan gives the same bytes (for tests)."""
    out = BytesIO()
    _PlanDocument(out, printable, invariant).build(plan_story(printable), canvasmaker=_PlanCanvas)
    return out.getvalue()


def plan_story(printable: PrintablePlan) -> list:
    """The plan's flowables, page content only: the header block, then one section after another."""
    story = [
        Paragraph(escape(printable.title), PARAGRAPHS["title"]),
        Paragraph(escape(f"{printable.status} · made on {printable.plan_date:%-d %B %Y}"), PARAGRAPHS["subtitle"]),
        _heading("About this plan", hidden=True),
        _key_values(header_rows(printable)),
    ]
    story += _where_i_am(printable)
    story += _route(printable)
    story += _gaps(printable)
    story += _training(printable)
    story += _objectives(printable)
    story += _development(printable)
    story += _sign_off(printable)
    return story


# The document and its pages.


PAGE_COUNT_FORM = "page-count"


class _PlanCanvas(Canvas):
    """A canvas that, as it saves, draws the page count into the form every footer shows."""

    def save(self) -> None:
        font = STYLES["font"]
        self.beginForm(PAGE_COUNT_FORM)
        self.setFont(font["regular"], STYLES["page"]["footer_size"])
        self.setFillColor(STYLES["colour"]["grey"])
        # The last page has been shown, so the number of the page that would come next is one more.
        self.drawString(0, 0, str(self.getPageNumber() - 1))
        self.endForm()
        super().save()


class _PlanDocument(BaseDocTemplate):
    """A4 pages with a blue band, a footer saying "Page X of Y", and a bookmark per section."""

    def __init__(self, out, printable: PrintablePlan, invariant: bool):
        page = STYLES["page"]
        super().__init__(
            out,
            pagesize=page["size"],
            leftMargin=page["margin"],
            rightMargin=page["margin"],
            topMargin=page["margin"] + page["band_height"],
            bottomMargin=page["margin"],
            title=printable.title,
            author=printable.made_by or printable.person,
            subject=f"Development plan towards {printable.goal}, {printable.trust}",
            creator="planner",
            lang="en-GB",
            invariant=int(invariant),
        )
        self.printable, self.bookmarks = printable, 0
        frame = Frame(
            self.leftMargin, self.bottomMargin, self.width, self.height,
            leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body",
        )
        self.addPageTemplates([PageTemplate(id="plan", frames=[frame], onPage=self._decorate)])

    def _decorate(self, canvas, doc) -> None:
        """Draw the page's blue band and its footer."""
        page, font, colour = STYLES["page"], STYLES["font"], STYLES["colour"]
        width, height = page["size"]
        canvas.saveState()
        canvas.setFillColor(colour["blue"])
        canvas.rect(0, height - page["band_height"] - 6 * mm, width, page["band_height"] + 6 * mm, stroke=0, fill=1)
        canvas.setFillColor(colour["white"])
        canvas.setFont(font["bold"], 11)
        canvas.drawString(page["margin"], height - page["band_height"], "Development plan")
        canvas.setFont(font["regular"], 10)
        canvas.drawRightString(width - page["margin"], height - page["band_height"], self.printable.trust)
        canvas.setFillColor(colour["grey"])
        canvas.setFont(font["regular"], page["footer_size"])
        footer = page["footer_offset"]
        canvas.drawRightString(width - page["margin"], footer, f"{self.printable.person} · {self.printable.status}")
        so_far = f"Page {doc.page} of "
        canvas.drawString(page["margin"], footer, so_far)
        canvas.translate(page["margin"] + canvas.stringWidth(so_far, font["regular"], page["footer_size"]), footer)
        canvas.doForm(PAGE_COUNT_FORM)
        canvas.restoreState()

    def afterFlowable(self, flowable) -> None:
        """Bookmark each section heading as it is placed, so the outline leads to its page."""
        title = getattr(flowable, "bookmark", None)
        if title is not None:
            self.bookmarks += 1
            key = f"section-{self.bookmarks}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(title, key, level=0)


# Pieces of the story.


def _heading(text: str, *, hidden: bool = False) -> Paragraph:
    """A section heading that is also a bookmark; ``hidden`` bookmarks without printing a heading."""
    heading = Paragraph("" if hidden else escape(text), PARAGRAPHS["body" if hidden else "h2"])
    heading.bookmark = text
    return heading


def _text(text: str, style: str = "body") -> Paragraph:
    return Paragraph(escape(text), PARAGRAPHS[style])


def _key_values(rows: list[tuple[str, str]]) -> Table:
    """A two-column table of names and values, on a pale ground."""
    table = Table(
        [[_text(key, "key"), _text(value, "value")] for key, value in rows],
        colWidths=[48 * mm, None],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle([
            ("BACKGROUND", (0, 0), (-1, -1), STYLES["colour"]["pale_grey"]),
            ("LINEBELOW", (0, 0), (-1, -2), STYLES["table"]["grid"], colors.white),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            *_padding(),
        ])
    )
    return table


def _where_i_am(printable: PrintablePlan) -> list:
    """Readiness for the current role and the target, as a bar chart and in words."""
    bars = [(f"{printable.role_title} (current role)", "Current role", printable.role_readiness)]
    if printable.target_title:
        bars.append((f"{printable.target_title} (target)", "Target role", printable.target_readiness))
    words = [
        f"{label}: {value}% ready." if value is not None else f"{label}: not measured, as the framework no longer has this role."
        for label, _, value in bars
    ]
    shown = [(short, value) for _, short, value in bars if value is not None]
    story = [_heading("Where I am")]
    story += [_text(line) for line in words]
    story.append(_text("Readiness is the share of the levels a role asks for that were held when the plan was made; critical competencies count double.", "cell"))
    if shown:
        story += [Spacer(1, 4), _readiness_chart(shown)]
    return [KeepTogether(story)]


def _readiness_chart(bars: list[tuple[str, int]]) -> Drawing:
    """A horizontal bar per role on a 0 to 100 percent scale with grid lines, each bar labelled
    with its figure. Drawn from plain shapes: reportlab's chart classes cost more than the rest of
    a page together."""
    style, colour, font = STYLES["chart"], STYLES["colour"], STYLES["font"]
    left, size = style["label_width"], style["font_size"]
    scale = style["width"] - left - 30
    plot_height = len(bars) * style["bar_height"] + (len(bars) + 1) * style["gap"]
    bottom = 18
    drawing = Drawing(style["width"], plot_height + bottom + 6)
    for percent in range(0, 101, 25):
        x = left + scale * percent / 100
        drawing.add(Line(x, bottom, x, bottom + plot_height, strokeColor=colour["rule"] if percent else colour["grey"], strokeWidth=0.5))
        drawing.add(String(x, bottom - size - 2, f"{percent}%", fontName=font["regular"], fontSize=size - 1, fillColor=colour["ink"], textAnchor="middle"))
    drawing.add(Line(left, bottom, left + scale, bottom, strokeColor=colour["grey"], strokeWidth=0.5))
    top = bottom + plot_height
    for label, value in bars:
        top -= style["gap"] + style["bar_height"]
        middle = top + style["bar_height"] / 2 - size / 3
        drawing.add(String(left - 6, middle, label, fontName=font["regular"], fontSize=size, fillColor=colour["ink"], textAnchor="end"))
        drawing.add(Rect(left, top, scale * value / 100, style["bar_height"], fillColor=colour["blue"], strokeColor=None))
        drawing.add(String(left + scale * value / 100 + 4, middle, f"{value}%", fontName=font["bold"], fontSize=size, fillColor=colour["ink"]))
    return drawing


def _route(printable: PrintablePlan) -> list:
    """The route to the target: a diagram of its roles and moves, then the same steps in words."""
    steps = printable.steps
    if not steps:
        return [_heading("The route"), _text(f"This plan is for {printable.role_title}, the current role: no move is planned.")]
    pathway = printable.plan["pathway"]
    summary = (
        f"{len(steps)} move{'s' if len(steps) != 1 else ''} from {printable.role_title} to {printable.target_title}: "
        f"{time_in_role(pathway['months'])} and {pathway['training_hours']:g} hours of training."
    )
    items = [ListItem(_text(_step_words(step)), leftIndent=14) for step in steps]
    story = [
        KeepTogether([_heading(f"The route to {printable.target_title}"), _text(summary), _route_diagram(steps)]),
        _text("The moves in words", "h3"),
        ListFlowable(items, bulletType="1", bulletFontName=STYLES["font"]["regular"], bulletFontSize=10, leftIndent=14),
    ]
    if printable.qualifications:
        helps = [ListItem(_text(note), leftIndent=12) for note in printable.qualifications]
        story.append(KeepTogether([
            _text("Qualifications that help", "h3"),
            _text("None is required."),
            ListFlowable(helps, bulletType="bullet", start="•", bulletFontSize=10, leftIndent=12),
        ]))
    return story


def _step_words(step: dict) -> str:
    """One move in words, as the plan page gives it."""
    band = f"band {step['band_from']}" + (f" to band {step['band_to']}" if step["band_to"] != step["band_from"] else "")
    months = step["months"]
    wait = f"after {months} more month{'s' if months != 1 else ''} in role" if months else "no more time in role needed"
    training = (
        f"{step['hours']:g} hours of training ({', '.join(m['title'] for m in step['modules'])})"
        if step["hours"] else "no training needed"
    )
    return f"{step['source']['title']} to {step['target']['title']}: {move_words(step['kind'])}, {band}, {wait}, {training}."


def _route_diagram(steps: list[dict]) -> Drawing:
    """The route's roles as boxes, top to bottom, joined by arrows labelled with the move and its months."""
    style, colour, font = STYLES["diagram"], STYLES["colour"], STYLES["font"]
    roles = [steps[0]["source"], *(step["target"] for step in steps)]
    width, pad = style["box_width"], style["padding"]
    wrapped = [simpleSplit(role["title"], font["bold"], style["title_size"], width - 2 * pad) for role in roles]
    heights = [2 * pad + len(lines) * (style["title_size"] + 2) + style["band_size"] + 3 for lines in wrapped]
    total = sum(heights) + style["arrow_length"] * len(steps)
    drawing = Drawing(width + 260, total + 2)
    top = total + 1
    for number, (role, lines, height) in enumerate(zip(roles, wrapped, heights)):
        first, last = number == 0, number == len(roles) - 1
        fill = colour["pale_grey"] if first else colour["blue"] if last else colour["white"]
        ink = colour["white"] if last else colour["ink"]
        drawing.add(Rect(1, top - height, width, height, fillColor=fill, strokeColor=colour["blue"] if not first else colour["grey"], strokeWidth=1.2))
        y = top - pad - style["title_size"]
        for line in lines:
            drawing.add(String(1 + pad, y, line, fontName=font["bold"], fontSize=style["title_size"], fillColor=ink))
            y -= style["title_size"] + 2
        note = "current role" if first else "target" if last else "on the way"
        drawing.add(String(1 + pad, y, f"Band {role['band']} · {note}", fontName=font["regular"], fontSize=style["band_size"], fillColor=ink))
        top -= height
        if not last:
            step = steps[number]
            _arrow(drawing, 1 + width / 2, top, top - style["arrow_length"])
            months = step["months"]
            label = f"{number + 1}. {move_words(step['kind'])}, " + (f"after {months} month{'s' if months != 1 else ''}" if months else "no wait")
            drawing.add(String(1 + width / 2 + 10, top - style["arrow_length"] / 2 - 3, label, fontName=font["regular"], fontSize=style["label_size"], fillColor=colour["ink"]))
            top -= style["arrow_length"]
    return drawing


def _arrow(drawing: Drawing, x: float, start: float, end: float) -> None:
    """A downward arrow from ``start`` to ``end`` at ``x``."""
    colour = STYLES["colour"]["grey"]
    drawing.add(Line(x, start, x, end + 6, strokeColor=colour, strokeWidth=1.5))
    drawing.add(Polygon([x - 4.5, end + 7, x + 4.5, end + 7, x, end], fillColor=colour, strokeColor=colour))


def _gaps(printable: PrintablePlan) -> list:
    """The gap table, most urgent first, and the needs already met in a sentence."""
    story = [CondPageBreak(STYLES["page"]["keep_with_table"]), _heading("Gaps")]
    gaps, met = printable.gaps, printable.met
    if gaps:
        story.append(_text(f"{len(gaps)} gap{'s' if len(gaps) != 1 else ''} for {printable.goal}, most urgent first. Each rating is given in words as well as by colour."))
        rows = [["Competency, and its domain beneath", "Current", "Required", "Gap", "Rating"]]
        fills = []
        for number, need in enumerate(gaps, 1):
            colour, words = rag(need)
            name = need["name"] + (" (critical)" if need["critical"] else "")
            if need["prerequisite_for"]:
                name += f". Needed first for {', '.join(d['name'] for d in need['prerequisite_for'])}"
            # The rating's colour, then its words a phrase a line, so the narrow column rarely wraps.
            rating = words.replace(": ", "\n", 1).replace(", ", "\n")
            cells = [f"{name}\n{need['domain_name']}", str(need["current"]), str(need["required"]), str(need["gap"]), (rating, f"rag_{colour}")]
            rows.append(cells)
            fills.append(("BACKGROUND", (4, number), (4, number), STYLES["colour"][colour]))
        story.append(_table(rows, [None, 16 * mm, 18 * mm, 11 * mm, 30 * mm], (1, 2, 3), fills))
    else:
        story.append(_text(f"No gaps: every level {printable.goal} asks for is already held."))
    if met:
        story.append(_text(f"Already met ({len(met)}): " + "; ".join(need["name"] for need in met) + "."))
    return story


def _training(printable: PrintablePlan) -> list:
    """The modules in study order, then the month-by-month schedule against the protected hours."""
    plan = printable.plan
    story = [CondPageBreak(STYLES["page"]["keep_with_table"]), _heading("Training")]
    if not plan["modules"]:
        return story + [_text("No training is needed.")]
    story.append(_text(f"{len(plan['modules'])} module{'s' if len(plan['modules']) != 1 else ''} in study order, {plan['total_hours']:g} hours in all."))
    rows = [["Step", "Module", "Hours", "Mode", "Provider", "When"]]
    for module in plan["modules"]:
        when = f"{module['start']:%B %Y}" + (f" to {module['end']:%B %Y}" if module["end"] != module["start"] else "")
        rows.append([str(module["step"]), module["title"], f"{module['hours']:g}", module["mode"].capitalize(), module["provider"], when])
    story.append(_table(rows, [12 * mm, None, 14 * mm, 22 * mm, 30 * mm, 38 * mm], (0, 2)))
    heading = _text(f"Month by month, within {printable.protected_hours:g} hours of protected learning time a month", "h3")
    rows = [["Month", "Modules and hours", "Hours used"]]
    for month in plan["months"]:
        parts = "\n".join(f"{part['title']}: {part['hours']:g} hour{'s' if part['hours'] != 1 else ''}" for part in month["hours"])
        rows.append([f"{month['month']:%B %Y}", parts, f"{month['total']:g} of {printable.protected_hours:g}"])
    story += [CondPageBreak(STYLES["page"]["keep_with_table"]), heading, _table(rows, [32 * mm, None, 24 * mm], (2,))]
    story.append(_text(f"The training is done by {plan['completion']:%B %Y}: {len(plan['months'])} month{'s' if len(plan['months']) != 1 else ''} of protected learning time."))
    return story


def _objectives(printable: PrintablePlan) -> list:
    """What the plan sets out to do, and when progress is reviewed."""
    items = [ListItem(_text(line), leftIndent=12) for line in printable.objectives]
    reviews = [ListItem(_text(f"{review:%-d %B %Y}"), leftIndent=12) for review in printable.plan["reviews"]]
    return [
        KeepTogether([
            _heading("Objectives and reviews"),
            ListFlowable(items, bulletType="bullet", start="•", bulletFontSize=10, leftIndent=12),
            _text("Progress is reviewed every three months, on:", "h3"),
            ListFlowable(reviews, bulletType="bullet", start="•", bulletFontSize=10, leftIndent=12),
        ])
    ]


def _development(printable: PrintablePlan) -> list:
    """Secondments and mentoring arranged for the person, when there are any."""
    if not printable.notes:
        return []
    items = [ListItem(_text(note), leftIndent=12) for note in printable.notes]
    return [KeepTogether([
        _heading("Secondments and mentoring"),
        ListFlowable(items, bulletType="bullet", start="•", bulletFontSize=10, leftIndent=12),
    ])]


def _sign_off(printable: PrintablePlan) -> list:
    """Who agreed the plan and when; blank lines to sign where a party has not agreed."""
    rows = []
    for agreement in printable.agreements:
        if agreement.at is not None:
            said = f"Agreed by {agreement.name} on {uk_time(agreement.at)}"
            rows.append([_text(agreement.party, "key"), _text(said, "value")])
        else:
            name = escape(agreement.name) if agreement.name else "_" * 34
            blank = f"Name: {name}<br/>Signature: {'_' * 30}&nbsp;&nbsp;Date: {'_' * 14}"
            rows.append([_text(agreement.party, "key"), Paragraph(blank, PARAGRAPHS["signature"])])
    table = Table(rows, colWidths=[36 * mm, None], hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.5, STYLES["colour"]["rule"]), *_padding()]))
    intro = (
        "Agreed by the staff member and their manager."
        if all(a.at is not None for a in printable.agreements)
        else "By signing, the staff member and their manager agree this plan."
    )
    return [KeepTogether([_heading("Sign-off"), _text(intro), table])]


def _table(rows: list, widths: list, numeric: tuple[int, ...], extra: list | None = None) -> Table:
    """A data table with a blue header row repeated on every page, striped rows and a light grid.

    ``rows`` holds plain text (lines split by newlines), the first row the headings; a cell that
    needs its own look is its text with the name of its paragraph style. ``widths`` may leave one
    column as None to take the rest of the page. The ``numeric`` columns are right-aligned.
    """
    style, cell, head = STYLES["table"], STYLES["paragraph"]["cell"], STYLES["paragraph"]["head"]
    page = STYLES["page"]
    rest = page["size"][0] - 2 * page["margin"] - sum(width for width in widths if width)
    widths = [width or rest for width in widths]
    looks: list = []
    laid_out = [
        [_cell(value, width, (column, number), looks, heading=number == 0, right=column in numeric) for column, (value, width) in enumerate(zip(row, widths))]
        for number, row in enumerate(rows)
    ]
    table = Table(laid_out, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle([
            ("BACKGROUND", (0, 0), (-1, 0), STYLES["colour"]["blue"]),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, style["stripe"]]),
            ("GRID", (0, 0), (-1, -1), style["grid"], STYLES["colour"]["rule"]),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("FONT", (0, 0), (-1, 0), head["fontName"], head["fontSize"], head["leading"]),
            ("TEXTCOLOR", (0, 0), (-1, 0), head["textColor"]),
            ("FONT", (0, 1), (-1, -1), cell["fontName"], cell["fontSize"], cell["leading"]),
            ("TEXTCOLOR", (0, 1), (-1, -1), cell["textColor"]),
            *[("ALIGN", (column, 0), (column, -1), "RIGHT") for column in numeric],
            *_padding(),
            *looks,
            *(extra or []),
        ])
    )
    return table


def _cell(value, width: float, where: tuple[int, int], looks: list, *, heading: bool, right: bool):
    """A table cell: its text as it is when every line fits the column, otherwise a paragraph that
    wraps. Laying out a paragraph costs many times more than drawing a string, and most cells fit.

    ``value`` is text, or text with the name of its paragraph style; a styled text that fits adds
    its font and colour for the cell at ``where`` to ``looks``.
    """
    text, name = value if isinstance(value, tuple) else (value, ("head" if heading else "cell") + ("_right" if right else ""))
    style = PARAGRAPHS[name]
    room = width - 2 * STYLES["table"]["padding"]
    lines = text.split("\n")
    if all(stringWidth(line, style.fontName, style.fontSize) <= room for line in lines):
        if isinstance(value, tuple):
            looks += [("FONT", where, where, style.fontName, style.fontSize, style.leading), ("TEXTCOLOR", where, where, style.textColor)]
        return text
    return Paragraph("<br/>".join(escape(line) for line in lines), style)


def _padding() -> list:
    padding = STYLES["table"]["padding"]
    return [(side, (0, 0), (-1, -1), padding) for side in ("TOPPADDING", "BOTTOMPADDING", "LEFTPADDING", "RIGHTPADDING")]
