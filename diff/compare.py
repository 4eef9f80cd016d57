"""OLD and NEW specs -> everything a switch between them changes: resources (with what data is at
risk), the monthly cost, policy findings and each app's environment."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from s0c.compiler.pipeline import Result, lint_spec
from s0c.compiler.userdata import app_environments
from s0c.cost.estimate import Estimate, estimate
from s0c.spec.diagnostics import Diagnostic

from .engine import TARGETS, ResourceChange, diff_graphs

# --fail-on levels, mildest first: what the diff exits 1 on.
LEVELS = ("change", "interruption", "replace", "data-loss")


@dataclass(frozen=True)
class CostLine:
    resource: str
    old: float
    new: float

    @property
    def delta(self) -> float:
        return round(self.new - self.old, 2)


@dataclass
class CostDelta:
    old: float
    new: float
    lines: list[CostLine] = field(default_factory=list)
    # What either estimate could not price: the delta leaves it out and says so.
    unpriced: list[str] = field(default_factory=list)

    @property
    def delta(self) -> float:
        return round(self.new - self.old, 2)


@dataclass(frozen=True)
class EnvChange:
    app: str
    key: str
    old: str | None
    new: str | None


@dataclass
class SpecDiff:
    old: str
    new: str
    old_mode: str
    new_mode: str
    resources: list[ResourceChange]
    cost: CostDelta
    findings_added: list[Diagnostic]
    findings_removed: list[Diagnostic]
    env: list[EnvChange]

    def changed(self, targets: tuple[str, ...] = TARGETS) -> list[ResourceChange]:
        return [r for r in self.resources if r.worst(targets) != "no-op"]

    def data_loss(self) -> list[ResourceChange]:
        return [r for r in self.resources if r.data_loss]

    def counts(self, targets: tuple[str, ...] = TARGETS) -> dict[str, int]:
        out = {action: 0 for action in ("create", "update", "interrupt", "replace", "delete")}
        for change in self.changed(targets):
            out[change.worst(targets)] += 1
        return out

    def reaches(self, level: str, targets: tuple[str, ...] = TARGETS) -> bool:
        """Whether the diff holds a change at or above ``level`` (one of LEVELS)."""
        actions = {r.worst(targets) for r in self.changed(targets)}
        if level == "data-loss":
            return bool(self.data_loss())
        if level == "replace":
            return bool(actions & {"replace", "delete"})
        if level == "interruption":
            return bool(actions & {"interrupt", "replace", "delete"})
        return bool(actions) or bool(self.env)

    @property
    def goes_live(self) -> bool:
        return self.new_mode == "live" and self.old_mode != "live"


def _cost(old: Estimate, new: Estimate) -> CostDelta:
    def per_resource(found: Estimate) -> dict[str, float]:
        out: dict[str, float] = {}
        for item in found.items:
            out[item.resource] = round(out.get(item.resource, 0) + item.monthly, 2)
        return out

    before, after = per_resource(old), per_resource(new)
    lines = [CostLine(r, before.get(r, 0.0), after.get(r, 0.0))
             for r in sorted(set(before) | set(after))]
    unpriced = sorted({f"{'OLD' if found is old else 'NEW'}: {u.message}"
                       for found in (old, new) for u in found.unpriced})
    return CostDelta(old.monthly, new.monthly, [line for line in lines if line.delta], unpriced)


def _finding_key(d: Diagnostic) -> tuple:
    return (d.code, d.resource or "", tuple(str(p) for p in d.path), d.message)


def _env(old: Result, new: Result) -> list[EnvChange]:
    before, after = app_environments(old.spec), app_environments(new.spec)
    out = []
    for app in sorted(set(before) | set(after)):
        a, b = before.get(app, {}), after.get(app, {})
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                out.append(EnvChange(app, key, a.get(key), b.get(key)))
    return out


def compare(old: Result, new: Result, old_label: str, new_label: str) -> SpecDiff:
    """Both sides must have built (``result.graph`` and ``result.report`` set)."""
    assert old.graph and new.graph and old.spec and new.spec and old.report and new.report
    resources = diff_graphs(old.graph, new.graph)
    cost = _cost(estimate(old.spec, old.graph, old.prices),
                 estimate(new.spec, new.graph, new.prices))
    before = {_finding_key(d): d for d in old.report.findings}
    after = {_finding_key(d): d for d in new.report.findings}
    return SpecDiff(
        old_label, new_label, old.spec.mode, new.spec.mode, resources, cost,
        [after[k] for k in sorted(set(after) - set(before))],
        [before[k] for k in sorted(set(before) - set(after))],
        _env(old, new))


def lint_both(old: tuple[str, str, str], new: tuple[str, str, str], today: datetime.date,
              pm=None, prices=None) -> tuple[Result, Result]:
    """(label, text, base_dir) of each side -> their lint results (graph, findings)."""
    return tuple(lint_spec(label, text=text, base_dir=base_dir, today=today, pm=pm, prices=prices)
                 for label, text, base_dir in (old, new))  # type: ignore[return-value]
