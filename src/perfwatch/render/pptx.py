"""The report as PowerPoint slides, for boards that take their pack as a deck.

Built from the same `ReportContext` as the HTML and PDF, so every figure, word and verdict on a slide is
the one the other formats show: a cover, the summary (status counts and the Making Data Count matrix of
variation by assurance), the exceptions (the first page's: off target or a special cause of concern), the scorecard, then one slide per indicator with a native
PowerPoint line chart (editable by analysts, drawn from the numbers the SVG chart plots), its figures, the
reason for its status, "what the data tells us" (commentary) and "what we are doing" (actions). Annual
reports add the multi-year comparison and their narrative sections. The bytes are reproducible: document
properties come from the report, and every part of the package carries a fixed timestamp.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from datetime import datetime

from perfwatch.render import icons
from perfwatch.render.views import IndicatorView, ReportContext

#: Slide size 16:9, in inches; the layout grid below is in inches too.
SLIDE_WIDTH, SLIDE_HEIGHT = 13.333, 7.5
MARGIN = 0.5
TITLE_TOP, TITLE_HEIGHT = 0.35, 0.8
BODY_TOP = 1.3
TABLE_ROWS_PER_SLIDE = 9
EXCEPTIONS_PER_SLIDE = 5  # their cells carry sentences
NOTES_PER_SLIDE = 14
TEXT_LIMIT = 700  # characters of commentary or narrative on one slide; the rest is in the HTML/PDF report
FIXED_TIME = (2000, 1, 1, 0, 0, 0)
_W3CDTF = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")

STATUS_FILL = {
    "green": icons.GREEN, "amber": icons.AMBER, "red": icons.RED,
    "no_target": "#aeb7bd", "no_data": "#d8dde0", "not_assessed": "#d8dde0",
}  # fmt: skip
STATUS_INK = {"green": icons.WHITE, "red": icons.WHITE}

LINE_STYLES = {  # legend name → (colour, dashed)
    "Value": (icons.DARK_BLUE, False),
    "Target": (icons.RED, True),
    "SPC mean": (icons.GREY, False),
    "Lower process limit": ("#768692", True),
    "Upper process limit": ("#768692", True),
}


def render_pptx(report: ReportContext) -> bytes:
    """The report as a .pptx file's bytes."""
    from pptx import Presentation
    from pptx.util import Inches

    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(SLIDE_WIDTH), Inches(SLIDE_HEIGHT)
    _properties(deck, report)
    slides = _Slides(deck)
    slides.cover(report)
    slides.summary(report)
    exceptions = report.exceptions if report.kind == "exception" else report.top_exceptions
    if exceptions:
        rows = [
            [
                f"{e.indicator.title} ({e.indicator.id})",
                f"{'; '.join(e.reasons)}: {e.indicator.reason}",
                e.indicator.owner or "—",
                _action_line(e.next_action) if e.next_action else "No open action",
            ]
            for e in exceptions
        ]
        slides.table("Exceptions: owner and next action", ["Indicator", "Why", "Owner", "Next action"], rows,
                     widths=(3.6, 3.9, 1.8, 3.03), rows_per_slide=EXCEPTIONS_PER_SLIDE)  # fmt: skip
    slides.table(
        f"Scorecard: {report.area.name}, {report.period_label}",
        ["Indicator", "Period", "Latest", "Target", "Status", "Direction", "Benchmark"],
        [
            [f"{i.title} ({i.id})", i.period or "—", i.value, i.target, i.status.word, i.direction.word,
             i.benchmark.word or "—"]
            for i in report.indicators
        ],
        widths=(4.3, 1.3, 1.2, 1.1, 1.6, 1.4, 1.43),
        status_column=4,
        statuses=[i.status.value for i in report.indicators],
    )  # fmt: skip
    if report.kind == "annual" and report.comparisons:
        years = report.comparison_years
        slides.table(
            f"Compared with previous years: {report.year_label}",
            ["Indicator", *years, report.year_label],
            [[f"{r.indicator.title} ({r.indicator.id})", *(c.value for c in r.years), r.value]
             for r in report.comparisons],
            widths=(4.5, *([7.83 / (len(years) + 1)] * (len(years) + 1))),
        )  # fmt: skip
    if report.kind in ("performance", "exception"):
        chosen = (
            report.indicators if report.kind == "performance" else [e.indicator for e in report.exceptions]
        )
        for indicator in chosen:
            slides.indicator(indicator)
    for section in report.sections:
        text = section.text.striptags() if section.text is not None else "Not supplied."
        slides.text(section.title, [text])
    if report.warnings:
        slides.text("Data notes", report.warnings)
    buffer = io.BytesIO()
    deck.save(buffer)
    return _fixed_timestamps(buffer.getvalue())


def _properties(deck, report: ReportContext) -> None:
    """Document properties from the report, not the clock, so the same inputs give the same bytes."""
    core = deck.core_properties
    core.title = report.title
    core.subject = f"{report.area.name}, {report.period_label}"
    core.author = report.organisation or "perfwatch"
    core.last_modified_by = "perfwatch"
    core.keywords = f"{report.framework_id} {report.inputs_hash}"
    core.revision = 1
    core.created = core.modified = datetime(*FIXED_TIME)


def _fixed_timestamps(data: bytes) -> bytes:
    """Rewrite a package with every member dated `FIXED_TIME`: zip entries otherwise carry the clock, and
    so do the workbooks embedded behind each chart (their `docProps/core.xml`)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            member = source.read(item)
            if item.filename.endswith(".xlsx"):
                member = _fixed_timestamps(member)
            elif item.filename == "docProps/core.xml" and b"dcterms:created" in member:
                member = _W3CDTF.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", member)
            target.writestr(info, member)
    return out.getvalue()


def _action_line(action) -> str:
    parts = [action.title, action.owner, f"due {action.due}" if action.due else "", action.state_word]
    return " — ".join(p for p in parts if p)


def _chunks(items: Sequence, size: int) -> Iterator[tuple[int, Sequence]]:
    for start in range(0, max(len(items), 1), size):
        yield start // size, items[start : start + size]


class _Slides:
    """Adds slides to a deck on one grid, in the report's typography."""

    def __init__(self, deck):
        from pptx.dml.color import RGBColor
        from pptx.util import Inches, Pt

        self.deck, self.inches, self.points, self.rgb = deck, Inches, Pt, RGBColor.from_string
        self.blank = deck.slide_layouts[6]

    def _slide(self, title: str):
        slide = self.deck.slides.add_slide(self.blank)
        size = 26 if len(title) <= 60 else 20 if len(title) <= 90 else 16  # one line above the facts
        self._text_box(slide, title, MARGIN, TITLE_TOP, SLIDE_WIDTH - 2 * MARGIN, TITLE_HEIGHT, size=size,
                       bold=True, colour=icons.DARK_BLUE)  # fmt: skip
        return slide

    def _text_box(self, slide, text, left, top, width, height, *, size=14, bold=False, colour=icons.INK,
                  paragraphs: Sequence[str] | None = None, heading: bool = False):  # fmt: skip
        """A text box; `paragraphs` instead of `text` for several, the first in bold when `heading`."""
        box = slide.shapes.add_textbox(self.inches(left), self.inches(top), self.inches(width),
                                       self.inches(height))  # fmt: skip
        frame = box.text_frame
        frame.word_wrap = True
        for number, line in enumerate(paragraphs if paragraphs is not None else [text]):
            paragraph = frame.paragraphs[0] if number == 0 else frame.add_paragraph()
            run = paragraph.add_run()
            run.text = line
            run.font.size, run.font.bold = self.points(size), bold or (heading and number == 0)
            run.font.color.rgb = self.rgb(colour.lstrip("#"))
        return box

    def _fill(self, shape_or_cell, colour: str) -> None:
        shape_or_cell.fill.solid()
        shape_or_cell.fill.fore_color.rgb = self.rgb(colour.lstrip("#"))

    def cover(self, report: ReportContext) -> None:
        slide = self.deck.slides.add_slide(self.blank)
        self._text_box(slide, report.organisation, MARGIN, 1.2, 12, 0.6, size=20, bold=True)
        self._text_box(slide, report.title, MARGIN, 2.0, 12, 1.4, size=36 if len(report.title) <= 40 else 30,
                       bold=True, colour=icons.DARK_BLUE)  # fmt: skip
        self._text_box(slide, f"{report.area.name} · {report.period_label}", MARGIN, 3.6, 12, 0.6, size=22)
        self._text_box(slide, report.purpose, MARGIN, 4.3, 12, 0.8, size=14)
        version = f", version {report.framework_version}" if report.framework_version else ""
        details = [
            f"Data to {report.data_cutoff} · report date {report.as_of}",
            f"{report.framework_title}{version} · inputs {report.inputs_hash}",
        ]
        self._text_box(slide, "", MARGIN, 5.6, 12, 1.0, size=12, colour=icons.GREY, paragraphs=details)

    def summary(self, report: ReportContext) -> None:
        slide = self._slide("At a glance")
        self._text_box(slide, report.summary, MARGIN, BODY_TOP, SLIDE_WIDTH - 2 * MARGIN, 0.8, size=16)
        left, width = MARGIN, (SLIDE_WIDTH - 2 * MARGIN) / max(len(report.status_counts), 1)
        for count in report.status_counts:
            box = self._text_box(slide, f"{count.count}  {count.word}", left, 2.2, width - 0.1, 0.6, size=13,
                                 bold=True, colour=STATUS_INK.get(count.status, icons.INK))  # fmt: skip
            self._fill(box, STATUS_FILL.get(count.status, "#d8dde0"))
            left += width
        matrix = report.spc_matrix
        if matrix is None:
            self._text_box(slide, "No indicator in this report has statistical process control switched on, "
                           "so there is no Making Data Count summary.", MARGIN, 3.1, 12, 0.6, size=13)  # fmt: skip
            return
        self._text_box(slide, "Making Data Count: variation by assurance", MARGIN, 3.0, 12, 0.4, size=14,
                       bold=True)  # fmt: skip
        table = slide.shapes.add_table(len(matrix.rows) + 1, len(matrix.columns) + 1, self.inches(MARGIN),
                                       self.inches(3.45), self.inches(SLIDE_WIDTH - 2 * MARGIN),
                                       self.inches(3.6)).table  # fmt: skip
        table.columns[0].width = self.inches(2.0)
        self._cell(table.cell(0, 0), "Assurance \\ variation", bold=True)
        for column, heading in enumerate(matrix.columns, start=1):
            table.columns[column].width = self.inches((SLIDE_WIDTH - 2 * MARGIN - 2.0) / len(matrix.columns))
            self._cell(table.cell(0, column), heading.word, bold=True)
        for number, row in enumerate(matrix.rows, start=1):
            self._cell(table.cell(number, 0), row.assurance.word, bold=True)
            for column, cell in enumerate(row.cells, start=1):
                self._cell(
                    table.cell(number, column),
                    "\n".join(f"{i.id} {_short(i.title)}" for i in cell.indicators),
                )

    def _cell(self, cell, text: str, *, bold: bool = False, size: int = 11, colour: str = icons.INK) -> None:
        cell.text = text
        for paragraph in cell.text_frame.paragraphs:
            for run in paragraph.runs:
                run.font.size, run.font.bold = self.points(size), bold
                run.font.color.rgb = self.rgb(colour.lstrip("#"))

    def table(self, title: str, header: Sequence[str], rows: Sequence[Sequence[str]], *,
              widths: Sequence[float], status_column: int | None = None,
              statuses: Sequence[str] = (), rows_per_slide: int = TABLE_ROWS_PER_SLIDE) -> None:  # fmt: skip
        """A table over as many slides as it needs, header repeated, status cells in their colour."""
        for page, chunk in _chunks(rows, rows_per_slide):
            slide = self._slide(title if page == 0 else f"{title} (continued)")
            shape = slide.shapes.add_table(len(chunk) + 1, len(header), self.inches(MARGIN),
                                           self.inches(BODY_TOP), self.inches(sum(widths)),
                                           self.inches(0.4 * (len(chunk) + 1)))  # fmt: skip
            table = shape.table
            for column, (name, width) in enumerate(zip(header, widths, strict=True)):
                table.columns[column].width = self.inches(width)
                self._cell(table.cell(0, column), name, bold=True)
            for number, values in enumerate(chunk, start=1):
                status = statuses[page * rows_per_slide + number - 1] if statuses else ""
                for column, value in enumerate(values):
                    cell = table.cell(number, column)
                    if column == status_column and status in STATUS_FILL:
                        self._fill(cell, STATUS_FILL[status])
                        self._cell(cell, value, colour=STATUS_INK.get(status, icons.INK))
                    else:
                        self._cell(cell, value)

    def text(self, title: str, paragraphs: Sequence[str]) -> None:
        for page, chunk in _chunks(list(paragraphs), NOTES_PER_SLIDE):
            slide = self._slide(title if page == 0 else f"{title} (continued)")
            self._text_box(slide, "", MARGIN, BODY_TOP, SLIDE_WIDTH - 2 * MARGIN, 5.7, size=13,
                           paragraphs=[_limit(p) for p in chunk])  # fmt: skip

    def indicator(self, ind: IndicatorView) -> None:
        slide = self._slide(ind.title)
        facts = [ind.id, ind.owner, ind.source, ind.frequency, ind.polarity_word]
        self._text_box(slide, " · ".join(f for f in facts if f), MARGIN, 1.05, 12, 0.35, size=12,
                       colour=icons.GREY)  # fmt: skip
        verdict = self._text_box(slide, ind.status.word, MARGIN, 1.45, 2.6, 0.45, size=14, bold=True,
                                 colour=STATUS_INK.get(ind.status.value, icons.INK))  # fmt: skip
        self._fill(verdict, STATUS_FILL.get(ind.status.value, "#d8dde0"))
        self._text_box(slide, ind.reason, 3.3, 1.45, 9.5, 0.6, size=13)
        series = ind.chart.series if ind.chart is not None else None
        if series is not None and series.periods:
            self._chart(slide, ind, series)
        figures = [
            ("Period", ind.period or "—"), ("Latest", ind.value), ("Target", ind.target),
            ("Direction", ind.direction.word), ("Year on year", ind.direction_yoy.word),
            ("Recent trend", ind.trend.word),
            ("Benchmark", f"{ind.benchmark.word} ({ind.comparator_value})" if ind.comparator_value
             else ind.benchmark.word or "—"),
        ]  # fmt: skip
        if ind.ci:
            figures.append(("Interval", ind.ci))
        if ind.variation.value:
            figures.append(("SPC", f"{ind.variation.word}; {ind.assurance.word or 'no target'}"))
        if ind.flag:
            figures.append(("Data", ind.flag))
        left = 8.0 if series is not None else MARGIN
        shape = slide.shapes.add_table(len(figures), 2, self.inches(left), self.inches(2.2), self.inches(4.8),
                                       self.inches(0.32 * len(figures)))  # fmt: skip
        table = shape.table
        table.columns[0].width, table.columns[1].width = self.inches(1.5), self.inches(3.3)
        for row, (name, value) in enumerate(figures):
            self._cell(table.cell(row, 0), name, bold=True, size=11)
            self._cell(table.cell(row, 1), value, size=11)
        tells = ind.commentary.striptags() if ind.commentary is not None else "No commentary was supplied."
        doing = [_action_line(a) for a in ind.own_actions] or ["No action is linked to this indicator."]
        top = 5.55
        self._text_box(slide, "", MARGIN, top, 6.1, 1.8, size=11, heading=True,
                       paragraphs=["What the data tells us", _limit(tells)])  # fmt: skip
        self._text_box(slide, "", 6.8, top, 6.0, 1.8, size=11, heading=True,
                       paragraphs=["What we are doing", *doing[:4]])  # fmt: skip

    def _chart(self, slide, ind: IndicatorView, series) -> None:
        from pptx.chart.data import CategoryChartData
        from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
        from pptx.enum.dml import MSO_LINE_DASH_STYLE

        data = CategoryChartData()
        data.categories = list(series.periods)
        for name, values in series.lines.items():
            data.add_series(name, values)
        frame = slide.shapes.add_chart(XL_CHART_TYPE.LINE_MARKERS, self.inches(MARGIN), self.inches(2.15),
                                       self.inches(7.3), self.inches(3.3), data)  # fmt: skip
        chart = frame.chart
        chart.has_legend = True
        chart.legend.position, chart.legend.include_in_layout = XL_LEGEND_POSITION.BOTTOM, False
        chart.font.size = self.points(10)
        for plot_series in chart.plots[0].series:
            colour, dashed = LINE_STYLES.get(plot_series.name, (icons.GREY, False))
            plot_series.format.line.color.rgb = self.rgb(colour.lstrip("#"))
            plot_series.format.line.width = self.points(2.25 if plot_series.name == "Value" else 1.25)
            plot_series.smooth = False
            if dashed:
                plot_series.format.line.dash_style = MSO_LINE_DASH_STYLE.DASH
            if plot_series.name != "Value":
                from pptx.enum.chart import XL_MARKER_STYLE

                plot_series.marker.style = XL_MARKER_STYLE.NONE
        if ind.unit == "percentage":
            chart.value_axis.tick_labels.number_format = '0"%"'
            chart.value_axis.tick_labels.number_format_is_linked = False


def _short(title: str, limit: int = 42) -> str:
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def _limit(text: str) -> str:
    text = " ".join(text.split())
    return (
        text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 1].rstrip() + "… (continued in the report)"
    )
