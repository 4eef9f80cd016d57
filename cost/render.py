"""An estimate as text (people), JSON (scripts) or Markdown (pull-request comments)."""

from __future__ import annotations

import json
import textwrap

from s0c.catalogue import KINDS

from .estimate import Estimate, LineItem

EXCLUDED = (
    "data transfer out to the internet and between AZs",
    "RDS backup storage beyond the database's size, and snapshots kept after deletion",
    "CloudWatch Logs, custom metrics and API requests",
    "Secrets Manager and SSM API calls, KMS requests",
    "taxes, support plans, savings plans and reserved-instance discounts",
)


def _ordered(estimate: Estimate) -> list[LineItem]:
    return sorted(estimate.items, key=lambda i: (-i.monthly, i.resource, i.description))


def by_concern(estimate: Estimate) -> dict[str, float]:
    totals: dict[str, float] = {}
    for item in estimate.items:
        concern = KINDS[item.kind].concern if item.kind in KINDS else item.kind
        totals[concern] = round(totals.get(concern, 0) + item.monthly, 2)
    return dict(sorted(totals.items(), key=lambda kv: (-kv[1], kv[0])))


def _as_of(estimate: Estimate) -> str:
    return ", ".join(sorted({item.price.as_of for item in estimate.items})) or "n/a"


def _derived(item: LineItem) -> str | None:
    return item.price.derived


def _budget_line(estimate: Estimate, budget: float) -> str:
    share = f"{100 * estimate.monthly / budget:.0f}%"
    if estimate.complete:
        return f"budget ${budget:,.2f}/month: estimate is {share} of it"
    return (f"budget ${budget:,.2f}/month: estimate is at least {share} of it; with"
            f" {len(estimate.unpriced)} charge(s) unknown the ceiling cannot be proved")


def _price(price) -> dict:
    out = {"usd": price.usd, "category": price.category, "unit": price.unit,
           "as_of": price.as_of, "source": price.source}
    if price.derived:
        out["derived"] = price.derived
    return out


def as_json(estimate: Estimate, spec_file: str, budget: float) -> str:
    hours = estimate.hours
    document = {
        "spec": spec_file,
        "region": estimate.region,
        "currency": "USD",
        "hours_per_month": hours,
        # With unknown charges the sums are lower bounds ("complete": false), never totals.
        "total": {"hourly": round(estimate.hourly, 4), "monthly": estimate.monthly,
                  "complete": estimate.complete},
        "budget_monthly": budget,
        "by_concern": by_concern(estimate),
        "items": [{"resource": i.resource, "kind": i.kind, "description": i.description,
                   "hourly": round(i.hourly(hours), 4), "monthly": i.monthly, "basis": i.basis,
                   "price": _price(i.price)}
                  for i in _ordered(estimate)],
        "unpriced": [{"resource": u.resource, "kind": u.kind, "description": u.description,
                      "monthly": None, "message": u.message} for u in estimate.unpriced],
        "assumptions": {name: {"value": value, "meaning": meaning}
                        for name, (value, meaning) in estimate.assumptions.items()},
        "free": sorted(estimate.free),
        "excluded": list(EXCLUDED),
        "sources": estimate.sources,
    }
    return json.dumps(document, indent=2, sort_keys=True)


def as_rows(estimate: Estimate) -> list[tuple[str, str, str, str, str]]:
    """(resource, item, basis, $/hour, $/month); a derived price's figure carries a '*', an
    unknown one reads 'unknown'."""
    hours = estimate.hours
    rows = [(i.resource, i.description, i.basis + (" (derived)" if _derived(i) else ""),
             f"{i.hourly(hours):.4f}", f"{i.monthly:,.2f}" + ("*" if _derived(i) else " "))
            for i in _ordered(estimate)]
    rows += [(u.resource or "", u.description or u.message, "no price", "unknown", "unknown ")
             for u in estimate.unpriced]
    return rows


def _total_row(estimate: Estimate) -> tuple[str, str, str, str, str]:
    label = "total" if estimate.complete else "total (at least)"
    return (label, "", "", f"{estimate.hourly:.4f}", f"{estimate.monthly:,.2f} ")


def _notes(estimate: Estimate, budget: float, width: int | None) -> list[str]:
    lines = [_budget_line(estimate, budget), "",
             "by concern: " + ", ".join(f"{k} ${v:,.2f}" for k, v in by_concern(estimate).items()),
             "", "assumptions (set them under `cost:` in the spec):"]
    for name, (value, meaning) in estimate.assumptions.items():
        lines.append(f"  {name} = {str(value).lower() if isinstance(value, bool) else value}"
                     f"  ({meaning})")
    for item in estimate.unpriced:
        lines.append(f"unknown: {item.message}")
    derived = sorted({(i.price.category, i.description, _derived(i)) for i in estimate.items
                      if _derived(i)})
    for _, description, how in derived:
        lines.append(f"* derived price: {description}: {how}")
    lines.append(f"no charge: {len(estimate.free)} resources (VPC, subnets, routes, security"
                 " groups, IAM, listeners, certificate, SNS, budget, ...)")
    lines.append("not included: " + "; ".join(EXCLUDED))
    lines.append(f"prices: on-demand list prices as of {_as_of(estimate)}; sources per price in"
                 " `--format json`")
    if width is None:
        return lines
    wrapped: list[str] = []
    for line in lines:
        indent = " " * (len(line) - len(line.lstrip()) + 2)
        wrapped += textwrap.wrap(line, width, subsequent_indent=indent,
                                 break_on_hyphens=False) or [""]
    return wrapped


def as_text(estimate: Estimate, spec_file: str, budget: float, *, wide: bool = False) -> str:
    """A table that fits 80 columns (resource, item, $/month); ``wide`` adds the basis of every
    figure and the hourly rate, one line per item however long."""
    columns = (0, 1, 2, 3, 4) if wide else (0, 1, 4)
    header = ("resource", "item", "basis", "$/hour", "$/month")
    rows = [header, *as_rows(estimate), _total_row(estimate)]
    rows = [tuple(row[i] for i in columns) for row in rows]
    numeric = {index for index, column in enumerate(columns) if column >= 3}
    widths = [max(len(r[i]) for r in rows) for i in range(len(columns))]

    def fmt(row) -> str:
        return "  ".join(cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i])
                         for i, cell in enumerate(row)).rstrip()

    if not wide:
        # The item column takes what 80 columns leave and wraps inside it.
        room = max(20, 80 - sum(widths) + widths[1])
        widths[1] = min(widths[1], room)
        rows = [split for row in rows for split in _wrap_row(row, 1, widths[1])]
    lines = [f"{spec_file}: {estimate.region}, {estimate.hours} h/month, USD", "",
             *(fmt(r) for r in rows), ""]
    return "\n".join(lines + _notes(estimate, budget, None if wide else 80)) + "\n"


def _wrap_row(row: tuple[str, ...], column: int, width: int) -> list[tuple[str, ...]]:
    parts = textwrap.wrap(row[column], width, break_on_hyphens=False) or [""]
    first = row[:column] + (parts[0],) + row[column + 1:]
    return [first] + [tuple(part if i == column else "" for i in range(len(row)))
                      for part in parts[1:]]


def as_markdown(estimate: Estimate, spec_file: str, budget: float) -> str:
    lines = [f"### Estimated cost of `{spec_file}` ({estimate.region})", "",
             "| resource | item | basis | $/hour | $/month |", "|---|---|---|---:|---:|"]
    for row in as_rows(estimate):
        lines.append("| " + " | ".join(cell.strip().replace("|", "\\|") for cell in row) + " |")
    label, _, _, hourly, monthly = _total_row(estimate)
    lines.append(f"| **{label}** | | | **{hourly}** | **{monthly.strip()}** |")
    lines.append("")
    for line in _notes(estimate, budget, None):
        if line.strip():
            lines.append(f"  - {line.strip()}" if line.startswith("  ") else f"- {line}")
    return "\n".join(lines) + "\n"
