"""perfwatch's own verdict against England beside the one a national export publishes.

A Fingertips export carries its own "Compared to England" verdict. Where perfwatch's benchmark for the same
indicator, area and period says otherwise (a different method or confidence level, an interval recomputed),
the board would see two stories: a warning names the indicator, area and period, so the analyst can align
the indicator's `benchmark` with the publisher's method.
"""

from __future__ import annotations

import pandas as pd

from perfwatch.errors import Finding
from perfwatch.framework.model import Framework
from perfwatch.framework.periods import parse_periods

ENGLAND_CODE = "E92000001"
_VERDICTS = ("better", "similar", "worse", "higher", "lower")


def _published_verdict(text: pd.Series) -> pd.Series:
    """`Better 95%`, `Worse 99.8%`, `Similar`, `Higher` ... as perfwatch's words; NA when not a verdict."""
    first = text.fillna("").astype(str).str.strip().str.split(" ").str[0].str.casefold()
    return first.where(first.isin(_VERDICTS))


def published_disagreements(
    table: pd.DataFrame, published: pd.DataFrame | None, framework: Framework
) -> list[Finding]:
    """A warning for each indicator × area × period whose benchmark against England differs from the
    export's own verdict (only where the area's comparator is England, by its code)."""
    if published is None or published.empty or table.empty:
        return []
    england = {a.id for a in framework.areas if (a.code or "").upper() == ENGLAND_CODE}
    if not england:
        return []
    verdict = _published_verdict(published["published"])
    theirs = published.loc[verdict.notna()].assign(verdict=verdict[verdict.notna()])
    if theirs.empty:
        return []
    periods = parse_periods(theirs["period_raw"].reset_index(drop=True), framework.year_start_month)
    theirs = theirs.reset_index(drop=True).assign(period=periods.frame["period"].astype(object))
    ours = pd.DataFrame(
        {
            "indicator": table["indicator"].astype(object),
            "area": table["area"].astype(object),
            "period": table["period"].astype(object),
            "benchmark": table["benchmark"].astype(object),
            "comparator": table["comparator"].astype(object),
        }
    )
    both = theirs.merge(ours, on=["indicator", "area", "period"], how="inner")
    differ = both[both["comparator"].isin(england) & both["benchmark"].isin(_VERDICTS)]
    differ = differ[differ["benchmark"] != differ["verdict"]]
    return [
        Finding(
            str(row.file),
            int(row.row),
            None,
            "warning",
            "benchmark-differs",
            f"{row.indicator}, {row.area}, {row.period}: the export says {row.published!r} compared with "
            f"England, perfwatch finds {row.benchmark}; align the indicator's `benchmark` (method, "
            "confidence) with the publisher's, or explain the difference in commentary",
        )  # fmt: skip
        for row in differ.itertuples(index=False)
    ]
