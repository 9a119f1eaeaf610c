"""Is each report complete before it is published? A required narrative section with no commentary, or an
annual report built after its statutory deadline, is said on the command line (a warning; an error with
`--strict`), not only in red inside the PDF where nobody running cron will see it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from perfwatch.errors import Finding
from perfwatch.framework.periods import Period, PeriodError, parse_period

if TYPE_CHECKING:
    from perfwatch.data.commentary import Commentary
    from perfwatch.framework.model import Cycle, Framework


@dataclass(frozen=True)
class PlannedReport:
    """What the check needs of one requested report."""

    kind: str
    cycle: str | None
    period: str | None
    areas: tuple[str, ...]


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _cycle_of(framework: Framework, report: PlannedReport) -> Cycle | None:
    if report.cycle:
        return framework.cycle(report.cycle)
    return next((c for c in framework.reporting.cycles if c.kind == report.kind), None)


def _covered(framework: Framework, report: PlannedReport) -> Period | None:
    """The period the report's narrative is written for: the year of an annual report, else its period."""
    if not report.period:
        return None
    try:
        period = parse_period(report.period, framework.year_start_month)
    except PeriodError:
        return None
    return period.financial_year(framework.year_start_month) if report.kind == "annual" else period


def completeness_findings(
    framework: Framework,
    commentary: Commentary | None,
    reports: list[PlannedReport],
    as_of: date,
    *,
    strict: bool,
) -> list[Finding]:
    """Missing required sections and passed deadlines of the reports to build (errors when `strict`)."""
    severity = "error" if strict else "warning"
    findings = []
    for report in reports:
        cycle = _cycle_of(framework, report)
        period = _covered(framework, report)
        if cycle is None or period is None or cycle.kind != report.kind:
            continue
        names = {a.id: a.name for a in framework.areas}
        for section in (s for s in cycle.sections if s.required):
            for area in report.areas:
                if commentary is None or commentary.get(section.id, area, period.label) is None:
                    where = f"{names.get(area, area)}: " if area else ""
                    message = (
                        f"{where}{cycle.title}, {period.label}: the required section '{section.title}' has no "
                        f"text; add commentary with the id '{section.id}' for {period.label}"
                    )
                    findings.append(Finding(framework.id, None, None, severity, "missing-section", message))
        if report.kind == "annual" and cycle.due_months_after_year_end is not None:
            due = Period(period.end + cycle.due_months_after_year_end, 1, period.year_start_month).end_date
            if as_of > due:
                message = (
                    f"{cycle.title}, {period.label}: it was due by {_long(due)} ({cycle.due_months_after_year_end} "
                    f"months after the year end) and is built on {_long(as_of)}"
                )
                findings.append(Finding(framework.id, None, None, severity, "deadline-passed", message))
    return findings


def unplaceable_commentary(
    framework: Framework,
    commentary: Commentary,
    data_periods: dict[str, set[str]],
    reports: list[PlannedReport],
) -> list[Finding]:
    """Commentary no report can show: for an id, area or period that nothing reported has. Each is a warning
    naming its file, since the author wrote it to be read.

    `data_periods` holds each indicator's periods with data; a report shows an indicator's commentary for
    the period of its figure or for the report's own period, and other commentary for the report's period
    (its year for an annual report)."""
    sections = {s.id for c in framework.reporting.cycles for s in c.sections}
    ids = set(framework.indicators) | set(framework.outcomes) | sections
    ids |= {t.id for t in framework.themes} | {n.id for n in framework.national_outcomes}
    areas = set(framework.area_map)
    reported = {r.period for r in reports if r.period}
    reported |= {p.label for p in (_covered(framework, r) for r in reports) if p is not None}
    findings = []
    for (id_, area, period), text in commentary.texts.items():
        problem = ""
        if id_ not in ids:
            problem = f"'{id_}' is no indicator, outcome, theme or report section of the framework"
        elif area and area not in areas:
            problem = f"'{area}' is no area of the framework"
        elif period and reports and period not in reported | data_periods.get(id_, set()):
            problem = (
                f"no report built here shows {id_} for {period} (reports: {', '.join(sorted(reported))})"
            )
        if problem:
            findings.append(
                Finding(
                    text.file, text.line, None, "warning", "commentary-not-shown", f"not shown: {problem}"
                )
            )
    return findings
