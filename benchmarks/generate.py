"""Synthetic perfwatch datasets of a given size, for the benchmarks: a framework YAML and its long CSV.

The shape is a national body reporting on many local areas: one nation, a few regions (the parents and
comparators) and local areas, each with the same indicators over quarterly periods. Indicators mix the
units that cost different amounts to evaluate: percentages with numerators and denominators (Wilson
intervals), rates per 100,000 (Poisson), counts (Poisson) and `no_judgement` means (no RAG, no interval).
SPC is on for a share of them; every judged indicator has a target and a tolerance. The CSV has some
suppressed cells (`*`) and a few missing periods, as real returns do. Regions and the nation are the sums
of their local areas, so benchmarks against them are meaningful.

Everything is built with numpy and written with pyarrow, so a 1,000,000-row file takes a few seconds.
The seed is fixed: the same size gives the same files.

    python benchmarks/generate.py --areas 1000 --indicators 50 --periods 20 --out /tmp/bench
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import yaml

SEED = 20240401
FIRST_YEAR = 2019  # quarters run from Q1 2019/20
MAX_REGIONS = 9
INDICATORS_PER_OUTCOME = 3
OUTCOMES_PER_THEME = 4
SUPPRESSED_SHARE = 0.003  # cells published as `*` besides small counts
MISSING_SHARE = 0.002  # rows left out of the return
SMALL_NUMBER = 5  # counts below this are suppressed, as in published statistics
SPC_EVERY = 2  # SPC on every second indicator

# The unit mix, repeated over the indicators: (kind, polarity).
KINDS = (
    ("percentage", "higher_is_better"),
    ("rate", "lower_is_better"),
    ("percentage", "lower_is_better"),
    ("count", "higher_is_better"),
    ("percentage", "higher_is_better"),
    ("no_judgement", "no_judgement"),
    ("rate", "higher_is_better"),
    ("percentage", "higher_is_better"),
    ("count", "lower_is_better"),
    ("percentage", "lower_is_better"),
)


@dataclass(frozen=True)
class Dataset:
    """Where a generated dataset was written, and its size."""

    framework: Path
    data: Path
    rows: int
    areas: int
    indicators: int
    periods: int


@dataclass(frozen=True)
class Geography:
    """Area ids in data order (nation, regions, local areas) and each local area's region index."""

    nation: str
    regions: list[str]
    locals: list[str]
    local_region: np.ndarray

    @property
    def ids(self) -> list[str]:
        return [self.nation, *self.regions, *self.locals]


def geography(areas: int) -> Geography:
    """One nation, up to nine regions, the rest local areas (at least one), `areas` in all."""
    if areas < 3:
        raise ValueError("need at least 3 areas: a nation, a region and a local area")
    regions = min(MAX_REGIONS, max(1, (areas - 1) // 100))
    local_count = areas - 1 - regions
    return Geography(
        nation="nation",
        regions=[f"region-{r + 1}" for r in range(regions)],
        locals=[f"area-{a + 1:05d}" for a in range(local_count)],
        local_region=np.arange(local_count) % regions,
    )


def quarter_labels(periods: int) -> list[str]:
    """Canonical financial-year quarter labels from Q1 2019/20 onwards."""
    labels = []
    for q in range(periods):
        year = FIRST_YEAR + q // 4
        labels.append(f"Q{q % 4 + 1} {year}/{(year + 1) % 100:02d}")
    return labels


def _indicator(index: int, periods: list[str]) -> dict:
    kind, polarity = KINDS[index % len(KINDS)]
    ident = f"IND-{index + 1:03d}"
    common = {
        "id": ident,
        "title": f"Synthetic {kind.replace('_', ' ')} indicator {index + 1}",
        "polarity": polarity,
        "frequency": "quarterly",
        "source": "Synthetic benchmark return",
        "owner": "Head of Performance",
        "rba": ("how_much", "how_well", "better_off")[index % 3],
    }
    if index % SPC_EVERY == 0:
        common["spc"] = {"enabled": True}
    if kind == "percentage":
        base = _base_level(kind, index)
        spec = {**common, "unit": "percentage", "decimals": 1, "tolerance": {"amber": 2}}
        spec["target"] = {"value": round(base + (3 if polarity == "higher_is_better" else -3), 1)}
    elif kind == "rate":
        base = _base_level(kind, index)
        spec = {**common, "unit": "rate", "per": 100000, "decimals": 1, "tolerance": {"amber": "5%"}}
        spec["target"] = {"value": round(base * (1.05 if polarity == "higher_is_better" else 0.95), 1)}
    elif kind == "count":
        base = _base_level(kind, index)
        spec = {**common, "unit": "count", "decimals": 0, "tolerance": {"amber": "10%"}}
        spec["target"] = {"value": round(base * (1.1 if polarity == "higher_is_better" else 0.9))}
    else:
        spec = {**common, "unit": "days", "decimals": 1}
        return spec
    if index % 7 == 3 and len(periods) >= 8:
        # A target per financial year for some: the last two years step up.
        years = sorted({label.split(" ")[1] for label in periods})[-2:]
        value = spec["target"]["value"]
        spec["target"] = {"by_period": {years[0]: value, years[1]: value}}
    if index % 5 == 4:
        spec["benchmark"] = {"method": "two_level"}
    return spec


def _base_level(kind: str, index: int) -> float:
    """The national level of an indicator: fixed per index so targets and data agree."""
    spread = (index * 37) % 100 / 100
    return {"percentage": 55 + 35 * spread, "rate": 50 + 750 * spread, "count": 20 + 200 * spread}.get(
        kind, 5 + 20 * spread
    )


def framework_document(areas: int, indicators: int, periods: int) -> dict:
    """The framework as a YAML-ready dict: areas with parents and comparators, themes of outcomes."""
    geo = geography(areas)
    labels = quarter_labels(periods)
    specs = [_indicator(i, labels) for i in range(indicators)]
    outcomes = [
        {
            "id": f"O{o + 1}",
            "title": f"Synthetic outcome {o + 1}",
            "indicators": specs[o * INDICATORS_PER_OUTCOME : (o + 1) * INDICATORS_PER_OUTCOME],
        }
        for o in range((indicators + INDICATORS_PER_OUTCOME - 1) // INDICATORS_PER_OUTCOME)
    ]
    themes = [
        {"id": f"T{t + 1}", "title": f"Synthetic theme {t + 1}", "outcomes": outcomes[t * OUTCOMES_PER_THEME : (t + 1) * OUTCOMES_PER_THEME]}
        for t in range((len(outcomes) + OUTCOMES_PER_THEME - 1) // OUTCOMES_PER_THEME)
    ]  # fmt: skip
    area_list = [{"id": geo.nation, "name": "Nation", "level": "nation"}]
    area_list += [
        {
            "id": r,
            "name": f"Region {i + 1}",
            "level": "region",
            "parent": geo.nation,
            "comparator": geo.nation,
        }
        for i, r in enumerate(geo.regions)
    ]
    area_list += [
        {"id": a, "name": f"Area {i + 1}", "level": "local", "parent": geo.regions[geo.local_region[i]],
         "comparator": geo.nation}
        for i, a in enumerate(geo.locals)
    ]  # fmt: skip
    return {
        "perfwatch": 1,
        "id": "synthetic-benchmark",
        "title": f"Synthetic benchmark framework ({areas} areas, {indicators} indicators, {periods} quarters)",
        "organisation": "perfwatch benchmarks",
        "version": "1",
        "review_date": "2099-03-31",
        "year_start": "april",
        "rules": {"max_indicators_per_outcome": INDICATORS_PER_OUTCOME},
        "defaults": {
            "tolerance": {"amber": "5%"},
            "confidence": 0.95,
            "benchmark": {"method": "ci_contains_comparator"},
        },
        "areas": area_list,
        "themes": themes,
        "reporting": {
            "cycles": [
                {
                    "id": "board",
                    "title": "Board performance report",
                    "kind": "performance",
                    "months": ["jul", "nov", "mar"],
                }
            ]
        },  # fmt: skip
    }


def _series_noise(rng: np.random.Generator, shape: tuple[int, int], scale: float) -> np.ndarray:
    """An area effect plus a gentle trend plus noise, shape (areas, periods)."""
    areas, periods = shape
    area_effect = rng.normal(0, scale, (areas, 1))
    trend = rng.normal(0, scale / 10, (areas, 1)) * np.arange(periods)
    return area_effect + trend + rng.normal(0, scale / 3, shape)


def _local_values(kind: str, index: int, sizes: np.ndarray, periods: int, rng: np.random.Generator):
    """(value, numerator, denominator) for every local area × period of one indicator; NaN where absent."""
    shape = (len(sizes), periods)
    base = _base_level(kind, index)
    nan = np.full(shape, np.nan)
    if kind == "percentage":
        share = np.clip(base / 100 + _series_noise(rng, shape, 0.05), 0.01, 0.99)
        denominator = np.maximum(10, (sizes[:, None] * rng.uniform(0.9, 1.1, shape)).round())
        numerator = rng.binomial(denominator.astype(np.int64), share).astype(float)
        return nan, numerator, denominator
    if kind == "rate":
        population = np.repeat((sizes * 100)[:, None], periods, axis=1).astype(float)
        rate = np.maximum(1.0, base * (1 + _series_noise(rng, shape, 0.1)))
        numerator = rng.poisson(population * rate / 100000).astype(float)
        return nan, numerator, population
    if kind == "count":
        expected = np.maximum(
            0.5, base * sizes[:, None] / sizes.mean() * (1 + _series_noise(rng, shape, 0.1))
        )
        return rng.poisson(expected).astype(float), nan, nan
    return np.round(base * (1 + _series_noise(rng, shape, 0.08)), 1), nan, nan


def _combine(kind: str, local: np.ndarray, groups: np.ndarray, count: int) -> np.ndarray:
    """Sum (or average, for means) local arrays of shape (areas, periods) into `count` groups."""
    total = np.zeros((count, local.shape[1]))
    np.add.at(total, groups, local)
    if kind == "no_judgement":
        total /= np.bincount(groups, minlength=count)[:, None]
        return np.round(total, 1)
    return total


def observations_table(areas: int, indicators: int, periods: int, seed: int = SEED) -> pa.Table:
    """The long CSV's table: indicator, area, period, value, numerator, denominator (text, `*` suppressed)."""
    rng = np.random.default_rng(seed)
    geo = geography(areas)
    labels = quarter_labels(periods)
    sizes = rng.lognormal(np.log(600), 0.7, len(geo.locals)).round().clip(20, 20000)
    values, numerators, denominators = [], [], []
    for index in range(indicators):
        kind = KINDS[index % len(KINDS)][0]
        parts = _local_values(kind, index, sizes, periods, rng)
        whole = []
        for local in parts:
            regional = _combine(kind, local, geo.local_region, len(geo.regions))
            national = _combine(kind, local, np.zeros(len(geo.locals), dtype=np.int64), 1)
            whole.append(np.vstack([national, regional, local]))
        value, numerator, denominator = whole
        if kind in ("percentage", "rate"):
            per = 100 if kind == "percentage" else 100000
            value = np.round(numerator / denominator * per, 1)
        values.append(value)
        numerators.append(numerator)
        denominators.append(denominator)
    value = np.concatenate(values).ravel()
    numerator = np.concatenate(numerators).ravel()
    denominator = np.concatenate(denominators).ravel()
    n_areas = len(geo.ids)
    indicator_ids = np.repeat([f"IND-{i + 1:03d}" for i in range(indicators)], n_areas * periods)
    area_ids = np.tile(np.repeat(geo.ids, periods), indicators)
    period_labels = np.tile(labels, indicators * n_areas)
    local_row = np.tile(np.repeat(np.arange(n_areas) > len(geo.regions), periods), indicators)
    counted = np.where(np.isnan(numerator), value, numerator)
    suppressed = local_row & ((counted < SMALL_NUMBER) | (rng.random(len(value)) < SUPPRESSED_SHARE))
    kept = ~(local_row & (rng.random(len(value)) < MISSING_SHARE))
    columns = {
        "indicator": indicator_ids,
        "area": area_ids,
        "period": period_labels,
        "value": _text(value, suppressed),
        "numerator": _text(numerator, suppressed),
        "denominator": _text(denominator, np.zeros(len(value), dtype=bool)),
    }
    return pa.table({name: pa.array(column).filter(pa.array(kept)) for name, column in columns.items()})


def _text(numbers: np.ndarray, suppressed: np.ndarray) -> np.ndarray:
    """Numbers as the text a return carries: one decimal at most, empty when absent, `*` when suppressed."""
    text = pc.cast(pc.round(pa.array(numbers, from_pandas=True), 1), pa.string())
    text = pc.fill_null(text, "").to_numpy(zero_copy_only=False)
    return np.where(suppressed & (text != ""), "*", text)


def generate(out: Path, areas: int, indicators: int, periods: int, seed: int = SEED) -> Dataset:
    """Write `framework.yaml` and `data.csv` into `out` and say what was written."""
    out.mkdir(parents=True, exist_ok=True)
    framework_path = out / "framework.yaml"
    data_path = out / "data.csv"
    document = framework_document(areas, indicators, periods)
    framework_path.write_text(
        "# Synthetic benchmark framework written by benchmarks/generate.py; do not edit.\n"
        + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=110),
        encoding="utf-8",
    )
    table = observations_table(areas, indicators, periods, seed)
    with data_path.open("wb") as sink:
        sink.write((",".join(table.column_names) + "\n").encode())
        pacsv.write_csv(table, sink, pacsv.WriteOptions(include_header=False, quoting_style="none"))
    return Dataset(framework_path, data_path, table.num_rows, areas, indicators, periods)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--areas", type=int, default=1000, help="areas in all: a nation, regions, local areas"
    )
    parser.add_argument("--indicators", type=int, default=50)
    parser.add_argument("--periods", type=int, default=20, help="quarters, from Q1 2019/20")
    parser.add_argument("--out", type=Path, required=True, help="folder for framework.yaml and data.csv")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    dataset = generate(args.out, args.areas, args.indicators, args.periods, args.seed)
    print(f"{dataset.rows:,} rows: {dataset.framework} and {dataset.data}")  # noqa: T201


if __name__ == "__main__":
    main()
