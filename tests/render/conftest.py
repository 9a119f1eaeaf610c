"""Synthetic, seeded results to render: 3 themes, 12 indicators of mixed units, 3 areas, 24 months.

`synthetic_framework()` and `synthetic_observations()` are plain functions so that a developer can build
the same example outside pytest (e.g. to look at the PDF); the fixtures cache the evaluated results.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import numpy as np
import pandas as pd
import pytest

from perfwatch.evaluate.engine import evaluate
from perfwatch.evaluate.results import Results
from perfwatch.framework.model import Framework
from perfwatch.framework.periods import Period

AS_OF = date(2025, 4, 20)
REPORT_PERIOD = "2025-03"
FIRST_MONTH = 2023 * 12 + 3  # April 2023
MONTHS = 24
AREAS = ["county", "north", "south"]


def _indicator(id_, title, unit, polarity, **extra):
    base = {"id": id_, "title": title, "unit": unit, "polarity": polarity, "frequency": "monthly",
            "owner": "Head of Service", "source": "Case management system"}  # fmt: skip
    return {**base, **extra}


def synthetic_framework(*, hostile: bool = False) -> Framework:
    """A framework shaped like the source documents; `hostile=True` puts markup in titles and names."""
    evil = '<script>alert("x")</script>' if hostile else ""
    spc = {"enabled": True}
    themes = [
        {"id": "T1", "title": "Independent living", "outcomes": [
            {"id": "O1", "title": f"People live independently at home{evil}", "contributes_to": ["NO1"],
             "indicators": [
                 _indicator("IL-1", "Adults supported at home who feel independent", "percentage",
                            "higher_is_better", target={"value": 85}, tolerance={"amber": 2}, spc=spc),
                 _indicator("IL-2", "Delayed discharges (bed days)", "count", "lower_is_better",
                            target={"value": 400}, tolerance={"amber": "10%"}, spc=spc),
                 _indicator("IL-3", "Reablement plan published", "yes_no", "higher_is_better",
                            target={"value": "yes"}, frequency="annual"),
             ]},
            {"id": "O2", "title": "Carers feel supported", "contributes_to": ["NO2"], "indicators": [
                _indicator("CA-1", "Carers' assessments completed", "count", "higher_is_better",
                           target={"value": 120}, tolerance={"amber": 10}),
                _indicator("CA-2", "Carer satisfaction", "percentage", "higher_is_better",
                           target={"value": 70}, tolerance={"amber": 3}),
            ]},
        ]},
        {"id": "T2", "title": "Safe and well", "outcomes": [
            {"id": "O3", "title": "People are safe from harm", "contributes_to": ["NO2"], "indicators": [
                _indicator("SA-1", f"Emergency admissions rate{evil}", "rate", "lower_is_better", per=100000,
                           target={"value": 1000}, tolerance={"amber": "5%"}, spc=spc),
                _indicator("SA-2", "Days from referral to assessment", "days", "lower_is_better",
                           target={"value": 28}, tolerance={"amber": 3}),
                _indicator("SA-3", "Safeguarding arrangements", "judgement", "higher_is_better",
                           scale=["not_met", "partly_met", "met"], target={"value": "met"}, frequency="quarterly"),
            ]},
        ]},
        {"id": "T3", "title": "Best value", "outcomes": [
            {"id": "O4", "title": "Money is spent well", "contributes_to": ["NO1"], "indicators": [
                _indicator("BV-1", "Cost of care per person", "currency", "lower_is_better",
                           target={"value": 520}, tolerance={"amber": 20}),
                _indicator("BV-2", "Ratio of spend on prevention", "ratio", "higher_is_better",
                           target={"value": 0.3}, tolerance={"amber": 0.02}, decimals=2),
                _indicator("BV-3", "Population aged 75 and over", "count", "no_judgement"),
                _indicator("BV-4", "Staff turnover", "percentage", "lower_is_better",
                           target={"value": 12}, tolerance={"amber": 1}, spc=spc),
            ]},
        ]},
    ]  # fmt: skip
    return Framework.model_validate(
        {
            "perfwatch": 1,
            "id": "synthetic",
            "title": "Synthetic Partnership Performance Framework",
            "organisation": "Synthetic Health and Social Care Partnership",
            "version": "2024.2",
            "areas": [
                {"id": "county", "name": f"The County{evil}", "level": "partnership"},
                {
                    "id": "north",
                    "name": "North Locality",
                    "level": "locality",
                    "parent": "county",
                    "comparator": "county",
                },
                {
                    "id": "south",
                    "name": "South Locality",
                    "level": "locality",
                    "parent": "county",
                    "comparator": "county",
                },
            ],
            "national_outcomes": [
                {"id": "NO1", "title": "People are able to live independently"},
                {"id": "NO2", "title": "People are safe"},
            ],
            "themes": themes,
            "reporting": {
                "cycles": [
                    {
                        "id": "board",
                        "title": "Board performance report",
                        "kind": "performance",
                        "months": ["apr"],
                    },
                    {
                        "id": "annual",
                        "title": "Annual performance report",
                        "kind": "annual",
                        "months": ["may"],
                        "sections": [
                            {
                                "id": "finance",
                                "title": "Financial performance and best value",
                                "required": True,
                            },
                            {"id": "localities", "title": "Performance in localities", "required": True},
                            {"id": "inspections", "title": "Inspection findings", "required": False},
                        ],
                    },
                ]
            },
            "actions": [
                {
                    "id": "DP1",
                    "title": f"Open the step-down unit{evil}",
                    "outcome": "O1",
                    "indicators": ["IL-2"],
                    "owner": "Head of Service",
                    "due": "2025-01-31",
                    "status": "in_progress",
                },
                {
                    "id": "DP2",
                    "title": "Carers' hub",
                    "outcome": "O2",
                    "indicators": ["CA-1"],
                    "owner": "Carers Lead",
                    "due": "2024-11-30",
                    "status": "done",
                    "completed": "2024-11-20",
                },
                {
                    "id": "DP3",
                    "title": "Front door redesign",
                    "outcome": "O3",
                    "indicators": ["SA-2"],
                    "owner": "Service Manager",
                    "due": "2025-09-30",
                    "status": "in_progress",
                    "milestones": [{"title": "Business case", "due": "2024-12-31", "done": True}],
                },
            ],  # fmt: skip
        }
    )


#: indicator → (level, monthly drift, noise sd, numerator-based denominator or None)
_SERIES = {
    "IL-1": (84.0, -0.12, 0.8, 1200), "IL-2": (380.0, 3.0, 25.0, None), "CA-1": (118.0, 0.5, 8.0, None),
    "CA-2": (71.0, -0.05, 1.2, 400), "SA-1": (980.0, 1.5, 25.0, 250000), "SA-2": (27.0, 0.05, 1.5, None),
    "BV-1": (510.0, 0.8, 6.0, None), "BV-2": (0.29, 0.0005, 0.008, None), "BV-3": (21000.0, 40.0, 10.0, None),
    "BV-4": (12.5, -0.02, 0.4, 300),
}  # fmt: skip


def synthetic_observations(
    framework: Framework, *, seed: int = 20250401, months: int = MONTHS
) -> pd.DataFrame:
    """The canonical observation frame for `synthetic_framework()`, built vectorised from a fixed seed."""
    rng = np.random.default_rng(seed)
    starts = FIRST_MONTH + np.arange(months)
    parts = []
    area_scale = {"county": 1.0, "north": 0.96, "south": 1.04}
    for indicator, (level, drift, noise, denominator) in _SERIES.items():
        for area in AREAS:
            t = np.arange(months, dtype="float64")
            values = (level + drift * t) * area_scale[area] + rng.normal(0, noise, months)
            if indicator == "IL-2":
                values[-3:] += 3.5 * noise  # a late shift: special cause of concern
            frame = pd.DataFrame(
                {"indicator": indicator, "area": area, "period_start": starts, "value": values}
            )
            if denominator is not None:
                per = framework.indicators[indicator].effective_per
                frame["denominator"] = float(denominator)
                frame["numerator"] = np.round(values / per * denominator)
                frame["value"] = frame["numerator"] / frame["denominator"] * per
            if indicator in ("IL-2", "CA-1", "BV-3"):
                frame["value"] = np.round(frame["value"])
            parts.append(frame)
    frame = pd.concat(parts, ignore_index=True)
    frame["period_months"] = 1
    # Text indicators: a yes/no per year and a judgement per quarter.
    yes_no = pd.DataFrame({"indicator": "IL-3", "area": np.repeat(AREAS, 2),
                           "period_start": np.tile([FIRST_MONTH, FIRST_MONTH + 12], 3), "period_months": 12,
                           "value_text": ["yes", "yes", "yes", "no", "no", "yes"]})  # fmt: skip
    quarters = FIRST_MONTH + 3 * np.arange(months // 3)
    levels = np.array(["not_met", "partly_met", "met"])
    judgement = pd.DataFrame({"indicator": "SA-3", "area": np.repeat(AREAS, len(quarters)),
                              "period_start": np.tile(quarters, 3), "period_months": 3,
                              "value_text": levels[rng.integers(0, 3, len(quarters) * 3)]})  # fmt: skip
    frame = pd.concat([frame, yes_no, judgement], ignore_index=True)
    for column in ("value", "numerator", "denominator", "ci_lower", "ci_upper"):
        if column not in frame:
            frame[column] = np.nan
    frame["value_text"] = frame["value_text"].astype("object") if "value_text" in frame else pd.NA
    frame["period"] = [
        Period(int(s), int(m), 4).label for s, m in zip(frame.period_start, frame.period_months, strict=True)
    ]
    frame["missing"] = ""
    frame["flag"] = ""
    frame["note"] = ""
    frame["source"] = "synthetic.csv"
    frame["row"] = np.arange(2, len(frame) + 2)
    return frame


def synthetic_results() -> Results:
    framework = synthetic_framework()
    results = evaluate(framework, synthetic_observations(framework), period=REPORT_PERIOD, as_of=AS_OF)
    results.inputs_hash = "3f9a1c27b8e04d55"
    return results


@pytest.fixture(scope="session")
def results() -> Results:
    return synthetic_results()


@pytest.fixture(scope="session")
def hostile_results(results: Results) -> Results:
    """The same results with markup in titles, names and action titles (ids unchanged, so no re-evaluation)."""
    hostile = synthetic_framework(hostile=True)
    actions = results.actions.copy()
    actions["title"] = [a.title for a in hostile.actions]
    return dataclasses.replace(results, framework=hostile, actions=actions)
