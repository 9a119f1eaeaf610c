"""Write the synthetic data, commentary and actions of the example projects.

The numbers are made up, but in the ranges the real organisations report, so that each example's reports
look like the real thing: plausible levels and trends, a few indicators off target, one special-cause
shift, suppressed small numbers, a missing period, some data in XLSX with a title block above the header
and some in wide layouts (a column per period). Every example has its own fixed seed, so the script is
re-runnable and writes the same bytes every time:

    python examples/generate.py                 # rewrite the examples in place
    python examples/generate.py --out /tmp/ex   # write them somewhere else (the tests compare the two)

The A&E example's data is real (NHS England, copied unchanged); only its commentary and actions are
written here. Each example's `perfwatch.yaml` and `README.md` are written by hand.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

import numpy as np
import xlsxwriter

EXAMPLES = Path(__file__).resolve().parent
SEED = 20160331
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
SYNTHETIC = "Synthetic data for the perfwatch examples: not real figures."


# --- periods ---------------------------------------------------------------------------------------


def year(start: int) -> str:
    """Financial year label: 2016 -> 2016/17."""
    return f"{start}/{(start + 1) % 100:02d}"


def quarter(start: int, q: int) -> str:
    """Financial quarter label: (2016, 1) -> Q1 2016/17."""
    return f"Q{q} {year(start)}"


def months(first_year: int, count: int) -> list[tuple[int, int]]:
    """(calendar year, month) for `count` months from April of `first_year`."""
    return [(first_year + (3 + i) // 12, (3 + i) % 12 + 1) for i in range(count)]


def month(y: int, m: int) -> str:
    return f"{y}-{m:02d}"


def file_period(label: str) -> str:
    """A period label as a file name: 2016/17 -> 2016-17."""
    return label.replace("/", "-")


# --- output ----------------------------------------------------------------------------------------


class Files:
    """Collects the files of one run, then writes them (the tests compare them byte for byte)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.written: list[Path] = []

    def _path(self, relative: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        self.written.append(path)
        return path

    def text(self, relative: str, text: str) -> None:
        self._path(relative).write_bytes(text.strip("\n").encode() + b"\n")

    def csv(self, relative: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([_cell(v) for v in row] for row in rows)
        self._path(relative).write_bytes(buffer.getvalue().encode())

    def xlsx(self, relative: str, sheets: Sequence[tuple[str, Sequence[str], Sequence[str], list]]) -> None:
        """Sheets of (name, title lines, header, rows): the title block, a blank row, then the table."""
        path = self._path(relative)
        workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
        workbook.set_properties({"created": datetime(2024, 1, 1), "author": "perfwatch examples"})
        bold = workbook.add_format({"bold": True})
        title_format = workbook.add_format({"bold": True, "font_size": 14})
        for name, titles, header, rows in sheets:
            sheet = workbook.add_worksheet(name)
            for r, line in enumerate(titles):
                sheet.write(r, 0, line, title_format if r == 0 else None)
            top = len(titles) + 1
            sheet.write_row(top, 0, header, bold)
            for r, row in enumerate(rows, start=top + 1):
                for c, value in enumerate(row):
                    if value is None or value == "":
                        continue
                    sheet.write(r, c, value)
            sheet.set_column(0, len(header) - 1, 16)
        workbook.close()


def _cell(value: object) -> object:
    if isinstance(value, float):
        return f"{value:.10g}"
    return "" if value is None else value


def header_row(titles: Sequence[str]) -> int:
    """The spreadsheet row number of a table written by `Files.xlsx` below these title lines."""
    return len(titles) + 2


def rounded(values: np.ndarray, places: int = 1) -> list[float]:
    return [round(float(v), places) for v in values]


def binomial(rng: np.random.Generator, n: np.ndarray | int, p: np.ndarray | float) -> np.ndarray:
    return rng.binomial(np.asarray(n, dtype=int), np.clip(np.asarray(p, dtype=float), 0, 1))


# --- Healthwatch Kent ------------------------------------------------------------------------------

KENT_DISTRICTS = {
    "E07000105": "Ashford", "E07000106": "Canterbury", "E07000107": "Dartford", "E07000108": "Dover",
    "E07000112": "Folkestone & Hythe", "E07000109": "Gravesham", "E07000110": "Maidstone",
    "E07000111": "Sevenoaks", "E07000113": "Swale", "E07000114": "Thanet",
    "E07000115": "Tonbridge & Malling", "E07000116": "Tunbridge Wells",
}  # fmt: skip


def _spread(rng: np.random.Generator, total: int, slots: int, focus: int) -> np.ndarray:
    """`total` visits over `slots` months, most of them in the district's focus month."""
    counts = np.zeros(slots, dtype=int)
    in_focus = min(total, max(total - 3, total * 2 // 3))
    counts[focus] = in_focus
    others = rng.choice([i for i in range(slots) if i != focus], size=total - in_focus, replace=True)
    np.add.at(counts, others, 1)
    return counts


def healthwatch_kent(files: Files, rng: np.random.Generator) -> None:
    base = "healthwatch-kent"
    first, years = 2016, 2
    calendar = months(first, 12 * years)
    # Public Voice visits: 8 a district a year in its focus month, two of them to seldom-heard groups.
    # In 2017/18 Dartford (6) and Gravesham (7) fell short, and Swale made only one seldom-heard visit.
    short = {("E07000107", 1): 6, ("E07000109", 1): 7}
    seldom_short = {("E07000113", 1): 1}
    rows = []
    for d, code in enumerate(KENT_DISTRICTS):
        reach_level = rng.uniform(45, 110)
        for y in range(years):
            visits = short.get((code, y), int(rng.choice([8, 8, 9, 10])))
            seldom = seldom_short.get((code, y), int(rng.choice([2, 2, 3])))
            spread = _spread(rng, visits, 12, d)
            seldom_spread = np.minimum(_spread(rng, seldom, 12, d), spread)
            seldom_spread[d] += seldom - seldom_spread.sum()
            growth = 1 + 0.12 * (y + np.arange(12) / 12)
            reach = rng.poisson(reach_level * growth + 25 * spread)
            for i in range(12):
                yy, mm = calendar[12 * y + i]
                rows.append([f"{MONTHS[mm - 1]} {yy}", code, KENT_DISTRICTS[code],
                             int(spread[i]), int(seldom_spread[i]), int(reach[i])])  # fmt: skip
    rows.sort(key=lambda r: (int(r[0][-4:]), MONTHS.index(r[0][:3]), r[1]))
    titles = ["Healthwatch Kent - Public Voice activity log", "Visits and people reached by district, "
              "April 2016 to March 2018", SYNTHETIC]  # fmt: skip
    files.xlsx(
        f"{base}/data/public-voice-activity.xlsx",
        [("Activity", titles, ["Month", "District code", "District", "Public Voice visits",
                               "Seldom heard visits", "People reached"], rows)],
    )  # fmt: skip

    # Information and signposting service: monthly response times, quarterly satisfaction surveys.
    info: list[list[object]] = []
    for i, (yy, mm) in enumerate(calendar):
        period = month(yy, mm)
        contacts = int(rng.integers(260, 420))
        p = 0.975 - (0.04 if (yy, mm) == (2017, 12) else 0)
        info.append(["contacts-1-day", "kent", period, None, int(binomial(rng, contacts, p)), contacts])
        if (yy, mm) != (2017, 8):  # the email system was replaced in August 2017: no figures
            emails = int(rng.integers(80, 150))
            p = 0.965 if i < 15 else 0.86 - 0.004 * (i - 15)
            info.append(["emails-3-days", "kent", period, None, int(binomial(rng, emails, p)), emails])
        info.append(["districts-covered", "kent", period, 0 if (yy, mm) == (2017, 8) else 1, None, None])
    for y in range(years):
        for q in range(1, 5):
            label = quarter(first + y, q)
            late = y == 1 and q == 4
            for indicator, n_range, p in (
                ("needs-met", (120, 190), 0.925),
                ("users-satisfied", (150, 240), 0.885 if late else 0.925),
                ("complaints-satisfied", (8, 22), 0.975),
            ):
                n = int(rng.integers(*n_range))
                if indicator == "complaints-satisfied" and y == 1 and q == 2:
                    info.append([indicator, "kent", label, None, "*", "*"])  # fewer than 5 replies
                    continue
                info.append([indicator, "kent", label, None, int(binomial(rng, n, p)), n])
            projects = int(rng.integers(1, 3))
            with_seldom = projects - 1 if (y == 1 and q == 3) else projects
            info.append(["projects-seldom-heard", "kent", label, None, with_seldom, projects])
            reports = int(rng.integers(1, 3))
            info.append(["reports-shared", "kent", label, None, reports, reports])
    files.csv(
        f"{base}/data/information-service.csv",
        ["indicator", "area", "period", "value", "numerator", "denominator"],
        info,
    )

    # Quarterly contract-monitoring counts, one column per quarter (as the return to Kent County Council).
    quarters = [quarter(first + y, q) for y in range(years) for q in range(1, 5)]
    counts = {
        "ev-visits": [6, 7, 6, 6, 5, 6, 5, 4],
        "project-reports": [1, 1, 1, 2, 1, 1, 1, 1],
        "volunteers-recruited": rng.poisson(9, 8).tolist(),
        "external-reps": [14, 14, 15, 15, 16, 16, 17, 18],
        "hosc-escalations": rng.poisson(1.2, 8).tolist(),
        "champions-seldom-heard": [11, 12, 14, 15, 17, 18, 18, 21],
        "community-champions": [64, 70, 75, 81, 88, 92, 97, 104],
        "language-line": rng.poisson(18, 8).tolist(),
        "browsealoud": rng.poisson(420, 8).tolist(),
        "seap-referrals": rng.poisson(35, 8).tolist(),
    }
    files.csv(
        f"{base}/data/quarterly-returns.csv",
        ["Indicator", *quarters],
        [[indicator, *values] for indicator, values in counts.items()],
    )

    annual = [
        ["public-driven-projects", year(2016), 3, None, None],
        ["public-driven-projects", year(2017), 4, None, None],
        ["quality-accounts", year(2016), None, 7, 7],
        ["quality-accounts", year(2017), None, 6, 7],
        ["volunteer-retention", year(2016), None, 49, 62],
        ["volunteer-retention", year(2017), None, 58, 68],
        ["volunteer-development", year(2016), 4.1, None, None],
        ["volunteer-development", year(2017), 4.3, None, None],
    ]
    files.csv(
        f"{base}/data/annual-returns.csv",
        ["indicator", "area", "period", "value", "numerator", "denominator"],
        [[ind, "kent", period, value, num, den] for ind, period, value, num, den in annual],
    )

    # Delivered-or-not outputs and evidence-based judgements, with the evidence for each.
    quarterly_yes = {
        "projects-public-feedback": "Project plan cites the public feedback that prompted it",
        "accessible-summary": "Easy-read summary published with each report",
        "stakeholder-responses": "Responses from commissioners and providers logged against each report",
        "action-plans": "Action plans reviewed at the quarterly contract meeting",
        "review-reports": "Reports revisited after six months; follow-up notes on file",
        "hwbb-contributions": "Papers and minutes of the Kent Health and Wellbeing Board",
        "regular-meetings": "Meeting log with KCC, the CCGs and acute trusts",
        "critical-friend": "Minutes of the Health Overview and Scrutiny Committee",
        "volunteers-hwbb": "Volunteer attendance at Health and Wellbeing Board meetings",
        "directory-updated": "Signposting directory review date",
        "feedback-shared": "Quarterly upload to the Healthwatch England hub",
        "cqc-inspections": "Intelligence shared before each CQC inspection in Kent",
    }
    quarterly_judged = {
        "robust-methodology": ("met", "Methodology checked by the research lead for each report"),
        "stakeholder-mapping": ("met", "Stakeholder map attached to each project plan"),
        "reports-well-received": ("met", "Feedback from commissioners and providers on each report"),
        "reports-independent": ("met", "Board review of each report before publication"),
        "influence-decisions": ("clear_evidence", "Commissioning decisions that cite Healthwatch reports"),
    }
    annual_yes = {
        "volunteers-priorities": "Volunteer workshop on the annual priorities",
        "public-priorities": "Public survey and priorities consultation",
        "local-account": "Annual report published by 30 June",
        "volunteer-case-studies": "Case studies in the annual report",
        "practice-updated": "Learning from other local Healthwatch in the operating manual",
        "national-work": "Contribution to Healthwatch England's national enquiries",
    }
    annual_judged = {
        "changes-made": ("clear_evidence", "Changes made by providers after Enter & View visits"),
        "consultation-improved": (
            "some_evidence",
            "Commissioners' consultation plans changed after our comments",
        ),
        "volunteer-profile": ("partly_reflects", "Volunteer equality monitoring against the Kent population"),
        "peer-audit": ("met", "Peer audit of the information service by Healthwatch Medway"),
        "fully-accessible": ("met", "Accessibility audit of the website and printed information"),
        "mystery-shopper": ("partly_met", "Mystery shopper exercise of the information service"),
        "cqc-relationship": ("good", "Quarterly meetings with the CQC local inspection team"),
    }
    exceptions = {
        ("stakeholder-responses", quarter(2017, 4)): "no",
        ("review-reports", quarter(2016, 3)): "no",
        ("robust-methodology", quarter(2016, 2)): "partly_met",
        ("mystery-shopper", year(2016)): "met",
        ("volunteer-profile", year(2016)): "does_not_reflect",
        ("consultation-improved", year(2016)): "no_evidence",
    }
    assurance = []
    for label in quarters:
        for indicator, note in quarterly_yes.items():
            assurance.append([indicator, label, exceptions.get((indicator, label), "yes"), note])
        for indicator, (answer, note) in quarterly_judged.items():
            assurance.append([indicator, label, exceptions.get((indicator, label), answer), note])
    for y in range(years):
        label = year(first + y)
        for indicator, note in annual_yes.items():
            assurance.append([indicator, label, "yes", note])
        for indicator, (answer, note) in annual_judged.items():
            assurance.append([indicator, label, exceptions.get((indicator, label), answer), note])
    files.csv(
        f"{base}/data/assurance.csv",
        ["indicator", "area", "period", "value", "note"],
        [[ind, "kent", period, value, note] for ind, period, value, note in assurance],
    )

    files.text(
        f"{base}/commentary/ev-visits/Q4-2017-18.md",
        """
Twenty Enter & View visits were made in 2017/18 against the target of 24. Two authorised
representatives left in the autumn and the replacements were not trained until February, so the
fourth-quarter programme was cut back to four visits.

Six visits planned for the last quarter have been moved to April and May 2018. The volunteer
coordinator is training four more representatives, which will let us run two visits a fortnight.
""",
    )
    files.text(
        f"{base}/commentary/ev-visits.md",
        """
Enter & View visits look at care from the point of view of the people using it. Each visit produces a
report with recommendations to the provider, who is asked to respond within 20 working days.
""",
    )
    files.text(
        f"{base}/commentary/districts-covered/2018-03.md",
        """
Public Voice covered eleven of the twelve districts this year. The August visits to **Dartford** were
cancelled when the venue closed at short notice and could not be rearranged before the September
programme in Dover began.
""",
    )
    files.text(
        f"{base}/commentary/district-visits/dartford/2017-18.md",
        """
Six visits in Dartford against eight: the August programme was lost (see *districts covered*). Two
extra visits to Darent Valley Hospital's outpatient clinics are booked for April 2018.
""",
    )
    files.text(
        f"{base}/commentary/stakeholder-responses/Q4-2017-18.md",
        """
One provider has not yet responded to our report on discharge from hospital, published in January.
We have written to the chief executive and raised it with the commissioner; if there is no response
by the end of May it will be escalated to the Health Overview and Scrutiny Committee.
""",
    )
    files.text(
        f"{base}/commentary/quality-accounts/2017-18.md",
        """
Six of the seven trusts published our feedback in their 2017/18 quality accounts. Kent Community
Health NHS Foundation Trust missed the deadline for our statement; the trust has agreed to include it
in next year's account and to share its draft with us by the end of February.
""",
    )
    files.text(
        f"{base}/commentary/users-satisfied/Q4-2017-18.md",
        """
Satisfaction dipped to just under 90% in the last quarter. Most of the dissatisfied callers were
looking for NHS dentists taking new patients, where we could signpost but not find a place.
""",
    )
    files.text(
        f"{base}/commentary/C1.md",
        """
The Public Voice programme visits one district a month, so that each of Kent's twelve districts is
visited in turn over the year. Volunteers from the district join each visit.
""",
    )
    files.csv(
        f"{base}/actions.csv",
        ["id", "title", "outcome", "indicators", "owner", "due", "status", "completed", "notes"],
        [
            ["HWK-01", "Recruit and train four more Enter & View authorised representatives", "A1",
             "ev-visits", "Volunteer Coordinator", "2018-06-30", "in_progress", "",
             "Two trained in February 2018; two more booked on the May course."],
            ["HWK-02", "Reschedule the cancelled Dartford Public Voice visits", "C1",
             "districts-covered;district-visits", "Community Engagement Manager", "2018-05-31",
             "in_progress", "", "Venue booked for 17 May 2018."],
            ["HWK-03", "Move the email inbox to the new case management system and restore the 3-day reply",
             "D1", "emails-3-days", "Information and Signposting Manager", "2018-04-30", "in_progress", "",
             ""],
            ["HWK-04", "Escalate the unanswered discharge report to the Health Overview and Scrutiny Committee",
             "A3", "stakeholder-responses", "Chief Executive", "2018-05-31", "not_started", "", ""],
            ["HWK-05", "Agree the quality account timetable with every trust", "B2", "quality-accounts",
             "Chief Executive", "2018-02-28", "done", "2018-02-20", ""],
            ["HWK-06", "Publish the 2017/18 annual report (local account)", "B2", "local-account",
             "Chief Executive", "2018-06-30", "in_progress", "", ""],
        ],
    )  # fmt: skip


# --- Thurrock Health and Well-Being Board ----------------------------------------------------------

# Quarterly PIs: (2012/13 outturn, 2013/14 outturn, England 2012/13, England 2013/14, Thurrock
# denominator a quarter). Quarters wander around a line between the two outturns. Rates per 100,000
# use person-years (population / 4 a quarter), so each quarter is an annual rate and the year adds up.
THURROCK_QUARTERLY = {
    "TH-reablement-91": (83.1, 84.6, 81.4, 82.5, 46),
    "TH-dementia-diagnosis": (45.6, 51.2, 46.7, 52.1, 2_080),
    "TH-iapt-access": (8.9, 10.1, 10.4, 12.1, 4_150),
    "TH-mh-accommodation": (66.0, 70.4, 58.5, 60.8, 1_120),
    "TH-mh-employment": (5.8, 6.1, 8.8, 7.1, 1_120),
    "TH-ld-employment": (7.4, 8.9, 7.0, 6.7, 480),
    "TH-ld-settled": (71.2, 74.1, 73.5, 74.9, 480),
    "TH-carers-assessed": (24.8, 27.9, 27.3, 26.9, 2_900),
    "TH-breastfeeding": (35.9, 34.1, 47.2, 47.2, 560),
    "TH-mmr2": (86.7, 90.4, 87.7, 88.3, 550),
    "TH-chlamydia": (2105, 2230, 2016, 2012, 19_500 / 4),
    "TH-repeat-cp-plans": (14.2, 17.6, 14.9, 15.8, 45),
    "TH-lac-placements": (10.1, 9.2, 11.0, 11.0, 280),
}
THURROCK_COUNTS = {"TH-quitters": (1074, 1090), "TH-health-checks": (3420, 4260)}
ENGLAND_SCALE = 330  # England's population is about 330 times Thurrock's


def thurrock_hwb(files: Files, rng: np.random.Generator) -> None:
    base = "thurrock-hwb"
    quarters = [quarter(y, q) for y in (2012, 2013) for q in range(1, 5)]
    sheets: dict[str, list[list[object]]] = {"thurrock": [], "england": []}
    for indicator, (before, after, eng_before, eng_after, size) in THURROCK_QUARTERLY.items():
        per = 100_000 if indicator == "TH-chlamydia" else 100
        for area, a, b, scale in (
            ("thurrock", before, after, 1),
            ("england", eng_before, eng_after, ENGLAND_SCALE),
        ):
            line = np.concatenate([np.full(4, a), np.linspace(a + (b - a) / 4, b, 4)]) / per
            denominators = np.round(size * scale * rng.uniform(0.95, 1.05, 8), 2 if per > 100 else 0)
            numerators = rng.binomial(denominators.astype(int), np.clip(line * rng.normal(1, 0.02, 8), 0, 1))
            for k, label in enumerate(quarters):
                num: object = int(numerators[k])
                den: object = float(denominators[k]) if per > 100 else int(denominators[k])
                outturn: object = round(numerators[k] / denominators[k] * per, 1)
                if area == "thurrock" and indicator == "TH-repeat-cp-plans" and k == 5:
                    num = outturn = "*"  # Q2 2013/14: fewer than 5 children, suppressed
                if area == "thurrock" and indicator == "TH-mh-employment" and k == 6:
                    continue  # Q3 2013/14: MHMDS figures not published
                sheets[area].append([indicator, label, num, den, outturn])
    for indicator, (before, after) in THURROCK_COUNTS.items():
        shares = np.array([0.21, 0.24, 0.25, 0.30])
        counts = np.round(np.concatenate([before * shares, after * shares]) * rng.normal(1, 0.04, 8))
        sheets["thurrock"].extend(
            [indicator, label, None, None, int(c)] for label, c in zip(quarters, counts, strict=True)
        )
    titles = ["Thurrock Health and Well-Being Board - performance indicator return",
              "Quarterly outturn, 2012/13 and 2013/14 (Q1 to Q4)", SYNTHETIC]  # fmt: skip
    files.xlsx(
        f"{base}/data/pi-return-2013-14.xlsx",
        [
            (area, titles, ["PI", "Quarter", "Numerator", "Denominator", "Outturn"], rows)
            for area, rows in sheets.items()
        ],
    )

    # Monthly adult social care returns with counts; the rate denominators are person-years
    # (population / 12 a month), so monthly rates are annual rates and add up to the year.
    monthly = []
    populations = {"thurrock": (20_900, 121_500), "england": (8_900_000, 42_300_000)}
    calendar = months(2012, 24)
    for area, (over_65, adults) in populations.items():
        scale = over_65 / 20_900
        for i, (yy, mm) in enumerate(calendar):
            later = i >= 12
            admissions_rate = (
                (734.6 if not later else 762.0) if area == "thurrock" else (697.0 if not later else 668.8)
            )
            admissions = int(rng.poisson(admissions_rate * over_65 / 100_000 / 12))
            monthly.append(
                ["TH-care-home-admissions", area, month(yy, mm), admissions, round(over_65 / 12, 2)]
            )
            dtoc_rate = (9.2 if not later else 7.9) if area == "thurrock" else (9.4 if not later else 9.6)
            delayed = int(rng.poisson(dtoc_rate * adults / 100_000))
            monthly.append(["TH-dtoc", area, month(yy, mm), delayed, adults])
            users = int(2_650 * scale * rng.normal(1, 0.01))
            share = (0.523 if area == "thurrock" else 0.56) + (0.0135 if area == "thurrock" else 0.006) * i
            monthly.append(
                ["TH-self-directed", area, month(yy, mm), int(binomial(rng, users, min(share, 0.9))), users]
            )
    files.csv(
        f"{base}/data/adult-social-care-monthly.csv",
        ["indicator", "area", "period", "numerator", "denominator"],
        monthly,
    )
    annual = [
        ["TH-reception-weight", "thurrock", year(2011), 24.1, 437, 1813, ""],
        ["TH-reception-weight", "thurrock", year(2012), 23.6, 452, 1915, ""],
        ["TH-reception-weight", "thurrock", year(2013), 23.9, 470, 1966, "provisional"],
        ["TH-reception-weight", "england", year(2011), 22.6, None, None, ""],
        ["TH-reception-weight", "england", year(2012), 22.2, None, None, ""],
        ["TH-reception-weight", "england", year(2013), 22.5, None, None, "provisional"],
        ["TH-u18-conceptions", "thurrock", year(2011), 40.3, 123, 3052, ""],
        ["TH-u18-conceptions", "thurrock", year(2012), 36.2, 109, 3011, ""],
        ["TH-u18-conceptions", "england", year(2011), 30.7, None, None, ""],
        ["TH-u18-conceptions", "england", year(2012), 27.7, None, None, ""],
        ["TH-carer-qol", "thurrock", year(2012), 7.9, None, None, ""],
        ["TH-carer-qol", "england", year(2012), 8.1, None, None, ""],
    ]
    files.csv(
        f"{base}/data/annual-outturn.csv",
        ["indicator", "area", "period", "value", "numerator", "denominator", "flag"],
        annual,
    )

    files.text(
        f"{base}/commentary/P1-mental-health/Q4-2013-14.md",
        """
**Mental Health Partnership Board, March 2014.** Members welcomed the employment pathway agreed with
secondary mental health services in September, but said it is too early to see more people in work:
the first twelve referrals are still on the programme.

The Board asked for the Q3 employment figure, which was not published nationally, to be reported as
soon as it is available.
""",
    )
    files.text(
        f"{base}/commentary/P1-disability/Q4-2013-14.md",
        """
**Disability Partnership Board, March 2014.** Self-directed support has risen every month since the
resource allocation system was revised in September. Members reported that direct payments are still
hard to set up for people who do not want to employ a personal assistant.
""",
    )
    files.text(
        f"{base}/commentary/P1-frail-elderly/Q4-2013-14.md",
        """
**Older People Partnership Board, March 2014.** Seven-day reablement went live in November as planned
and delayed transfers have fallen below the target since. Care home admissions remain above target:
the Board heard that more people are being admitted directly from hospital, and asked the Executive to
look at step-down beds as an alternative.
""",
    )
    files.text(
        f"{base}/commentary/P1-carers/Q4-2013-14.md",
        """
**Carers' Executive, February 2014.** The refreshed carers' strategy was signed off in November. Carers
told the Executive that assessments are quicker, but that they hear about respite too late.
""",
    )
    files.text(
        f"{base}/commentary/TH-care-home-admissions/Q4-2013-14.md",
        """
Admissions rose in the second half of the year, mostly people admitted straight from hospital after a
fall or a stroke. The integrated rapid response service (DP1-02) starts in April 2014.
""",
    )
    files.text(
        f"{base}/commentary/TH-dementia-diagnosis/Q4-2013-14.md",
        """
Diagnosis rates passed the 50% target in the third quarter as the memory assessment pathway reached
two thirds of GP practices.
""",
    )
    files.text(
        f"{base}/commentary/P2-best-start/Q4-2013-14.md",
        """
**Children and Young People's Partnership highlight report.** MMR catch-up clinics in October and
November reached 212 children. Breastfeeding at 6-8 weeks has not improved; the Baby Friendly
assessment is booked for May 2014.
""",
    )
    files.text(
        f"{base}/commentary/qualitative/Q4-2013-14.md",
        """
The partnership boards met between January and March 2014. Each was asked two questions: are the
delivery plan actions being delivered, and are they making a difference to the people the board
represents? Their answers are given under each priority outcome.

HealthWatch Thurrock reported that residents value the new seven-day reablement service, and raised
concerns about access to GP appointments, which the Commissioning Reference Group will take up.
""",
    )
    files.text(
        f"{base}/commentary/children-highlight/Q4-2013-14.md",
        """
Part 2 of the Strategy is on track except for the safeguarding outcome: repeat child protection plans
rose to 22.7% in the fourth quarter, from 13.6% in the third. The Local Safeguarding Children Board has
commissioned an audit of the cases, to report in June.
""",
    )
    files.csv(
        f"{base}/actions.csv",
        ["id", "title", "outcome", "indicators", "owner", "due", "status", "completed", "notes"],
        [
            ["EX-01", "Audit children who became subject to a child protection plan for a second time", "P2-safe",
             "TH-repeat-cp-plans", "Head of Children's Social Care", "2014-06-30", "in_progress", "",
             "Raised by the Board in March 2014 as an exception."],
            ["EX-02", "Review step-down beds as an alternative to care home admission from hospital",
             "P1-frail-elderly", "TH-care-home-admissions", "Head of Adult Social Care", "2014-07-31",
             "not_started", "", "Asked for by the Older People Partnership Board."],
            ["EX-03", "Breastfeeding peer support in the three children's centres with the lowest rates",
             "P2-best-start", "TH-breastfeeding", "Director of Public Health", "2014-09-30", "in_progress", "", ""],
        ],
    )  # fmt: skip


# --- Forth Valley Integration Joint Boards --------------------------------------------------------

FV_LOCALITIES = {
    "falkirk-west": ("falkirk", 0.34), "falkirk-central": ("falkirk", 0.36), "falkirk-east": ("falkirk", 0.30),
    "clackmannanshire": ("clacks-stirling", 0.35), "stirling-city": ("clacks-stirling", 0.38),
    "rural-stirling": ("clacks-stirling", 0.27),
}  # fmt: skip
# Survey indicators 1-9: (Scotland 2013/14 %, change per survey, respondents per locality, Scotland n).
FV_SURVEY = {
    "CI-1": (94.3, -0.8, 900, 125_000), "CI-2": (82.8, -2.0, 110, 7_500), "CI-3": (78.6, -3.4, 110, 7_500),
    "CI-4": (74.6, -2.6, 110, 7_500), "CI-5": (81.0, -2.2, 120, 8_000), "CI-6": (86.9, -3.6, 900, 120_000),
    "CI-7": (84.3, -2.8, 110, 7_500), "CI-8": (40.9, -1.9, 90, 12_000), "CI-9": (83.5, -2.0, 110, 7_500),
}  # fmt: skip
# Partnership offsets from Scotland, in percentage points.
FV_OFFSET = {"falkirk": -1.0, "clacks-stirling": 1.5}
FV_ADULTS = {"falkirk": 128_000, "clacks-stirling": 119_000, "scotland": 4_430_000}
FV_OVER_65 = {"falkirk": 29_500, "clacks-stirling": 28_800, "scotland": 1_010_000}


def forth_valley_ijb(files: Files, rng: np.random.Generator) -> None:
    base = "forth-valley-ijb"
    survey_years = [year(y) for y in range(2013, 2024, 2)]
    survey = []
    for indicator, (scotland, step, n, scotland_n) in FV_SURVEY.items():
        for k, label in enumerate(survey_years):
            level = scotland + step * k
            for locality, (partnership, _share) in FV_LOCALITIES.items():
                respondents = int(n * rng.uniform(0.8, 1.2))
                p = (level + FV_OFFSET[partnership] + rng.normal(0, 1.5)) / 100
                agree: object = int(binomial(rng, respondents, p))
                size: object = respondents
                if (indicator, locality, label) == ("CI-8", "rural-stirling", year(2013)):
                    agree = size = "*"  # fewer than 50 carers responded
                survey.append([indicator, locality, label, agree, size])
            survey.append(
                [indicator, "scotland", label, int(binomial(rng, scotland_n, level / 100)), scotland_n]
            )
    titles = ["Health and Care Experience Survey - Forth Valley localities",
              "Weighted respondents agreeing, by locality and survey year (biennial)", SYNTHETIC]  # fmt: skip
    files.xlsx(
        f"{base}/data/health-and-care-experience-survey.xlsx",
        [("Survey", titles, ["Indicator", "Area", "Survey year", "Agree (weighted)", "Respondents"], survey)],
    )

    # Core indicators 11-20 from system data, annual, by partnership and Scotland.
    years = list(range(2016, 2025))
    rows = []
    for area in ("falkirk", "clacks-stirling", "scotland"):
        adults, over_65 = FV_ADULTS[area], FV_OVER_65[area]
        size = adults / FV_ADULTS["scotland"]
        factor = {"falkirk": 1.05, "clacks-stirling": 0.92, "scotland": 1.0}[area]
        for k, y in enumerate(years):
            label = year(y)
            covid = y == 2020
            mortality = (426 + 3 * k + (30 if covid else 0)) * factor * rng.normal(1, 0.015)
            half = (
                1.96 * mortality / np.sqrt(mortality * adults * 1.25 / 100_000)
            )  # deaths at all ages under 75
            rows.append(
                [
                    "CI-11",
                    area,
                    label,
                    round(mortality, 1),
                    None,
                    None,
                    round(mortality - half, 1),
                    round(mortality + half, 1),
                ]
            )
            admissions = int(
                adults * (0.122 - 0.0015 * k - (0.018 if covid else 0)) * factor * rng.normal(1, 0.01)
            )
            rows.append(["CI-12", area, label, None, admissions, adults, None, None])
            bed_days = int(
                adults * (1.22 - 0.012 * k - (0.15 if covid else 0)) * factor * rng.normal(1, 0.01)
            )
            rows.append(["CI-13", area, label, None, bed_days, adults, None, None])
            discharges = int(adults * 0.115 * rng.normal(1, 0.01))
            rows.append(
                [
                    "CI-14",
                    area,
                    label,
                    None,
                    int(discharges * (0.097 + 0.0012 * k) * factor),
                    discharges,
                    None,
                    None,
                ]
            )
            rows.append(
                [
                    "CI-15",
                    area,
                    label,
                    round(88.2 + 0.25 * k + (1.6 if covid else 0) + rng.normal(0, 0.3), 1),
                    None,
                    None,
                    None,
                    None,
                ]
            )
            falls = int(over_65 * (0.0215 + 0.0003 * k) * factor * rng.normal(1, 0.02))
            rows.append(["CI-16", area, label, None, falls, over_65, None, None])
            services = int(4_300 * size * 1.2) if area != "scotland" else 4_300
            good = (0.83 - (0.04 if y >= 2021 else 0)) * (1.02 if area == "clacks-stirling" else 1)
            rows.append(
                ["CI-17", area, label, None, int(binomial(rng, services, good)), services, None, None]
            )
            intensive = int(adults * 0.0125)
            rows.append(
                [
                    "CI-18",
                    area,
                    label,
                    None,
                    int(binomial(rng, intensive, 0.615 + 0.002 * k)),
                    intensive,
                    None,
                    None,
                ]
            )
            rows.append(
                [
                    "CI-20",
                    area,
                    label,
                    round((24.8 - 0.2 * k - (1.8 if covid else 0)) * factor + rng.normal(0, 0.3), 1),
                    None,
                    None,
                    None,
                    None,
                ]
            )
    files.csv(
        f"{base}/data/core-indicators.csv",
        ["indicator", "area", "period", "value", "numerator", "denominator", "ci_lower", "ci_upper"],
        rows,
    )  # fmt: skip

    # Core indicator 19, delayed discharge bed days, monthly. Falkirk's shifts up from November 2022,
    # when two care homes closed (the special cause the SPC chart shows).
    calendar = months(2016, 12 * 9)
    delays = []
    for area, level in (("falkirk", 1_650), ("clacks-stirling", 1_300), ("scotland", 44_000)):
        for i, (yy, mm) in enumerate(calendar):
            mean = level * (1 + 0.0007 * i)
            if (yy, mm) >= (2020, 4) and (yy, mm) <= (2020, 6):
                mean *= 0.55
            if area == "falkirk" and (yy, mm) >= (2022, 11):
                mean *= 1.38
            delays.append([month(yy, mm), area, int(rng.normal(mean, mean * 0.06))])
    files.csv(f"{base}/data/delayed-discharge-bed-days.csv", ["month", "partnership", "bed_days"], delays)

    # Finance: the regulation 4(2) shares of spend and the variance, one column per year (as in the
    # annual accounts' five-year table), and the locality spend shares.
    finance_years = [year(y) for y in range(2019, 2025)]
    shares = {"FIN-a": 31.0, "FIN-b": 37.5, "FIN-c": 13.2, "FIN-d": 1.1, "FIN-e": 17.2}
    finance = []
    for area in ("falkirk", "clacks-stirling"):
        drift = {"FIN-a": -0.4, "FIN-b": 0.3, "FIN-c": 0.1, "FIN-d": 0.05, "FIN-e": -0.05}
        for indicator, share in shares.items():
            values = share + drift[indicator] * np.arange(6) + rng.normal(0, 0.2, 6)
            finance.append([indicator, area, *rounded(values)])
        variance = rng.normal(0, 900, 6).round()
        variance[-1] = 2_350 if area == "falkirk" else -640
        finance.append(["FIN-variance", area, *(f"{int(v * 1000):,}" for v in variance)])
    files.csv(f"{base}/data/finance.csv", ["indicator", "partnership", *finance_years], finance)
    locality_spend = []
    for locality, (_partnership, share) in FV_LOCALITIES.items():
        values = 100 * share + rng.normal(0, 0.3, 6)
        locality_spend.append([locality, *rounded(values)])
    files.csv(f"{base}/data/locality-spend.csv", ["locality", *finance_years], locality_spend)

    files.text(
        f"{base}/commentary/CI-19/falkirk/2025-03.md",
        """
Delayed discharge bed days in Falkirk stepped up from November 2022, when two care homes in the
Grangemouth area closed and 64 beds were lost. Every month since has been above the previous average,
which the SPC chart shows as a special cause.

The partnership has commissioned 30 interim beds and a discharge-to-assess team (see FV-02), to bring
bed days back to their level before November 2022.
""",
    )
    files.text(
        f"{base}/commentary/CI-19.md",
        """
Bed days occupied by people aged 18 and over who are clinically ready to leave hospital, from the
monthly delayed discharge census. All delay reasons are included, so code 9 (complex) delays count too.
""",
    )
    files.text(
        f"{base}/commentary/CI-2/2023-24.md",
        """
Fewer people supported at home agree that they are helped to live as independently as possible, in
Forth Valley as in Scotland. Respondents' comments point to shorter, less flexible home care visits.
""",
    )
    files.text(
        f"{base}/commentary/CI-8/2023-24.md",
        """
Carers remain the least positive group in the survey. The Carers Act duties (adult carer support
plans) are now in place in both partnerships, but take-up is lower than expected.
""",
    )
    files.text(
        f"{base}/commentary/O2c.md",
        """
Getting people home from hospital without delay is the partnerships' first priority in the 2023-26
strategic plans.
""",
    )
    for section, text in {
        "outcomes": "Both partnerships report against all nine national outcomes. The tables above set each "
        "core indicator for 2024/25 (2023/24 for the survey) beside the five preceding years.",
        "delivery-principles": "Services were planned with people who use them, through the locality "
        "planning groups, and the home first approach was extended to all localities.",
        "strategic-planning": "There were no significant decisions outside the strategic plan in 2024/25.",
        "best-value": "Both IJBs' directions required best value; savings plans delivered £7.9m.",
        "localities": "Each locality planning group met quarterly. Spend by locality is shown below.",
        "inspections": "The Care Inspectorate's joint inspection of adult services in Falkirk made four "
        "recommendations; an improvement plan was agreed in October 2024.",
        "plan-review": "The strategic plans were reviewed in 2023 and revised plans for 2023-26 adopted.",
        "monitoring-committee": "No integration joint monitoring committee made recommendations in 2024/25.",
    }.items():
        files.text(f"{base}/commentary/{section}/2024-25.md", text)
    files.text(
        f"{base}/commentary/exceptions/falkirk/2025-03.md",
        "Delayed discharge bed days (CI-19) are the one exception: every month since November 2022 has been "
        "above the earlier average, a special cause of concern. The interim care beds (FV-02) are escalated "
        "to the IJB.",
    )
    # Each IJB's finances are its own: commentary for one partnership never reaches the other's report.
    files.text(
        f"{base}/commentary/finance/falkirk/2024-25.md",
        "Falkirk IJB overspent by £2.35m (1.1% of its budget), mostly on interim care beds.",
    )
    files.text(
        f"{base}/commentary/finance/clacks-stirling/2024-25.md",
        "Clackmannanshire & Stirling IJB underspent by £0.64m, which was added to its reserves.",
    )
    files.csv(
        f"{base}/actions.csv",
        ["id", "title", "outcome", "indicators", "area", "owner", "due", "status", "completed", "notes"],
        [
            ["FV-01", "Home first: a discharge-to-assess service in every locality", "O2c", "CI-19;CI-22",
             "forth-valley", "Chief Officer", "2025-09-30", "in_progress", "", "Live in four of the six localities."],
            ["FV-02", "Commission 30 interim care beds in Falkirk", "O2c", "CI-19", "falkirk",
             "Head of Adult Social Care",
             "2025-06-30", "in_progress", "", "22 beds open by March 2025."],
            ["FV-03", "Carers' support plan offer in both partnerships", "O6", "CI-8", "forth-valley",
             "Head of Adult Social Care",
             "2025-03-31", "done", "2025-02-28", ""],
            ["FV-04", "Falls prevention pathway with the Scottish Ambulance Service", "O7", "CI-16",
             "forth-valley", "Chief Officer", "2025-12-31", "not_started", "", ""],
        ],
    )  # fmt: skip


# --- Social services in Wales ---------------------------------------------------------------------

# Local authority: (ONS code, population in thousands).
WALES_LAS = {
    "isle-of-anglesey": ("W06000001", 70), "gwynedd": ("W06000002", 124), "conwy": ("W06000003", 117),
    "denbighshire": ("W06000004", 95), "flintshire": ("W06000005", 155), "wrexham": ("W06000006", 136),
    "ceredigion": ("W06000008", 73), "pembrokeshire": ("W06000009", 125), "carmarthenshire": ("W06000010", 187),
    "swansea": ("W06000011", 246), "neath-port-talbot": ("W06000012", 142), "bridgend": ("W06000013", 144),
    "vale-of-glamorgan": ("W06000014", 130), "cardiff": ("W06000015", 362), "rhondda-cynon-taf": ("W06000016", 240),
    "caerphilly": ("W06000018", 181), "blaenau-gwent": ("W06000019", 70), "torfaen": ("W06000020", 93),
    "monmouthshire": ("W06000021", 94), "newport": ("W06000022", 151), "powys": ("W06000023", 132),
    "merthyr-tydfil": ("W06000024", 60),
}  # fmt: skip
# Survey measures: (Wales %, respondents per 100,000 people).
WALES_SURVEY = {
    "WQ-right-information": (79.0, 190),
    "WQ-dignity": (88.0, 190),
    "WQ-feel-safe": (80.5, 190),
    "WQ-social-networks": (71.0, 190),
}
# Counted measures: (Wales %, denominator per 100,000 people, change a year).
WALES_MEASURES = {
    "WM-iaa-not-returned": (72.0, 900, 0.8),
    "WM-adult-protection-timescales": (86.0, 300, 1.0),
    "WM-cpr-reregistrations": (6.0, 65, 0.3),
    "WM-children-with-family": (62.0, 500, -0.6),
    "WM-care-leavers-homeless": (10.5, 19, 0.4),
}


def wales_social_services(files: Files, rng: np.random.Generator) -> None:
    base = "wales-social-services"
    years = [year(y) for y in range(2016, 2020)]
    skew = {la: rng.normal(0, 1) for la in WALES_LAS}
    survey = []
    for indicator, (level, per_100k) in WALES_SURVEY.items():
        for la, (_code, thousands) in WALES_LAS.items():
            for k, label in enumerate(years):
                n = int(per_100k * thousands / 100 * rng.uniform(0.8, 1.2))
                p = (level + 0.4 * k + 2.5 * skew[la] + rng.normal(0, 1)) / 100
                survey.append([la, indicator, label, int(binomial(rng, n, p)), n])
    files.csv(
        f"{base}/data/citizen-surveys.csv", ["area", "indicator", "year", "agree", "respondents"], survey
    )

    measures = []
    for indicator, (level, per_100k, change) in WALES_MEASURES.items():
        for k, label in enumerate(years):
            wales_count = wales_n = 0
            for la, (code, thousands) in WALES_LAS.items():
                n = max(int(rng.poisson(per_100k * thousands / 100)), 1)
                p = (level + change * k + 1.5 * skew[la] + rng.normal(0, 1.5)) / 100
                count = int(binomial(rng, n, p))
                wales_count, wales_n = wales_count + count, wales_n + n
                if la == "blaenau-gwent" and label == year(2018):
                    continue  # not submitted for 2018/19 (Wales' total includes it, from Data Cymru)
                name = la.replace("-", " ").title()
                # Fewer than 5: suppressed, as Data Cymru publishes it.
                measures.append(
                    [code, name, file_period(label), indicator, "c" if 0 < count < 5 else count, n]
                )
            measures.append(["W92000004", "Wales", file_period(label), indicator, wales_count, wales_n])
    titles = ["Performance measures for social services in Wales",
              "Local authority returns, 2016-17 to 2019-20 (Code of practice, section 145)", SYNTHETIC]  # fmt: skip
    files.xlsx(
        f"{base}/data/performance-measures.xlsx",
        [("Measures", titles, ["Authority code", "Authority", "Year", "Measure", "Numerator", "Denominator"], measures)],
    )  # fmt: skip

    lengths = []
    for indicator, level in (("WM-cpr-length", 255.0), ("WM-residential-length", 870.0)):
        for la in WALES_LAS:
            values = level * (1 + 0.12 * rng.normal(0, 1)) * (1 + 0.02 * rng.normal(0, 1, len(years)))
            lengths.append([la, indicator, *[int(v) for v in values]])
        average = np.mean([row[2:] for row in lengths if row[1] == indicator], axis=0)
        lengths.append(["wales", indicator, *[int(v) for v in average.round()]])
    files.csv(f"{base}/data/average-lengths.csv", ["area", "indicator", *years], lengths)

    national = [
        ["NI-things-that-matter", 82.4, 83.1, 82.0, 83.6],
        ["NI-mental-wellbeing", 51.4, 51.2, 51.4, 51.5],
        ["NI-high-happiness", 60.6, 61.0, 61.9, 62.4],
        ["NI-domestic-abuse", 14.1, 16.7, 19.3, 20.8],
        ["NI-feel-safe", 68.2, 70.1, 71.3, 72.0],
        ["NI-adults-at-risk-repeat", 12.9, 12.1, 11.4, 11.8],
    ]
    files.csv(f"{base}/data/national-survey-for-wales.csv", ["Indicator", *years], national)

    files.text(
        f"{base}/commentary/summary/wales/2019-20.md",
        """
Most measures for Wales were stable in 2019/20: their change from 2018/19 is within the confidence
intervals. The National Survey for Wales measures of people doing what matters to them, mental
well-being, happiness and feeling safe improved. Re-registrations on the child protection register fell
back to 6.3% from 6.8% in 2018/19, a change within the intervals, and remain the measure to watch.
""",
    )
    files.text(
        f"{base}/commentary/WM-cpr-reregistrations/2019-20.md",
        """
Re-registrations rose in 2017/18 and 2018/19 and fell back in 2019/20. Local authorities with the
highest rates are reviewing decisions to end child protection plans, with the regional safeguarding
boards.
""",
    )
    files.text(
        f"{base}/commentary/WQ-social-networks.md",
        """
Asked in the annual citizen surveys of adults receiving care and support and of carers: "I am happy
with the people that I have contact with".
""",
    )
    for section, text in {
        "qs1": "Information, advice and assistance services resolved more enquiries at first contact.",
        "qs3": "Safeguarding enquiries were completed within timescales in most authorities.",
    }.items():
        files.text(f"{base}/commentary/{section}/2019-20.md", text)


# --- National Voices principles -------------------------------------------------------------------


def national_voices(files: Files, rng: np.random.Generator) -> None:
    base = "national-voices"
    years = [year(y) for y in range(2015, 2019)]
    area = "anytown"
    percentages = {
        "NV1-goals": (56.0, 1.2, 420), "NV1-experience": (82.0, 0.3, 2_600), "NV1-care-planning": (3.8, 0.5, 2_600),
        "NV1-coordination": (74.0, -0.8, 420), "NV2-listened": (61.0, 1.0, 380), "NV2-feedback-used": (42.0, 3.0, 60),
        "NV2-experts-difference": (48.0, 2.5, 90), "NV2-coproduction": (22.0, 6.0, 45),
        "NV3-checks-attendance": (47.0, 1.5, 6_800), "NV3-person-centred-access": (68.0, 0.5, 300),
        "NV5-partner-views": (55.0, 2.0, 120), "NV6-volunteers-supported": (71.0, 1.5, 340),
    }  # fmt: skip
    rows = []
    for indicator, (level, change, n) in percentages.items():
        for k, label in enumerate(years):
            size = int(n * rng.uniform(0.9, 1.1))
            rows.append(
                [indicator, area, label, None, int(binomial(rng, size, (level + change * k) / 100)), size]
            )
    for indicator, values in {
        "NV1-professionals": [3.6, 3.7, 3.7, 3.9], "NV3-gap": [14.2, 13.5, 13.9, 12.6],
        "NV5-social-return": [3.1, 3.4, 3.2, 3.8], "NV5-investment": ["£412,000", "£448,500", "£455,000", "£431,250"],
        "NV2-less-heard": [4, 6, 7, 9],
    }.items():  # fmt: skip
        rows.extend(
            [indicator, area, label, value, None, None] for label, value in zip(years, values, strict=True)
        )
    for label, value in zip([year(y) for y in (2014, 2016, 2018)], [7.6, 7.5, 7.3], strict=True):
        rows.append(["NV4-carer-experience", area, label, value, None, None])
    files.csv(
        f"{base}/data/measures.csv",
        ["indicator", "area", "period", "value", "numerator", "denominator"],
        rows,
    )

    quarters = [quarter(y, q) for y in range(2015, 2019) for q in range(1, 5)]
    quarterly = {
        "NV1-online-records": (np.linspace(0.4, 9.5, 16) + rng.normal(0, 0.3, 16)).round(1).tolist(),
        "NV1-personal-budgets": (np.linspace(310, 560, 16) + rng.normal(0, 12, 16))
        .round()
        .astype(int)
        .tolist(),
        "NV3-gp-registrations": rng.poisson(26, 16).tolist(),
        "NV3-community-participation": rng.poisson(140, 16).tolist(),
        "NV4-carers-identified": (np.linspace(2_100, 3_050, 16) + rng.normal(0, 40, 16))
        .round()
        .astype(int)
        .tolist(),
        "NV6-volunteer-hours": rng.poisson(5_200, 16).tolist(),
    }
    quarterly["NV3-gp-registrations"][9] = "*"  # Q2 2017/18: fewer than 5 in one practice, suppressed
    files.csv(f"{base}/data/quarterly.csv", ["Measure", *quarters], [[k, *v] for k, v in quarterly.items()])

    answers = [
        ["NV2-lay-involvement", "yes", "yes", "yes", "yes"],
        ["NV2-participant-diversity", "not_representative", "partly_representative", "partly_representative", "representative"],
        ["NV3-data-quality", "partly_met", "partly_met", "met", "met"],
        ["NV4-measure-what-matters", "no", "no", "yes", "yes"],
        ["NV5-representation", "yes", "yes", "yes", "no"],
    ]  # fmt: skip
    files.csv(f"{base}/data/assessments.csv", ["Measure", *years], answers)

    files.text(
        f"{base}/commentary/P1-O/2018-19.md",
        """
More people say they are supported to manage their own health than in 2015/16 (59.0% against 55.4%),
and online access to records has grown from almost nothing to one patient in ten (9.6% in Q4 2018/19).
People's overall experience of care fell in 2018/19, beyond the confidence intervals, and coordination
between services fell back to its 2015/16 level: people with several long-term conditions still tell
their story many times.
""",
    )
    files.text(
        f"{base}/commentary/NV3-gap/2018-19.md",
        """
The gap in health check attendance between the most and least deprived fifths of the population
narrowed to 12.6 points, after the community health check van started visiting estates in 2018.
""",
    )
    files.text(
        f"{base}/commentary/voices/2018-19.md",
        """
Three listening events, 140 survey responses from people who use services and a citizens' panel of 24
people contributed to this review. Their main message: *"Ask us once, and tell the others."*
""",
    )
    files.text(
        f"{base}/commentary/NV1-care-planning.md",
        """
From the GP Patient Survey: patients with a long-term condition who have a written care plan.
""",
    )
    files.csv(
        f"{base}/actions.csv",
        ["id", "title", "outcome", "indicators", "owner", "due", "status", "completed", "notes"],
        [
            ["NV-01", "Voluntary sector seat restored on the partnership board", "P5-O", "NV5-representation",
             "Partnership Director", "2019-07-31", "in_progress", "", "The VCSE alliance is nominating a member."],
            ["NV-02", "Single shared care record across GP, community and social care", "P1-O", "NV1-coordination",
             "Chief Information Officer", "2020-03-31", "in_progress", "", ""],
            ["NV-03", "Carers' measures agreed with the carers' forum", "P4-O", "NV4-measure-what-matters",
             "Head of Commissioning", "2018-03-31", "done", "2017-11-30", ""],
        ],
    )  # fmt: skip


# --- NHS A&E four-hour standard (real data; commentary and actions only) ----------------------------


def nhs_ae_four_hour(files: Files, rng: np.random.Generator) -> None:
    base = "nhs-ae-four-hour"
    files.text(
        f"{base}/commentary/ae-4hr-all/england/2019-03.md",
        """
England's four-hour performance was 86.6% in March 2019 (all department types), below the 95%
standard as it has been every month since July 2015. Type 1 departments, where the sickest patients
are seen, managed 79.5%.

The SPC chart shows common cause variation around a mean well below the target: on the present
system the standard will not be met without a change to the process, which is what the actions below
aim at.
""",
    )
    files.text(
        f"{base}/commentary/ae-4hr-all.md",
        """
The share of A&E attendances admitted, transferred or discharged within 4 hours of arrival: the NHS
Constitution standard is 95%. Figures from NHS England's monthly A&E Attendances and Emergency
Admissions statistics.
""",
    )
    files.text(
        f"{base}/commentary/ae-attendances/england/2019-03.md",
        """
2.17 million attendances in March 2019, the busiest month of 2018/19 after July 2018. Attendances rose
each year: 23.4 million in 2016/17, 23.8 million in 2017/18 and 24.8 million in 2018/19.
""",
    )
    files.text(
        f"{base}/commentary/summary/2018-19.md",
        """
In 2018/19 England's A&E departments saw more patients than ever, and 88.0% of them within four hours.
No month met the 95% standard.
""",
    )
    files.text(
        f"{base}/commentary/actions/2018-19.md",
        """
Providers below 95% for the whole year agreed recovery trajectories with their regional teams (AE-01).
""",
    )
    files.csv(
        f"{base}/actions.csv",
        ["id", "title", "outcome", "indicators", "owner", "due", "status", "completed", "notes"],
        [
            ["AE-01", "Every provider below 90% agrees a four-hour recovery trajectory with its regional team",
             "four-hours", "ae-4hr-all;ae-4hr-type1", "Regional Directors", "2019-06-30", "in_progress", "",
             "Trajectories agreed with 96 of 124 type 1 providers below 95% by the end of April 2019."],
            ["AE-02", "Same day emergency care 12 hours a day, 7 days a week, at every type 1 department",
             "four-hours", "ae-4hr-type1", "National Medical Director", "2020-03-31", "in_progress", "",
             "From the NHS Long Term Plan (January 2019)."],
            ["AE-03", "Cut long stays in hospital (21 days and over) by a quarter to free beds for admissions",
             "four-hours", "ae-4hr-type1", "Chief Operating Officer", "2019-03-31", "done", "2019-03-29", ""],
            ["AE-04", "Test the proposed new urgent and emergency care standards in pilot trusts", "four-hours",
             "ae-4hr-all", "National Medical Director", "2019-05-31", "not_started", "",
             "Clinical review of NHS access standards, interim report March 2019."],
        ],
    )  # fmt: skip


GENERATORS = {
    "healthwatch-kent": healthwatch_kent,
    "thurrock-hwb": thurrock_hwb,
    "forth-valley-ijb": forth_valley_ijb,
    "wales-social-services": wales_social_services,
    "national-voices": national_voices,
    "nhs-ae-four-hour": nhs_ae_four_hour,
}


#: The narrative of each example's required report sections (`sections:` with `required`), so that no
#: report ships with a red "Missing" section. Qualitative by design: the numbers are in the tables.
REQUIRED_SECTIONS = {
    "healthwatch-kent": {
        "making-a-difference/2017-18.md": "Enter and View visits, the information and signposting service "
        "and the district Public Voice events are reported indicator by indicator above, with the actions "
        "agreed where a measure is off target.",
        "influence/2017-18.md": "Healthwatch Kent sits on the Kent Health and Wellbeing Board and responds to "
        "the NHS trusts' quality accounts; the responses received from stakeholders are one of the measures "
        "above.",
        "community-voice/2017-18.md": "Volunteers and the Public Voice events in each district gathered "
        "people's experiences of health and social care; the districts covered are shown above.",
        "informing/2017-18.md": "The information and signposting service answers calls and emails from the "
        "public; its reply times are measured above.",
        "healthwatch-england/2017-18.md": "Healthwatch Kent shared its reports with Healthwatch England and "
        "took part in its national work during the year.",
    },
    "national-voices": {
        "principles/2018-19.md": "Each principle's indicators are set out above against the preceding years, "
        "with the partnership's commentary where it has one.",
    },
    "thurrock-hwb": {
        "pis/Q4-2013-14.md": "The indicators are in the scorecard and on each priority outcome's page; those "
        "off target are listed at a glance with their owners and next actions.",
        "actions-due/Q4-2013-14.md": "The delivery plan actions are shown with their state at the report "
        "date; overdue actions are listed at a glance.",
        "year-review/2013-14.md": "The tables above set each indicator for 2013/14 beside 2012/13.",
        "qualitative/2013-14.md": "The partnership boards' feedback was taken to each quarter's Board meeting "
        "and is reported under the priority outcomes.",
        "next-year/2013-14.md": "The delivery plans are being refreshed for 2014/15 with the partnership "
        "boards.",
    },
    "wales-social-services": {
        "qs2/2019-20.md": "The citizen surveys' measures of well-being are reported above with the "
        "National Survey for Wales.",
        "qs4/2019-20.md": "Measures for this quality standard are reported above where the framework has them.",
        "qs5/2019-20.md": "Children supported to remain with their family are reported above.",
        "qs6/2019-20.md": "Care leavers who experienced homelessness are reported above.",
    },
}


def generate(out: Path, names: Iterable[str] = GENERATORS) -> list[Path]:
    """Write the examples' generated files under `out`; returns their paths."""
    files = Files(out)
    for number, name in enumerate(GENERATORS):
        if name in names:
            GENERATORS[name](files, np.random.default_rng([SEED, number]))
            for relative, text in REQUIRED_SECTIONS.get(name, {}).items():
                files.text(f"{name}/commentary/{relative}", text)
    return files.written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=EXAMPLES, help="folder to write the examples into")
    parser.add_argument("names", nargs="*", default=list(GENERATORS), help="examples to write (default: all)")
    args = parser.parse_args()
    written = generate(args.out, args.names)
    sys.stdout.write(f"wrote {len(written)} files under {args.out}\n")


if __name__ == "__main__":
    main()
