"""`perfwatch init`: a small working project to start from, so that `perfwatch report` works at once.

The project is a framework file (a commented starter, or a copy of a bundled framework to edit), sample
data that fits it, a `perfwatch.yaml` and a commentary folder. The sample data ends with the last
complete period before today, so nothing in it is stale; it is made up, and every file says so.
Existing files are never overwritten: a user's work is worth more than a starter project.
"""

from __future__ import annotations

import csv
import io
import zlib
from datetime import date
from pathlib import Path

import numpy as np

from perfwatch.errors import Finding, InputError, PerfwatchError
from perfwatch.framework.model import Framework, Indicator
from perfwatch.framework.periods import Period
from perfwatch.resources import bundled_framework, frameworks_dir
from perfwatch.vocabulary import PROJECT_FILE

SAMPLE_DATA = "data/sample.csv"
MAX_SAMPLE_AREAS = 5
SAMPLE_POINTS = {"monthly": 24, "quarterly": 8, "annual": 5, "biennial": 3}
SAMPLE_HEADER = ["indicator", "area", "period", "value", "numerator", "denominator", "note"]

STARTER_FRAMEWORK = """\
# A starter performance management framework, written by `perfwatch init`. Edit it into your own:
# every field is described in docs/reference.md, and `perfwatch validate framework.yaml` checks it.
perfwatch: 1                      # the version of the framework format
id: starter
title: Starter performance framework
organisation: Your organisation
version: "{year}.1"
review_date: {review}             # lints warn once this date has passed
year_start: april                 # financial years, written 2024/25
rules:
  max_indicators_per_outcome: 3   # a lint: few, meaningful indicators per outcome
defaults:
  tolerance: {{amber: "5%"}}        # within 5% of the target is amber, beyond it red
areas:                            # the `area` column of the data holds these ids
  - {{id: borough, name: The Borough, level: local_authority, comparator: region}}
  - {{id: region, name: The Region, level: region}}

themes:
  - id: T1
    title: Living well at home
    outcomes:
      - id: O1
        title: Older people live independently at home for longer
        priority: true
        indicators:
          - id: reablement-91
            title: Older people still at home 91 days after discharge into reablement
            unit: percentage          # 0-100; give numerator and denominator for intervals
            polarity: higher_is_better
            rba: better_off           # how_much | how_well | better_off
            frequency: quarterly
            source: Adult social care records
            owner: Head of Adult Social Care
            target: {{value: 85}}
          - id: care-home-admissions
            title: Permanent admissions to care homes, people aged 65+, per 100,000 population
            unit: rate
            per: 100000               # rates need their multiplier
            polarity: lower_is_better
            frequency: quarterly
            source: Adult social care records
            owner: Head of Adult Social Care
            target: {{value: 650}}
            tolerance: {{amber: 25}}    # an absolute band, in the indicator's unit
      - id: O2
        title: Carers are supported in their caring role
        indicators:
          - id: carers-assessed
            title: Carers assessed or reviewed
            unit: count
            polarity: higher_is_better
            frequency: quarterly
            source: Carers' service returns
            owner: Carers' Lead
            target: {{value: 1200, year_to_date: true}}   # an annual total, compared year to date
          - id: carers-strategy
            title: The carers' strategy is refreshed with carers
            unit: yes_no
            polarity: higher_is_better
            frequency: annual
            source: Carers' partnership board minutes
            owner: Carers' Lead
            target: {{value: "yes"}}

reporting:
  cycles:
    - {{id: board, title: Board performance report, kind: performance, months: [jul, oct, jan, apr]}}
    - {{id: annual, title: Annual performance report, kind: annual, months: [jun], compare_years: 5}}

actions:
  - id: A1
    title: Seven-day reablement service
    outcome: O1
    owner: Head of Adult Social Care
    due: {due}
    status: in_progress
"""

PROJECT_TEMPLATE = """\
# A perfwatch project, written by `perfwatch init`. `perfwatch report` in this folder builds the reports.
# Every option is described in docs/data.md (data mappings) and docs/reference.md.
framework: {framework}
data:
  - {data}                   # long form: indicator, area, period, value, numerator, denominator
commentary: [commentary]     # Markdown per indicator or outcome: commentary/<id>.md, <id>/<period>.md
output: build
reports:
  - {{kind: performance, formats: [html, pdf]}}
"""

COMMENTARY_TEMPLATE = """\
Commentary for **{id}**, {title}. This file is `commentary/{id}.md`: its text appears beside the
indicator in every report. Write `commentary/{id}/2024-25.md` for one period only, or
`commentary/{id}/<area>/2024-25.md` for one area and period. (Written by `perfwatch init`.)
"""


def init_project(
    directory: str | Path, from_framework: str | None = None, *, today: date | None = None
) -> list[Path]:
    """Write a working starter project into `directory`; returns the files written.

    With `from_framework` (a bundled framework's name, e.g. `forth-valley-ijb`) the framework is a copy of
    that one and the sample data fits it. Raises `InputError` if any file would be overwritten.
    """
    from perfwatch.framework.load import load_framework

    root = Path(directory)
    today = today or date.today()
    if from_framework is None:
        framework_name = "framework.yaml"
        framework_text = STARTER_FRAMEWORK.format(
            year=today.year, review=date(today.year + 2, 3, 31).isoformat(), due=date(today.year + 1, 3, 31)
        )
    else:
        source = bundled_framework(from_framework)
        if source is None:
            names = sorted(p.stem for p in frameworks_dir().glob("*.y*ml"))
            raise PerfwatchError(
                f"there is no bundled framework {from_framework!r}; choose one of {', '.join(names)}"
            )
        framework_name = source.name
        framework_text = source.read_text(encoding="utf-8")

    files = {
        framework_name: framework_text,
        PROJECT_FILE: PROJECT_TEMPLATE.format(framework=framework_name, data=SAMPLE_DATA),
    }
    existing = [root / name for name in [*files, SAMPLE_DATA, "commentary"] if (root / name).exists()]
    if existing:
        raise InputError(
            [
                Finding(
                    str(path),
                    code="exists",
                    message="already exists: perfwatch init never overwrites "
                    "files; choose a new or empty folder, or move this one aside",
                )  # fmt: skip
                for path in existing
            ]
        )
    root.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in files.items():
        path = root / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    framework = load_framework(root / framework_name)
    data_path = root / SAMPLE_DATA
    data_path.parent.mkdir(parents=True, exist_ok=True)
    data_path.write_text(sample_data(framework, today), encoding="utf-8")
    written.append(data_path)
    first = next(iter(framework.indicators.values()))
    commentary = root / "commentary" / f"{first.id}.md"
    commentary.parent.mkdir(parents=True, exist_ok=True)
    commentary.write_text(
        COMMENTARY_TEMPLATE.format(id=first.id, title=first.title.lower()), encoding="utf-8"
    )
    written.append(commentary)
    return written


def _sample_areas(framework: Framework) -> list[str]:
    """A few areas to give data for: the children of the top areas (so roll-ups work), else the top ones."""
    if not framework.areas:
        return ["example"]
    tops = [a.id for a in framework.areas if a.parent is None]
    children = [a.id for a in framework.areas if a.parent in tops]
    return (children or tops)[:MAX_SAMPLE_AREAS]


def _periods(indicator: Indicator, today: date, year_start: int) -> list[Period]:
    """The last few complete periods of the indicator's frequency before `today`."""
    now = today.year * 12 + today.month - 1
    frequency = indicator.frequency or "annual"
    length = {"monthly": 1, "quarterly": 3}.get(frequency, 12)
    step = 24 if frequency == "biennial" else length
    offset = (now - (year_start - 1)) % length
    last = now - offset - length
    return [Period(last - step * k, length, year_start) for k in reversed(range(SAMPLE_POINTS[frequency]))]


def _rows(indicator: Indicator, area: str, periods: list[Period], rng: np.random.Generator) -> list[list]:
    target = indicator.target.value if indicator.target and indicator.target.value is not None else None
    note = "sample data written by perfwatch init: replace it with your own"
    if indicator.unit == "yes_no":
        return [[indicator.id, area, p.label, "yes", "", "", note] for p in periods]
    if indicator.unit == "judgement":
        level = str(target) if isinstance(target, str) else (indicator.scale or ["met"])[-1]
        return [[indicator.id, area, p.label, level, "", "", note] for p in periods]
    numeric_target = float(target) if isinstance(target, int | float) else None
    per = indicator.effective_per
    # Sample values sit on the good side of the target, so a new project starts green.
    better = -1.0 if indicator.polarity == "lower_is_better" else 1.0
    noise = better * np.abs(rng.normal(0, 0.03, len(periods)))
    if indicator.unit in ("percentage", "proportion"):
        centre = numeric_target if numeric_target is not None else 0.75 * per
        denominators = rng.integers(400, 900, len(periods))
        shares = np.clip(centre / per + noise, 0, 1)
        numerators = np.round(denominators * shares).astype(int)
        return [[indicator.id, area, p.label, "", int(n), int(d), note]
                for p, n, d in zip(periods, numerators, denominators, strict=True)]  # fmt: skip
    if indicator.unit == "rate" and indicator.effective_ci != "dobson":
        centre = numeric_target if numeric_target is not None else 0.01 * per
        population = 50_000
        events = np.round(centre * (1 + noise) * population / per)
        return [
            [indicator.id, area, p.label, "", int(e), population, note]
            for p, e in zip(periods, events, strict=True)
        ]
    centre = numeric_target if numeric_target is not None else 100.0
    if indicator.target is not None and indicator.target.year_to_date and periods[0].months < 12:
        centre = centre * periods[0].months / 12
    values = np.abs(centre * (1 + noise))
    if indicator.unit == "count":
        values = np.ceil(values) if better > 0 else np.floor(values)
    return [
        [indicator.id, area, p.label, f"{v:.6g}", "", "", note] for p, v in zip(periods, values, strict=True)
    ]


def sample_data(framework: Framework, today: date) -> str:
    """Made-up long-form data for every indicator of `framework`, ending before `today`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(SAMPLE_HEADER)
    areas = _sample_areas(framework)
    for indicator in framework.indicators.values():
        periods = _periods(indicator, today, framework.year_start_month)
        for area in areas:
            rng = np.random.default_rng(zlib.crc32(f"{indicator.id}|{area}".encode()))
            writer.writerows(_rows(indicator, area, periods, rng))
    return buffer.getvalue()
