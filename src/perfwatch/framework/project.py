"""The project file, `perfwatch.yaml`: which framework, which data, what commentary, which reports.

With a project file in the folder, `perfwatch validate`, `status`, `export` and `report` need no arguments.
Relative paths in it are relative to the project file's folder, so a project can be moved or checked out
anywhere. Data sources carry the mapping that turns an analyst's spreadsheet into the canonical long table
(see `docs/data.md`); the mapping is declarative, never code.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from perfwatch.boundary import Boundary
from perfwatch.errors import Finding, InputError
from perfwatch.framework.model import Id, Model, PeriodText, ReportKind, as_text
from perfwatch.framework.rules import RuleSelection
from perfwatch.framework.yamlload import MarkedDocument, load_yaml
from perfwatch.resources import bundled_framework
from perfwatch.safetext import excerpt
from perfwatch.vocabulary import PROJECT_FILE, REPORT_FORMATS

CanonicalColumn = Literal[
    "indicator", "area", "period", "band", "value", "numerator", "denominator", "ci_lower", "ci_upper",
    "flag", "note",
]  # fmt: skip
NATIONAL_FORMATS = ("fingertips", "phs", "statswales", "nhse-ae")
"""`format:` words naming a national publication's layout (the file itself is CSV or XLSX by its name)."""
NumericColumn = Literal["value", "numerator", "denominator", "ci_lower", "ci_upper"]
Scalar = str | int | float | bool

_BACKTICKED = re.compile(r"`([^`]+)`")
_ALLOWED_NODES = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Name, ast.Constant, ast.Load)
_ALLOWED_OPERATORS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.USub, ast.UAdd)


def parse_expression(expression: str) -> tuple[ast.Expression, dict[str, str]]:
    """Parse a `compute` expression; returns the tree and a map from placeholder names to column names.

    Only column names, numbers, `+ - * /` and parentheses are allowed. Column names that are not plain
    identifiers are written in backticks: `` `Total attendances` - breaches ``.
    """
    names: dict[str, str] = {}

    def placeholder(match: re.Match[str]) -> str:
        name = f"_column_{len(names)}"
        names[name] = match.group(1)
        return name

    source = _BACKTICKED.sub(placeholder, expression.strip())
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as error:
        raise ValueError(f"cannot read the expression {expression!r}: {error.msg}") from None
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp | ast.UnaryOp):
            if not isinstance(node.op, _ALLOWED_OPERATORS):
                raise ValueError(f"{expression!r}: only + - * / and parentheses are allowed")
        elif isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, int | float):
                raise ValueError(f"{expression!r}: only numbers and column names are allowed")
        elif not isinstance(node, _ALLOWED_NODES + _ALLOWED_OPERATORS):
            raise ValueError(
                f"{expression!r}: only column names, numbers, + - * / and parentheses are allowed "
                f"(no {type(node).__name__.lower()}); write names with spaces in backticks"
            )
        if isinstance(node, ast.Name) and node.id not in names:
            names[node.id] = node.id
    return tree, names


class WideMapping(Model):
    columns_are: Literal["period", "area", "indicator"] = Field(
        description="What the many columns' headers are: periods (`2019/20`, `2020/21` ...), areas or "
        "indicator ids. Each cell becomes one row of the long table."
    )
    columns: list[str] | Literal["rest"] = Field(
        "rest",
        description="The columns to melt, by header; `rest` (default) means every column not used by "
        "`columns`, `constants`, `filter` or `compute`.",
    )
    value: NumericColumn = Field(
        "value", description="What the cells hold: `value` (default), `numerator` or `denominator`."
    )

    @field_validator("columns", mode="before")
    @classmethod
    def _headersas_text(cls, value: Any) -> Any:
        return [as_text(v) for v in value] if isinstance(value, list) else value


class DataSource(Model):
    path: Path = Field(description="The data file: CSV, XLSX or Parquet, relative to the project file.")
    format: Literal["csv", "xlsx", "parquet", "fingertips", "phs", "statswales", "nhse-ae"] | None = Field(
        None,
        description="File format; default from the extension (.csv/.txt, .xlsx/.xlsm, .parquet). A national "
        "publication's layout, read as published (each is also recognised by its header): `fingertips` (no "
        "mapping at all), `phs` (Public Health Scotland open data), `statswales` (StatsWales extracts), `nhse-ae` "
        "(NHS England monthly A&E CSV); the last three supply the area and period columns, the source names "
        "the value and indicator.",
    )
    sheet: str | int | None = Field(
        None,
        description="For XLSX: a sheet name, a sheet number counting from 1, or `all` for every sheet "
        "(default: the first sheet).",
    )
    sheet_is: Literal["indicator", "area", "period"] | None = Field(
        None, description="The sheet name is this column's value (e.g. one sheet per indicator)."
    )
    header_row: int = Field(
        1,
        ge=1,
        description="Row number (counting from 1) of the header, for tables with a title block above.",
    )
    encoding: str | None = Field(
        None,
        description="Text encoding of a CSV. Default: UTF-8 (with or without BOM), falling back to cp1252 "
        "(Excel's 'CSV (Comma delimited)' on Windows) with a warning.",
    )
    delimiter: str | None = Field(
        None, min_length=1, max_length=1, description="CSV field separator (default `,`)."
    )
    thousands: str | None = Field(
        ",", max_length=1, description="Thousands separator in numbers written as text (default `,`)."
    )
    decimal: str = Field(".", min_length=1, max_length=1, description="Decimal separator (default `.`).")
    date_format: str | None = Field(
        None,
        description="strftime format of the period column when it holds dates in a form perfwatch does not "
        "read by itself, e.g. `%d/%m/%Y`.",
    )
    columns: dict[CanonicalColumn, str] = Field(
        default_factory=dict,
        description="Canonical column → the source column that holds it, e.g. `{area: hb_code, period: "
        "date}`. Source columns already named like the canonical ones (any case) need no entry.",
    )
    constants: dict[CanonicalColumn, Scalar] = Field(
        default_factory=dict,
        description="Canonical column → one value for every row, e.g. `{indicator: CI-12}` or `{area: kent}`.",
    )
    recode: dict[Literal["indicator", "area", "band", "flag"], dict[str, str]] = Field(
        default_factory=dict,
        description="Canonical column → {value as the source writes it: value perfwatch uses}, e.g. "
        "`{indicator: {'ASCOF 2B(1)': ASCOF-2B1}}` or `{area: {'NHS Forth Valley': forth-valley}}`. Values "
        "not listed are used as written.",
    )
    ends_at_blank_row: bool = Field(
        False,
        description="The table ends at its first blank row: notes and sources under a spreadsheet table are "
        "not read as data (said in one `info` line).",
    )
    filter: dict[str, Scalar | list[Scalar]] = Field(
        default_factory=dict,
        description="Source column → the value (or list of values) of the rows to keep; other rows are ignored.",
    )
    wide: WideMapping | None = Field(
        None, description="Melt a wide table (one column per period, area or indicator)."
    )
    compute: dict[NumericColumn, str] = Field(
        default_factory=dict,
        description="Canonical column → arithmetic over source columns, e.g. `{numerator: attendances - "
        "breaches}`. Names, numbers, + - * / and parentheses only; names with spaces in backticks.",
    )
    sum_duplicates: bool = Field(
        False,
        description="Sum numerator, denominator and value over rows that map to the same indicator × area "
        "× period (× band), e.g. department types of one trust. Otherwise such rows are an error.",
    )

    @field_validator("constants", mode="before")
    @classmethod
    def _constantsas_text(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {
                k: (as_text(v) if k not in ("value", "numerator", "denominator") else v)
                for k, v in value.items()
            }
        return value

    @field_validator("recode", mode="before")
    @classmethod
    def _recode_as_text(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {
                column: {str(as_text(k)): as_text(v) for k, v in pairs.items()}
                if isinstance(pairs, dict)
                else pairs
                for column, pairs in value.items()
            }
        return value

    @field_validator("sheet")
    @classmethod
    def _check_sheet(cls, value: str | int | None) -> str | int | None:
        if isinstance(value, int) and value < 1:
            raise ValueError("sheets are numbered from 1 (the first sheet is `sheet: 1`)")
        return value

    @field_validator("compute")
    @classmethod
    def _check_compute(cls, value: dict[str, str]) -> dict[str, str]:
        for expression in value.values():
            parse_expression(expression)
        return value

    @model_validator(mode="after")
    def _one_way_per_column(self) -> DataSource:
        ways: dict[str, list[str]] = {}
        for name, given in (
            ("columns", self.columns),
            ("constants", self.constants),
            ("compute", self.compute),
        ):
            for column in given:
                ways.setdefault(column, []).append(name)
        if self.wide is not None:
            ways.setdefault(self.wide.columns_are, []).append("wide.columns_are")
            ways.setdefault(self.wide.value, []).append("wide.value")
        if self.sheet_is is not None:
            ways.setdefault(self.sheet_is, []).append("sheet_is")
        clashes = [f"`{column}` ({' and '.join(how)})" for column, how in ways.items() if len(how) > 1]
        if clashes:
            raise ValueError(f"each column is given one way only: {', '.join(clashes)}")
        if self.national_format == "fingertips" and self.has_mapping:
            raise ValueError(
                f"a `format: {self.format}` source is read as published and needs no mapping: remove "
                "`columns`, `constants`, `compute`, `wide` and `sheet_is` (a `filter` may stay)"
            )
        return self

    @property
    def national_format(self) -> str | None:
        """The national publication layout this source is named as (`format: fingertips`), if any."""
        return self.format if self.format in NATIONAL_FORMATS else None

    @property
    def has_mapping(self) -> bool:
        """Whether the source maps its own columns (then its header is never taken for a national layout)."""
        return bool(self.columns or self.constants or self.compute or self.wide or self.sheet_is)

    @property
    def file_format(self) -> str:
        if self.format and self.format not in NATIONAL_FORMATS:
            return self.format
        suffix = self.path.suffix.lower()
        if suffix in (".xlsx", ".xlsm", ".xls"):
            return "xlsx"
        if suffix in (".parquet", ".pq"):
            return "parquet"
        return "csv"


class CommentarySource(Model):
    path: Path = Field(
        description="A folder of Markdown files named `<indicator-or-outcome>/<period>.md` or `<id>.md`, "
        "or a CSV file with columns `id, period, area, text`."
    )


class ReportSpec(Model):
    kind: ReportKind | None = Field(
        None, description="performance, annual, exception or scorecard (default: the cycle's kind)."
    )
    cycle: Id | None = Field(None, description="The framework's reporting cycle this report belongs to.")
    period: PeriodText | None = Field(
        None, description="The period reported on (default: the latest with data)."
    )
    area: Id | None = Field(None, description="The area reported on (default: every area in one report).")
    each_area: bool = Field(False, description="Build one report per area.")
    formats: list[Literal[REPORT_FORMATS]] = Field(
        default_factory=lambda: ["html"], description="Output formats: html, pdf, pptx (PowerPoint slides)."
    )
    name: str | None = Field(
        None,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
        max_length=120,
        description="Output file name without extension, no folders (default from kind, area and period).",
    )

    @model_validator(mode="after")
    def _area_or_each(self) -> ReportSpec:
        if self.area is not None and self.each_area:
            raise ValueError("give either `area` (one area) or `each_area: true`, not both")
        return self


def _path_items(value: Any) -> Any:
    """Allow `- data/kpis.csv` as shorthand for `- {path: data/kpis.csv}`."""
    if isinstance(value, list):
        return [{"path": item} if isinstance(item, str) else item for item in value]
    return value


class LintSettings(Model):
    """`lint: {select: [...], ignore: [...]}`: the lint rules to run, as `--select`/`--ignore` take them."""

    select: list[str] = Field(
        default_factory=list, description="Rule codes or prefixes to run (default: all)."
    )
    ignore: list[str] = Field(default_factory=list, description="Rule codes or prefixes not to run.")

    @model_validator(mode="after")
    def _known_rules(self) -> LintSettings:
        self.selection()
        return self

    def selection(self) -> RuleSelection:
        return RuleSelection(tuple(self.select), tuple(self.ignore))


class Project(Model):
    framework: str = Field(
        description="The framework file (relative to this file), or the name of a bundled framework."
    )
    title: str | None = Field(None, description="Title shown on reports (default: the framework's).")
    organisation: str | None = Field(None, description="Organisation shown on reports.")
    data: list[DataSource] = Field(
        default_factory=list, description="Data sources, each a file and its mapping to the long table."
    )
    commentary: list[CommentarySource] = Field(
        default_factory=list, description="Commentary sources: folders of Markdown or CSV files."
    )
    actions: Path | None = Field(
        None, description="A CSV of delivery-plan actions, beside those in the framework."
    )
    output: Path = Field(Path("build"), description="Folder the reports and exports are written to.")
    templates: Path | None = Field(None, description="Folder of templates overriding the bundled ones.")
    as_of: date | None = Field(
        None, description="Report date (default: today): staleness and actions are judged at it."
    )
    reports: list[ReportSpec] = Field(
        default_factory=list, description="The reports `perfwatch report` builds."
    )
    lint: LintSettings | None = Field(
        None, description="Which lint rules run (`perfwatch rules` lists them), like `--select`/`--ignore`."
    )

    _file: Path | None = PrivateAttr(None)

    @field_validator("data", "commentary", mode="before")
    @classmethod
    def _bare_paths(cls, value: Any) -> Any:
        return _path_items(value)

    @property
    def file(self) -> Path | None:
        """The project file this was loaded from."""
        return self._file

    @property
    def root(self) -> Path:
        """The folder relative paths are resolved against."""
        return self._file.parent if self._file is not None else Path.cwd()

    @property
    def framework_path(self) -> Path:
        """The framework file: a path relative to the project, else a bundled framework of that name."""
        given = Path(self.framework)
        local = given if given.is_absolute() else self.root / given
        if local.exists():
            return local
        bundled = bundled_framework(self.framework) if given.suffix == "" else None
        return bundled or local


def source_for_path(path: str | Path) -> DataSource:
    """A data source with every option at its default, for `--data FILE` on the command line."""
    return DataSource(path=Path(path))


def find_project(start_dir: str | Path = ".", *, upward: bool = True) -> Path | None:
    """The `perfwatch.yaml` in `start_dir` or, with `upward`, the nearest folder above it (as ruff and
    sqlfluff find their configuration), so commands work from a project's subfolders too."""
    start = Path(start_dir)
    folders = [start, *start.resolve().parents] if upward else [start]
    for folder in folders:
        candidate = folder / PROJECT_FILE
        if candidate.is_file():
            return candidate
    return None


def load_project(path: str | Path, allowed: Iterable[str | Path] = ()) -> Project:
    """The project in `path` with its relative paths resolved, or `InputError` with every problem located.

    Every path the file names must stay inside its folder or one of `allowed` (`perfwatch.boundary`).
    """
    from perfwatch.framework.schema_errors import schema_findings

    path = Path(path)
    if path.is_dir():
        found = find_project(path, upward=False)
        if found is None:
            raise InputError(
                Finding(str(path), code="no-project", message=f"there is no {PROJECT_FILE} in this folder")
            )
        path = found
    document = load_yaml(path)
    if not isinstance(document.data, dict):
        raise InputError(
            Finding(
                str(path),
                1,
                1,
                code="invalid-value",
                message="a project file is a mapping of `key: value` lines",
            )
        )
    try:
        project = Project.model_validate(document.data)
    except ValidationError as error:
        raise InputError(sorted(schema_findings(document, error, Project))) from None
    project._file = path
    _resolve_paths(project, path.parent)
    outside = _boundary_findings(project, document, Boundary(path.parent, allowed))
    if outside:
        raise InputError(outside)
    return project


def _named_paths(project: Project) -> Iterable[tuple[tuple[Any, ...], Path]]:
    """(where in the file, resolved path) for every path the project file names."""
    if project.framework_path != bundled_framework(project.framework):
        yield ("framework",), project.framework_path
    for number, source in enumerate(project.data):
        yield ("data", number, "path"), source.path
    for number, commentary in enumerate(project.commentary):
        yield ("commentary", number, "path"), commentary.path
    if project.actions is not None:
        yield ("actions",), project.actions
    if project.templates is not None:
        yield ("templates",), project.templates
    yield ("output",), project.output


def _boundary_findings(project: Project, document: MarkedDocument, boundary: Boundary) -> list[Finding]:
    findings = []
    for loc, named in _named_paths(project):
        problem = boundary.problem(named)
        if problem is not None:
            line, column = document.locate(loc)
            name = ".".join(str(part) for part in loc)
            given = named.relative_to(project.root) if named.is_relative_to(project.root) else named
            findings.append(
                Finding(document.file, line, column, "error", "outside-project",
                        f"`{name}` ({excerpt(str(given), quote=False)}): {problem}")
            )  # fmt: skip
    return findings


def _resolve_paths(project: Project, root: Path) -> None:
    def resolved(value: Path) -> Path:
        return value if value.is_absolute() else root / value

    for source in project.data:
        source.path = resolved(source.path)
    for commentary in project.commentary:
        commentary.path = resolved(commentary.path)
    if project.actions is not None:
        project.actions = resolved(project.actions)
    if project.templates is not None:
        project.templates = resolved(project.templates)
    project.output = resolved(project.output)
