"""The monthly cost ceiling and the budget alerts that guard it."""

from __future__ import annotations

from s0c.spec.diagnostics import Severity

from .rule import Context, rule

ERROR, WARNING = Severity.ERROR, Severity.WARNING
NEAR_CEILING = 0.8


@rule("S0C-COST-001", "Estimated monthly cost is within the budget", ERROR,
      """The budget is the team's ceiling; an environment that costs more than it on list prices
      alone will overspend before any traffic arrives.""",
      """Shrink the largest items (`s0c cost SPEC` lists them) or raise budget.monthly_usd
      deliberately.""", "cost")
def over_budget(ctx: Context):
    total, ceiling = ctx.estimate.monthly, ctx.spec.budget.monthly_usd
    if total > ceiling:
        yield over_budget.finding(f"estimated ${total:,.2f}/month exceeds the budget of"
                                  f" ${ceiling:,.2f} ({_share(total, ceiling)})",
                                  ("budget", "monthly_usd"))


@rule("S0C-COST-002", "Estimated monthly cost leaves 20% headroom", WARNING,
      """Data transfer, snapshots beyond the free allowance and log volume are not in the estimate:
      an estimate above 80% of the budget will likely cross it.""",
      "Review `s0c cost SPEC`, or raise budget.monthly_usd.", "cost")
def near_budget(ctx: Context):
    total, ceiling = ctx.estimate.monthly, ctx.spec.budget.monthly_usd
    # Also above the ceiling: raising the budget then never adds a cost finding.
    if total > NEAR_CEILING * ceiling:
        yield near_budget.finding(f"estimated ${total:,.2f}/month is {_share(total, ceiling)} of"
                                  f" the ${ceiling:,.2f} budget", ("budget", "monthly_usd"))


@rule("S0C-COST-003", "Every resource has a known price", WARNING,
      """An instance type or class missing from s0c's price table is left out of the estimate,
      so the cost rules cannot vouch for the total.""",
      """Use a type the table knows (`s0c cost SPEC` names the missing one), or check its price by
      hand.""", "cost")
def unpriced(ctx: Context):
    for item in ctx.estimate.unpriced:
        yield unpriced.finding(item.message, item.path, resource=item.resource)


@rule("S0C-BUDGET-001", "Budget alert thresholds are ascending", WARNING,
      """Alerts read as an escalation ladder; an out-of-order list is usually a typo (2000 for
      200).""",
      "List budget.alerts_usd from the lowest to the highest amount.", "cost")
def ascending(ctx: Context):
    alerts = ctx.spec.budget.alerts_usd
    for index in range(1, len(alerts)):
        if alerts[index] <= alerts[index - 1]:
            yield ascending.finding(f"threshold {alerts[index]:g} follows {alerts[index - 1]:g}",
                                    ("budget", "alerts_usd", index))


@rule("S0C-BUDGET-002", "A budget alert fires at or below the ceiling", ERROR,
      """If every threshold is above budget.monthly_usd, nobody hears about the spend until the
      ceiling is already crossed.""",
      "Add an alert at or below budget.monthly_usd (e.g. 80% of it).", "cost")
def alert_below_ceiling(ctx: Context):
    budget = ctx.spec.budget
    if not any(amount <= budget.monthly_usd for amount in budget.alerts_usd):
        what = "no alert thresholds" if not budget.alerts_usd else \
            f"every threshold is above the ${budget.monthly_usd:g} ceiling"
        yield alert_below_ceiling.finding(f"{what}: no warning before the budget is spent",
                                          ("budget", "alerts_usd") if budget.alerts_usd
                                          else ("budget",))


def _share(total: float, ceiling: float) -> str:
    return f"{100 * total / ceiling:.0f}%"


RULES = [over_budget, near_budget, unpriced, ascending, alert_below_ceiling]
