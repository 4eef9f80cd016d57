"""Rules about the spec's own suppressions.

They are evaluated by :mod:`s0c.policies.engine`, the only place that knows which suppression
matched which finding; they are registered like every other rule so that reports and
`s0c rules` describe them. An expired suppression is a finding; an unused or unknown one is a
notice (severity info, never counted by --fail-on): adding a live suppression can then never
add a finding.
"""

from __future__ import annotations

from s0c.spec.diagnostics import Severity

from .rule import Context, rule


def _engine_only(ctx: Context):
    return ()


expired = rule(
    "S0C-SUP-001", "Suppressions have not expired", Severity.WARNING,
    """A suppression with an expiry date is a promise to revisit the finding; once the date has
    passed the finding is reported again, and so is the stale suppression.""",
    "Fix the finding and delete the suppression, or renew it with a new reason and date.",
    "policies")(_engine_only)

unused = rule(
    "S0C-SUP-002", "Every suppression suppresses something", Severity.INFO,
    """A suppression that matches no finding hides nothing today and would silently hide a new
    problem tomorrow.""",
    "Delete the suppression (the finding it was written for is gone).", "policies")(_engine_only)

unknown = rule(
    "S0C-SUP-003", "Suppressions name installed rules", Severity.INFO,
    """A misspelt rule ID suppresses nothing; so does the ID of a plugin that is not installed
    where the lint runs.""",
    "Correct the ID (`s0c rules` lists them) or install the plugin that provides it.",
    "policies")(_engine_only)

RULES = [expired, unused, unknown]
