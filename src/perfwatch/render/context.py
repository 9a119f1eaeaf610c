"""The one typed object a report template receives (`render/views.py`), built in one place from the evaluated
`Results`. `_Builder` reads `Results` once per area; its area and chart choices live in
`render/area_choices.py` and `render/chart_choices.py`, its cell formatting in `render/badges.py`. Nothing
here recomputes a status: every status, direction and signal comes from `Results`.
"""

from __future__ import annotations

import typing
from typing import Any

import numpy as np
import pandas as pd
from markupsafe import Markup

from perfwatch.formatting import decimals_for, format_value
from perfwatch.framework.periods import Period
from perfwatch.render import icons
from perfwatch.render.alt_text import pretty_period
from perfwatch.render.area_choices import AreaChoices
from perfwatch.render.badges import (
    _anchor,
    _assurance_badge,
    _benchmark_badge,
    _direction_badge,
    _flag,
    _format,
    _image,
    _is_true,
    _number,
    _period_of,
    _plain,
    _plural,
    _row_ci,
    _section_badge,
    _show_text,
    _shown_value,
    _text,
    _trend_badge,
    _unit_label,
    _variation_badge,
    long_date,
    status_badge,
)
from perfwatch.render.chart_choices import LATEST_COLUMNS, SPARKLINE_PERIODS, ChartChoices
from perfwatch.render.data_notes import data_notes
from perfwatch.render.summary import icon_key, spc_matrix
from perfwatch.render.views import (
    ActionView,
    AreaView,
    Badge,
    ComparisonCell,
    ComparisonRow,
    ContentsEntry,
    ExceptionView,
    IndicatorView,
    NationalOutcomeView,
    OutcomeView,
    ReportContext,
    ReportOptions,
    SectionView,
    StatusCount,
    ThemeView,
)
from perfwatch.vocabulary import REPORT_KINDS

if typing.TYPE_CHECKING:
    from perfwatch.data.commentary import Commentary
    from perfwatch.evaluate.results import Results
    from perfwatch.framework.model import Cycle, Indicator

DEFAULT_TITLES = {
    "performance": "Performance report",
    "annual": "Annual performance report",
    "exception": "Exception report",
    "scorecard": "Performance scorecard",
}
PURPOSES = {
    "performance": "How {area} performed against the {framework} in {period}: what is on target, what is "
    "not, and the actions in hand.",
    "annual": "The annual performance report of {area} for {period}: each key indicator against the "
    "preceding years, progress on the outcomes, and the actions delivered in the year.",
    "exception": "The indicators of {area} that need the board's attention in {period}, each with its "
    "owner and next action, and the actions that are overdue.",
    "scorecard": "Every indicator of {area} in {period} on one page.",
}
ACTION_STATE_WORDS = {
    "done": "Done", "on_track": "On track", "due_soon": "Due soon", "overdue": "Overdue", "cancelled": "Cancelled",
}  # fmt: skip
RBA_WORDS = {
    "how_much": "How much did we do?",
    "how_well": "How well did we do it?",
    "better_off": "Is anyone better off?",
}
POLARITY_WORDS = {
    "higher_is_better": "Higher is better", "lower_is_better": "Lower is better", "no_judgement": "No judgement",
}  # fmt: skip


# --- building ---------------------------------------------------------------------------------------


class _Builder(AreaChoices, ChartChoices):
    """Reads `Results` once for one area and hands out the views the templates need."""

    def __init__(self, results: Results, kind: str, commentary: Commentary | None, options: ReportOptions):
        if kind not in REPORT_KINDS:
            raise ValueError(f"unknown report kind {kind!r}; expected one of {', '.join(REPORT_KINDS)}")
        self.results = results
        self.framework = results.framework
        self.kind = kind
        self.commentary = commentary
        self.options = options
        self.area = self._focus_area()
        self.report_period = _period_of(results.period, self.framework)
        self.area_names = {a.id: a.name for a in self.framework.areas}
        self.area_levels = {a.id: a.level for a in self.framework.areas}
        self.area_parents = {a.id: a.parent for a in self.framework.areas}
        latest = results.latest[[c for c in LATEST_COLUMNS if c in results.latest.columns]]
        # Every area's latest row, grouped by indicator by position (cheaper than a groupby of frames).
        codes = latest["indicator"].astype(str).to_numpy()
        order = np.argsort(codes, kind="stable")
        self.latest_sorted = _plain(latest.iloc[order])
        self.latest_columns = {c: self.latest_sorted[c].to_numpy() for c in self.latest_sorted.columns}
        codes = codes[order]
        starts = np.flatnonzero(np.concatenate([[True], codes[1:] != codes[:-1]])) if len(codes) else codes
        stops = np.append(starts[1:], len(codes))[: len(starts)]
        self.latest_bounds = {codes[a]: (int(a), int(b)) for a, b in zip(starts, stops, strict=True)}
        self.latest = {
            str(row["indicator"]): row for row in latest[latest["area"] == self.area.id].to_dict("records")
        }
        self._series()
        self.rollups = {
            key: {
                str(row[key]): row
                for row in frame[frame["area"] == self.area.id].to_dict("records")
            }
            if len(frame) else {}
            for key, frame in (
                ("outcome", results.outcomes), ("theme", results.themes),
                ("national_outcome", results.national_outcomes),
            )
        }  # fmt: skip
        self.actions = [
            self._action(row)
            for row in results.actions.to_dict("records")
            if self._serves(_text(row.get("area")))
        ]

    def _serves(self, action_area: str) -> bool:
        """An action for an area belongs to that area's reports and its sub-areas' (one with no area: all)."""
        area: str | None = self.area.id
        while area:
            if area == action_area:
                return True
            area = self.area_parents.get(area)
        return not action_area

    def _action(self, row: dict) -> ActionView:
        outcome_id = _text(row.get("outcome"))
        outcome = self.framework.outcomes.get(outcome_id)
        total = int(row.get("milestones_total") or 0)
        milestones = f"{int(row.get('milestones_done') or 0)} of {total} milestones done" if total else ""
        state = _text(row.get("state"))
        return ActionView(
            id=_text(row.get("id")), title=_text(row.get("title")), owner=_text(row.get("owner")),
            due=long_date(row.get("due")), state=state, state_word=ACTION_STATE_WORDS.get(state, state),
            status=_text(row.get("status")).replace("_", " "), completed=long_date(row.get("completed")),
            milestones=milestones, notes=_text(row.get("notes")), outcome_id=outcome_id,
            outcome_title=outcome.title if outcome else "", indicator_ids=list(row.get("indicators") or []),
        )  # fmt: skip

    def _comment(self, id_: str, period: str | None) -> Markup | None:
        if self.commentary is None:
            return None
        return self.commentary.get(id_, self.area.id, period or self.results.period)

    def indicator(self, ind: Indicator, outcome_id: str, theme_id: str) -> IndicatorView:
        from perfwatch.render.charts import area_bar_chart, indicator_chart, sparkline

        row = self.latest.get(ind.id, {})
        series = self._series_frame(ind.id)
        status = _text(row.get("status")) or "no_data"
        comparator_id = _text(row.get("comparator"))
        comparator = self.area_names.get(comparator_id, comparator_id)
        unit_label = _unit_label(ind)
        places = decimals_for(ind.unit, ind.decimals)
        chart = None
        if ind.is_numeric and self.options.charts and self.kind == "performance":
            to_date = ", year to date" if _is_true(row.get("ytd")) else ""
            chart = indicator_chart(
                series, title=f"{ind.id} {ind.title}, {self.area.name}{to_date}", unit_label=unit_label,
                polarity=ind.polarity, decimals=places, width="half", show_title=False,
            )  # fmt: skip
        start, stop = self.series_bounds.get(ind.id, (0, 0))
        recent = self.series_columns.get("value", [])[max(start, stop - SPARKLINE_PERIODS) : stop]
        spark = sparkline(
            np.asarray(recent, dtype="float64") if ind.is_numeric else np.array([]),
            status=status, unit_label=unit_label if unit_label in ("%", "£") else "", decimals=places,
        )  # fmt: skip
        own = [a for a in self.actions if ind.id in a.indicator_ids]
        # Outcome actions (naming no indicator) follow; an action linked to another indicator never does.
        linked = own + [a for a in self.actions if a.outcome_id == outcome_id and not a.indicator_ids]
        period = _text(row.get("period"))
        areas, omitted, area_rows, against = self._areas(ind)
        area_chart = None
        if area_rows is not None and ind.is_numeric and self.options.charts and self.kind == "performance":
            area_chart = area_bar_chart(
                area_rows, title=f"{ind.id} {ind.title}: latest value by area", unit_label=unit_label,
                comparator_value=against[1], comparator_name=against[0], highlight_area=self.area.name,
                decimals=places, width="full", show_title=False,
            )  # fmt: skip
        return IndicatorView(
            id=ind.id, anchor=_anchor("ind", ind.id), title=ind.title, description=_text(ind.description),
            unit=ind.unit, polarity=ind.polarity, polarity_word=POLARITY_WORDS[ind.polarity],
            frequency=_text(ind.frequency), source=_text(ind.source), owner=_text(ind.owner),
            national_id=_text(ind.national_id), notes=_text(ind.notes), key=ind.key,
            under_development=ind.under_development, outcome_id=outcome_id, theme_id=theme_id,
            period=pretty_period(period) if period else "",
            value=_shown_value(ind, row),
            target=_format(ind, row.get("target"), row.get("target_text")),
            ci=_row_ci(ind, row), flag=_flag(row.get("flag")),
            note=_text(row.get("note")), status=status_badge(status), reason=_text(row.get("reason")),
            direction=_direction_badge(_text(row.get("direction")), ind.polarity),
            direction_yoy=_direction_badge(_text(row.get("direction_yoy")), ind.polarity),
            trend=_trend_badge(_text(row.get("trend")), ind.polarity),
            benchmark=_benchmark_badge(_text(row.get("benchmark")), comparator),
            comparator=comparator,
            comparator_value=format_value(_number(row.get("comparator_value")), ind.unit, ind.decimals)
            if comparator and ind.is_numeric else "",
            variation=_variation_badge(_text(row.get("variation"))),
            assurance=_assurance_badge(_text(row.get("assurance"))),
            spc_signal=_text(row.get("spc_signal")), chart=chart, sparkline=spark,
            history=self._history(ind), areas=areas, areas_omitted=omitted, area_chart=area_chart,
            commentary=self._indicator_comment(ind.id, _text(row.get("period"))), actions=linked,
            own_actions=own, baseline=self._baseline(ind), rba=RBA_WORDS.get(ind.rba or "", ""),
            stage=_text(ind.stage).capitalize(), counts=self._counts(ind, row),
        )  # fmt: skip

    def sub_area_misses(self) -> dict[str, dict[str, list[str]]]:
        """Per indicator, the areas within the report's area (at any depth) that are red or amber against
        their own level's target, by name."""
        within = set()
        for area in self.framework.areas:
            node, seen = self.area_parents.get(area.id), set()
            while node is not None and node not in seen:
                if node == self.area.id:
                    within.add(area.id)
                    break
                seen.add(node)
                node = self.area_parents.get(node)
        if not within or not len(self.latest_sorted):
            return {}
        cols = self.latest_columns
        inside = np.isin(cols["area"].astype(str), list(within))
        misses: dict[str, dict[str, list[str]]] = {}
        for status in ("red", "amber"):
            for k in np.flatnonzero(inside & (cols["status"].astype(str) == status)):
                area_id = str(cols["area"][k])
                entry = misses.setdefault(str(cols["indicator"][k]), {})
                entry.setdefault(status, []).append(self.area_names.get(area_id, area_id))
        return misses

    def _indicator_comment(self, id_: str, period: str) -> Markup | None:
        """Commentary for the period shown, else for the report's period (written after the latest data)."""
        return self._comment(id_, period or None) or (self._comment(id_, None) if period else None)

    @staticmethod
    def _baseline(ind: Indicator) -> str:
        if ind.baseline is None:
            return ""
        value = ind.baseline.value
        shown = _format(ind, value) if isinstance(value, int | float) else _show_text(value)
        return f"{shown} in {pretty_period(str(ind.baseline.period))}"

    @staticmethod
    def _counts(ind: Indicator, row: dict) -> str:
        numerator, denominator = _number(row.get("numerator")), _number(row.get("denominator"))
        if np.isnan(numerator) or np.isnan(denominator):
            return ""
        return f"{format_value(numerator, 'count')} of {format_value(denominator, 'count')}"

    def _rollup(self, frame: pd.DataFrame, key: str, id_: str) -> tuple[Badge, dict[str, int], bool]:
        row = self.rollups[key].get(id_)
        if row is None:
            return status_badge("no_data"), {}, False
        counts = {s: int(row[s]) for s in icons.STATUS_LABELS if s in row}
        return status_badge(_text(row["status"])), counts, bool(row.get("needs_action", False))

    def themes(self) -> list[ThemeView]:
        titles = {n.id: n.title for n in self.framework.national_outcomes}
        themes = []
        for theme in self.framework.themes:
            outcomes = []
            for outcome in theme.outcomes:
                status, counts, needs = self._rollup(self.results.outcomes, "outcome", outcome.id)
                outcomes.append(
                    OutcomeView(
                        id=outcome.id,
                        anchor=_anchor("out", outcome.id),
                        title=outcome.title,
                        description=_text(outcome.description),
                        lead=_text(outcome.lead),
                        status=status,
                        counts=counts,
                        national_outcomes=[titles.get(n, n) for n in outcome.contributes_to],
                        indicators=[self.indicator(i, outcome.id, theme.id) for i in outcome.indicators],
                        commentary=self._comment(outcome.id, None),
                        actions=[a for a in self.actions if a.outcome_id == outcome.id],
                        needs_action=needs,
                        statutory_function=_text(outcome.statutory_function),
                        evidence=list(outcome.evidence),
                        social_value=_text(outcome.social_value),
                    )  # fmt: skip
                )
            status, _, _ = self._rollup(self.results.themes, "theme", theme.id)
            themes.append(
                ThemeView(
                    theme.id,
                    _anchor("theme", theme.id),
                    theme.title,
                    _text(theme.description),
                    status,
                    outcomes,
                )
            )
        return themes

    def national_outcomes(self, themes: list[ThemeView]) -> list[NationalOutcomeView]:
        outcomes = {o.id: o for t in themes for o in t.outcomes}
        views = []
        for national in self.framework.national_outcomes:
            status, counts, _ = self._rollup(self.results.national_outcomes, "national_outcome", national.id)
            linked = [
                outcomes[o.id] for o in self.framework.outcomes.values() if national.id in o.contributes_to
            ]
            views.append(
                NationalOutcomeView(
                    id=national.id,
                    anchor=_anchor("no", national.id),
                    title=national.title,
                    status=status,
                    counts=counts,
                    outcomes=linked,
                    commentary=self._comment(national.id, None),
                )  # fmt: skip
            )
        return views

    def year(self) -> Period | None:
        if self.report_period is None:
            return None
        return self.report_period.financial_year(self.framework.year_start_month)

    def comparisons(self, indicators: dict[str, IndicatorView]) -> tuple[list[str], list[ComparisonRow]]:
        """The annual comparison: the reporting year and exactly the cycle's `compare_years` preceding
        years, each value under the year it belongs to (its own label beside it when that is not the
        reporting year's, e.g. a calendar year), answers as words."""
        year = self.year()
        frame = self.results.comparisons
        if year is None or frame is None or frame.empty or "compare_year" not in frame:
            return [], []
        cycle = self.cycle()
        wanted = cycle.compare_years if cycle is not None else 5
        frame = frame[(frame["area"] == self.area.id) & (frame["years_back"] <= wanted)]
        labels = [Period(year.start - 12 * k, 12, year.year_start_month).label for k in range(wanted, 0, -1)]
        rows = []
        for ind_id, group in frame.groupby("indicator", sort=False, observed=True):
            ind = self.framework.indicators.get(str(ind_id))
            if ind is None or not ind.key or str(ind_id) not in indicators:
                continue
            by_year = {r["compare_year"]: r for r in group.to_dict("records")}
            cells = []
            for label in labels:
                found = by_year.get(label, {})
                cells.append(
                    ComparisonCell(
                        period=label,
                        value=_own_year(
                            _format(ind, found.get("compare_value"), found.get("compare_text")),
                            found.get("compare_period"),
                            label,
                        ),
                        direction=_direction_badge(_text(found.get("direction")), ind.polarity),
                    )  # fmt: skip
                )
            current = group.iloc[0].to_dict() if group.iloc[0]["year"] == year.label else {}
            value = _format(ind, current.get("value"), current.get("value_text"))
            rows.append(
                ComparisonRow(
                    indicators[str(ind_id)],
                    year.label,
                    _own_year(value, current.get("period"), year.label),
                    cells,
                )
            )
        order = {i: n for n, i in enumerate(self.framework.indicators)}
        rows.sort(key=lambda r: order.get(r.indicator.id, 0))
        return labels, rows

    def cycle(self) -> Cycle | None:
        if self.options.cycle:
            return self.framework.cycle(self.options.cycle)
        return next((c for c in self.framework.reporting.cycles if c.kind == self.kind), None)

    def sections(self) -> list[SectionView]:
        cycle = self.cycle()
        if cycle is None or cycle.kind != self.kind:
            return []  # a scorecard drawn from the annual cycle does not carry the annual report's narrative
        # An annual report's narrative is written for its year; any other report's for its own period.
        year = self.year() if self.kind == "annual" else self.report_period
        views = []
        for section in cycle.sections:
            text = None
            if self.commentary is not None:
                text = self.commentary.get(section.id, self.area.id, year.label if year else None)
            views.append(
                SectionView(
                    id=section.id,
                    anchor=_anchor("sec", section.id),
                    title=section.title,
                    description=_text(section.description),
                    required=section.required,
                    text=text,
                    present=text is not None,
                    status=_section_badge(text is not None, section.required),
                )  # fmt: skip
            )
        return views

    def delivered(self) -> list[ActionView]:
        """Actions completed within the reporting year (all done actions when there is no period)."""
        year = self.year()
        done = self.results.actions[self.results.actions["state"] == "done"]
        completed = pd.to_datetime(done["completed"], errors="coerce")
        if year is not None:
            inside = (completed >= pd.Timestamp(year.start_date)) & (completed <= pd.Timestamp(year.end_date))
            done = done[inside.to_numpy()]
        ids = set(done["id"])
        return [a for a in self.actions if a.id in ids]


def summary_sentence(counts: dict[str, int], worsening: int, concern: int | None) -> str:
    """'Of 23 indicators, 14 are on target, 5 close, 4 off target; 3 are worsening; 2 show ...'."""
    total = sum(counts.values())
    if total == 0:
        return "There are no indicators to report."
    green, amber, red = counts.get("green", 0), counts.get("amber", 0), counts.get("red", 0)
    parts = [f"{green} {_plural(green, 'is', 'are')} on target", f"{amber} close", f"{red} off target"]
    extras = (
        ("no_target", "has no target", "have no target"),
        ("no_data", "has no data", "have no data"),
        ("not_assessed", "is not rated", "are not rated"),
    )
    parts += [f"{counts[s]} {_plural(counts[s], one, many)}" for s, one, many in extras if counts.get(s)]
    sentence = f"Of {total} {_plural(total, 'indicator', 'indicators')}, " + ", ".join(parts[:-1])
    sentence += f" and {parts[-1]}" if len(parts) > 3 else f", {parts[-1]}"
    sentence += f"; {worsening} {_plural(worsening, 'is', 'are')} worsening"
    if concern is not None:
        sentence += f"; {concern} {_plural(concern, 'shows', 'show')} special cause of concern"
    return sentence + "."


def _own_year(value: str, own: Any, reporting_year: str) -> str:
    """A value in a reporting year's column, with its own period beside it when that is another kind of
    year (`79.5 (2023)` for a calendar year under 2023/24)."""
    own_label = _text(own)
    if value == "—" or not own_label or own_label == reporting_year:
        return value
    return f"{value} ({own_label})"


AREAS_NAMED = 5
"""Sub-areas named in an exception's reason before the rest are counted (a region has hundreds)."""


def _some_areas(names: list[str]) -> str:
    """`Ashford, Dover`, or `Ashford, Dover, Thanet and 97 more areas` when there are many."""
    if len(names) <= AREAS_NAMED:
        return ", ".join(names)
    return ", ".join(names[: AREAS_NAMED - 2]) + f" and {len(names) - AREAS_NAMED + 2} more areas"


def _first_page_exception(exception: ExceptionView) -> bool:
    """Off target (here or in an area within) or a special cause of concern: what a board sees first."""
    return any(r.startswith("Off target") or r == "Special cause of concern" for r in exception.reasons)


def _exceptions(
    indicators: list[IndicatorView], sub_area_misses: dict[str, dict[str, list[str]]] | None = None
) -> list[ExceptionView]:
    """The exception list; an area within the report's area that misses its own target makes its
    indicator an exception here too ("Off target in Ashford, Dover"), even when the total is on target."""
    views = []
    sub_area_misses = sub_area_misses or {}
    for ind in indicators:
        reasons = []
        if ind.status.value == "red":
            reasons.append("Off target")
        elif ind.status.value == "amber":
            reasons.append("Close to target")
        misses = sub_area_misses.get(ind.id, {})
        if misses.get("red"):
            reasons.append("Off target in " + _some_areas(misses["red"]))
        if misses.get("amber"):
            reasons.append("Close to target in " + _some_areas(misses["amber"]))
        if ind.direction.value == "worsening":
            reasons.append("Worsening")
        if ind.spc_signal == "special_cause_concern" or ind.variation.value.startswith("concern"):
            reasons.append("Special cause of concern")
        missing = ind.status.value == "red" and ind.commentary is None
        if missing:
            reasons.append("No commentary")
        if reasons:
            open_actions = [a for a in ind.actions if a.state not in ("done", "cancelled")]
            views.append(ExceptionView(ind, reasons, missing, open_actions[0] if open_actions else None))
    return views


def _contents(kind: str, themes: list[ThemeView], context: dict) -> list[ContentsEntry]:
    entries = [ContentsEntry("at-a-glance", "At a glance", 1)]
    grouped = any(i.rba or i.stage for t in themes for o in t.outcomes for i in o.indicators)
    by_question = [ContentsEntry("rba", "Indicators by the question they answer", 1)] if grouped else []
    if kind == "performance":
        entries.append(ContentsEntry("scorecard", "Scorecard", 1))
        for theme in themes:
            entries.append(ContentsEntry(theme.anchor, theme.title, 1))
            entries += [ContentsEntry(o.anchor, o.title, 2) for o in theme.outcomes]
        entries += by_question
    elif kind == "annual":
        entries.append(ContentsEntry("comparison", "Key indicators over the years", 1))
        entries.append(ContentsEntry("outcomes", "Outcomes and indicators", 1))
        entries += by_question
        if context["national_outcomes"]:
            entries.append(ContentsEntry("national-outcomes", "National outcomes", 1))
            entries += [ContentsEntry(n.anchor, n.title, 2) for n in context["national_outcomes"]]
        entries.append(ContentsEntry("actions", "Actions in the year", 1))
        if context["sections"]:
            entries.append(ContentsEntry("sections", "Required sections", 1))
            entries += [ContentsEntry(s.anchor, s.title, 2) for s in context["sections"]]
    elif kind == "exception":
        entries += [
            ContentsEntry("exceptions", "Indicators needing attention", 1),
            ContentsEntry("overdue-actions", "Overdue actions", 1),
        ]
    if kind != "annual" and context["sections"]:
        entries.append(ContentsEntry("sections", "Report sections", 1))
        entries += [ContentsEntry(s.anchor, s.title, 2) for s in context["sections"]]
    if context["warnings"]:
        entries.append(ContentsEntry("notes", "Data notes", 1))
    return entries


def build_context(
    results: Results,
    *,
    kind: str = "performance",
    commentary: Commentary | None = None,
    options: ReportOptions | None = None,
) -> ReportContext:
    """The template context for one report of `kind` about one area (default: the top of the hierarchy)."""
    options = options or ReportOptions()
    builder = _Builder(results, kind, commentary, options)
    framework = results.framework
    themes = builder.themes()
    indicators = [i for t in themes for o in t.outcomes for i in o.indicators]
    counts = {s: 0 for s in icons.STATUS_LABELS}
    for ind in indicators:
        counts[ind.status.value] += 1
    total = len(indicators)
    worsening = sum(ind.direction.value == "worsening" for ind in indicators)
    concern = sum(ind.spc_signal == "special_cause_concern" for ind in indicators)
    spc_used = any(ind.variation.value for ind in indicators)
    status_counts = [
        StatusCount(s, icons.STATUS_LABELS[s], _image(icons.status_icon(s, decorative=True)), n,
                    round(100 * n / total, 1) if total else 0.0)
        for s, n in counts.items()
    ]  # fmt: skip
    exceptions = _exceptions(indicators, builder.sub_area_misses())
    national = builder.national_outcomes(themes) if kind == "annual" else []
    labels, comparisons = builder.comparisons({i.id: i for i in indicators}) if kind == "annual" else ([], [])
    sections = builder.sections()
    # The board's data notes: what the evaluation found, and the area's provisional, missing and late
    # figures. Commentary problems name files: they are for the author, on the command line.
    warnings = [f.message for f in results.findings if not f.is_error]
    warnings += data_notes(results, builder.area.id, builder.report_period)
    cycle = builder.cycle()
    period = builder.report_period
    year = builder.year()
    parts: dict[str, Any] = {"national_outcomes": national, "sections": sections, "warnings": warnings}
    organisation = options.organisation or _text(framework.organisation)
    period_label = year.label if kind == "annual" and year else pretty_period(_text(results.period))
    return ReportContext(
        kind=kind,
        title=options.title or (cycle.title if cycle else DEFAULT_TITLES[kind]),
        organisation=organisation, audience=_text(cycle.audience) if cycle else "",
        purpose=PURPOSES[kind].format(
            area=builder.area.name or organisation or framework.title, framework=framework.title,
            period=period_label,
        ),
        framework_id=framework.id, framework_title=framework.title, framework_version=_text(framework.version),
        period=_text(results.period),
        period_label=period_label,
        year_label=year.label if year else "", data_cutoff=long_date(period.end_date) if period else "",
        as_of=long_date(results.as_of), generated_at=options.generated_at,
        inputs_hash=(results.inputs_hash or "")[:12], area=builder.area,
        areas=[AreaView(a.id, a.name, a.level) for a in framework.areas],
        summary=summary_sentence(counts, worsening, concern if spc_used else None),
        status_counts=status_counts, total=total, worsening=worsening, special_cause_concern=concern,
        themes=themes, indicators=indicators, exceptions=exceptions, actions=builder.actions,
        top_exceptions=[e for e in exceptions if _first_page_exception(e)],
        spc_matrix=spc_matrix(indicators), icon_key=icon_key(indicators),
        overdue_actions=[a for a in builder.actions if a.state == "overdue"],
        delivered_actions=builder.delivered(), national_outcomes=national, comparison_years=labels,
        comparisons=comparisons, sections=sections,
        missing_sections=[s for s in sections if s.required and not s.present], warnings=warnings,
        contents=_contents(kind, themes, parts),
    )  # fmt: skip
