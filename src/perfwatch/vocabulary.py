"""The words perfwatch's outputs are made of, each vocabulary written once.

The framework schema (`framework/model.py`), the evaluation's integer codes (`evaluate/`), the command
line's choices (`cli/`), the icons and labels (`render/icons.py`) and the export all read these tuples, so
a new status or report kind is added here and nowhere else. Standard library only: the command line
imports it at start-up.
"""

from __future__ import annotations

#: An indicator's RAG status at a period, in the order roll-ups count them.
STATUSES = ("green", "amber", "red", "no_target", "no_data", "not_assessed")
#: The statuses a roll-up rates (the others say there is nothing to rate).
RATED_STATUSES = ("green", "amber", "red")
DIRECTIONS = ("improving", "worsening", "no_change", "not_comparable")
TRENDS = (
    "improving",
    "worsening",
    "increasing",
    "decreasing",
    "no_significant_change",
    "cannot_be_calculated",
)
BENCHMARKS = ("better", "similar", "worse", "higher", "lower", "not_compared")
SPC_SIGNALS = (
    "common_cause", "special_cause_improvement", "special_cause_concern",
    "special_cause_neutral_high", "special_cause_neutral_low",
)  # fmt: skip
SPC_RULES = ("outside_limits", "trend", "two_in_three", "run", "")
VARIATIONS = (
    "common_cause", "improvement_high", "improvement_low", "concern_high", "concern_low",
    "neutral_high", "neutral_low",
)  # fmt: skip
ASSURANCES = ("consistent_pass", "consistent_fail", "inconsistent", "")
#: Where an action stands on the report date, worked out from its status, due date and completion.
ACTION_STATES = ("done", "on_track", "due_soon", "overdue", "cancelled")
#: Action states that need no more work: an outcome whose actions are all closed has no open action.
CLOSED_ACTION_STATES = ("done", "cancelled")

#: The kinds of board report; each has a template `templates/<kind>.html.j2`.
REPORT_KINDS = ("performance", "annual", "exception", "scorecard")
DEFAULT_REPORT_KIND = "performance"
#: The files a report is written as, and the default when neither the options nor the project choose.
REPORT_FORMATS = ("html", "pdf", "pptx")
#: What `perfwatch report` writes when no format is asked for: slides only on request.
DEFAULT_REPORT_FORMATS = ("html", "pdf")
#: The project file a folder's commands read when given no framework.
PROJECT_FILE = "perfwatch.yaml"
#: The files `perfwatch export` writes, chosen by the output's extension.
EXPORT_FORMATS = (".csv", ".xlsx", ".json", ".parquet")


def codes_of(vocabulary: tuple[str, ...] | list[str]) -> dict[str, int]:
    """Each word's position in a vocabulary: the integer codes the evaluation works in."""
    return {word: code for code, word in enumerate(vocabulary)}
