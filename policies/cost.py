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
        yield over_budget.finding(f"estimated {_amount(ctx)}/month exceeds the budget of"
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
        yield near_budget.finding(f"estimated {_amount(ctx)}/month is {_share(total, ceiling)}"
                                  f" of the ${ceiling:,.2f} budget", ("budget", "monthly_usd"))


@rule("S0C-COST-003", "Every resource has a known price", ERROR,
      """The budget is a ceiling s0c promises to check: a resource whose price s0c does not know
      (a type, class or region missing from its price table) makes the total a lower bound, and a
      ceiling cannot be proved against a lower bound. Unknown is never read as $0.""",
      """Use a type and region the table knows (`s0c cost SPEC` lists what is unknown), give
      current prices with `s0c prices refresh` and `--prices FILE` (or cost.prices), or suppress
      this finding with the reason the price is acceptable.""", "cost")
def unpriced(ctx: Context):
    found = ctx.estimate
    if found.unpriced and not found.region_priced:
        # One finding, on the region: the same cause 20 times over hides the fix.
        yield unpriced.finding(
            f"s0c's price table has no prices for {ctx.spec.region}: {len(found.unpriced)}"
            f" charge(s) are unknown, so the ${ctx.spec.budget.monthly_usd:,.2f} budget cannot be"
            " proved", ("region",))
        return
    for item in found.unpriced:
        yield unpriced.finding(f"{item.message}: the ${ctx.spec.budget.monthly_usd:,.2f} budget"
                               " cannot be proved", item.path, resource=item.resource)


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


def _amount(ctx: Context) -> str:
    total = f"${ctx.estimate.monthly:,.2f}"
    return total if ctx.estimate.complete else f"at least {total}"


def _share(total: float, ceiling: float) -> str:
    return f"{100 * total / ceiling:.0f}%"


RULES = [over_budget, near_budget, unpriced, ascending, alert_below_ceiling]
