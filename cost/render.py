"""An estimate as text (people), JSON (scripts) or Markdown (pull-request comments)."""

from __future__ import annotations

import json

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


def _budget_line(estimate: Estimate, budget: float) -> str:
    return f"budget ${budget:,.2f}/month: estimate is {100 * estimate.monthly / budget:.0f}% of it"


def as_json(estimate: Estimate, spec_file: str, budget: float) -> str:
    hours = estimate.hours
    document = {
        "spec": spec_file,
        "region": estimate.region,
        "currency": "USD",
        "hours_per_month": hours,
        "total": {"hourly": round(estimate.hourly, 4), "monthly": estimate.monthly},
        "budget_monthly": budget,
        "by_concern": by_concern(estimate),
        "items": [{"resource": i.resource, "kind": i.kind, "description": i.description,
                   "hourly": round(i.hourly(hours), 4), "monthly": i.monthly, "basis": i.basis,
                   "price": {"usd": i.price.usd, "category": i.price.category,
                             "unit": i.price.unit, "as_of": i.price.as_of,
                             "source": i.price.source}}
                  for i in _ordered(estimate)],
        "unpriced": [{"resource": u.resource, "message": u.message} for u in estimate.unpriced],
        "assumptions": {name: {"value": value, "meaning": meaning}
                        for name, (value, meaning) in estimate.assumptions.items()},
        "free": sorted(estimate.free),
        "excluded": list(EXCLUDED),
        "sources": estimate.sources,
    }
    return json.dumps(document, indent=2, sort_keys=True)


def as_rows(estimate: Estimate) -> list[tuple[str, str, str, str, str]]:
    hours = estimate.hours
    return [(i.resource, i.description, i.basis, f"{i.hourly(hours):.4f}", f"{i.monthly:,.2f}")
            for i in _ordered(estimate)]


def _notes(estimate: Estimate, budget: float) -> list[str]:
    lines = [_budget_line(estimate, budget), "",
             "by concern: " + ", ".join(f"{k} ${v:,.2f}" for k, v in by_concern(estimate).items()),
             "", "assumptions (set them under `cost:` in the spec):"]
    for name, (value, meaning) in estimate.assumptions.items():
        lines.append(f"  {name} = {str(value).lower() if isinstance(value, bool) else value}"
                     f"  ({meaning})")
    for item in estimate.unpriced:
        lines.append(f"not priced: {item.message}")
    lines.append(f"no charge: {len(estimate.free)} resources (VPC, subnets, routes, security"
                 " groups, IAM, listeners, certificate, SNS, budget, ...)")
    lines.append("not included: " + "; ".join(EXCLUDED))
    lines.append(f"prices: on-demand list prices as of {_as_of(estimate)}; sources per price in"
                 " `--format json`")
    return lines


def as_text(estimate: Estimate, spec_file: str, budget: float) -> str:
    header = ("resource", "item", "basis", "$/hour", "$/month")
    rows = as_rows(estimate)
    total = ("total", "", "", f"{estimate.hourly:.4f}", f"{estimate.monthly:,.2f}")
    widths = [max(len(r[i]) for r in [header, *rows, total]) for i in range(5)]

    def fmt(row) -> str:
        return "  ".join(cell.ljust(widths[i]) if i < 3 else cell.rjust(widths[i])
                         for i, cell in enumerate(row)).rstrip()

    lines = [f"{spec_file}: {estimate.region}, {estimate.hours} h/month, USD", "",
             fmt(header), *(fmt(r) for r in rows), fmt(total), ""]
    return "\n".join(lines + _notes(estimate, budget)) + "\n"


def as_markdown(estimate: Estimate, spec_file: str, budget: float) -> str:
    lines = [f"### Estimated cost of `{spec_file}` ({estimate.region})", "",
             "| resource | item | basis | $/hour | $/month |", "|---|---|---|---:|---:|"]
    for row in as_rows(estimate):
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
    lines.append(f"| **total** | | | **{estimate.hourly:.4f}** | **{estimate.monthly:,.2f}** |")
    lines.append("")
    for line in _notes(estimate, budget):
        if line.strip():
            lines.append(f"  - {line.strip()}" if line.startswith("  ") else f"- {line}")
    return "\n".join(lines) + "\n"
