"""Running the rules: collect them from plugins, check, then apply the spec's suppressions."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import pluggy

from typing import TYPE_CHECKING

from s0c.compiler.graph import Graph
from s0c.plugins.manager import PluginError
from s0c.spec.diagnostics import Diagnostic, Severity, SpecPath, dotted
from s0c.spec.models import Spec, Suppression

from . import suppressions as sup
from .rule import Context, Rule

if TYPE_CHECKING:
    from s0c.cost.prices import PriceTable

ENGINE_RULES = {sup.expired.id, sup.unused.id, sup.unknown.id}
SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


def registered_rules(pm: pluggy.PluginManager) -> dict[str, Rule]:
    """Every rule the installed plugins register, by ID; an ID registered twice is an error."""
    found: dict[str, Rule] = {}

    def register(rule: Rule) -> None:
        if not isinstance(rule, Rule):
            raise PluginError(f"a policy plugin registered {rule!r}, not a s0c.policies.Rule")
        if rule.id in found:
            raise PluginError(f"rule {rule.id} is registered twice")
        found[rule.id] = rule

    pm.hook.s0c_register_policies(register=register)
    return dict(sorted(found.items()))


@dataclass
class Report:
    findings: list[Diagnostic] = field(default_factory=list)
    # (finding, index of the suppression in policies.suppress that hid it)
    suppressed: list[tuple[Diagnostic, int]] = field(default_factory=list)
    # Unused or unknown suppressions: reported, never counted by --fail-on.
    notices: list[Diagnostic] = field(default_factory=list)

    def failing(self, threshold: Severity) -> list[Diagnostic]:
        return [d for d in self.findings if SEVERITY_RANK[d.severity] >= SEVERITY_RANK[threshold]]


def _key(diagnostic: Diagnostic) -> tuple:
    return (diagnostic.code, tuple(str(p) for p in diagnostic.path), diagnostic.message,
            diagnostic.resource or "")


def check(spec: Spec, graph: Graph, rules: dict[str, Rule],
          prices: "PriceTable | None" = None) -> list[Diagnostic]:
    """Every rule's findings, before suppressions, in a stable order."""
    ctx = Context(spec, graph, prices)
    found: set[Diagnostic] = set()
    for rule in rules.values():
        if rule.id in ENGINE_RULES:
            continue
        try:
            found.update(rule.check(ctx))
        except Exception as exc:  # a broken plugin rule must not hide the other rules' findings
            found.add(rule.finding(f"rule {rule.id} failed: {type(exc).__name__}: {exc}", (),
                                   severity=Severity.ERROR))
    return sorted(found, key=_key)


def covers(suppression: Suppression, finding: Diagnostic) -> bool:
    if suppression.rule != finding.code:
        return False
    if suppression.resource is None or suppression.resource == finding.resource:
        return True
    path: SpecPath = finding.path
    return any(dotted(path[:length]) == suppression.resource for length in range(1, len(path) + 1))


def run(spec: Spec, graph: Graph, rules: dict[str, Rule], today: datetime.date,
        prices: "PriceTable | None" = None) -> Report:
    report = Report()
    live: list[tuple[int, Suppression]] = []
    for index, suppression in enumerate(spec.policies.suppress):
        where: SpecPath = ("policies", "suppress", index)
        if suppression.expires and datetime.date.fromisoformat(suppression.expires) < today:
            report.findings.append(sup.expired.finding(
                f"suppression of {suppression.rule} expired on {suppression.expires}"
                f" (reason given: {suppression.reason})", where + ("expires",)))
        elif suppression.rule == "S0C-SECRET":
            continue  # applied while validating (spec/secrets.py): no lint rule finds secrets
        elif suppression.modes is not None and spec.mode not in suppression.modes:
            # Written for other modes: the finding counts again here (the PoC's "Redis without
            # TLS" is accepted in development, an error once the spec says live).
            continue
        elif suppression.rule not in rules:
            report.notices.append(sup.unknown.finding(
                f"suppression names {suppression.rule}, which no installed rule has",
                where + ("rule",)))
        else:
            live.append((index, suppression))
    used: set[int] = set()
    for finding in check(spec, graph, rules, prices):
        match = next((index for index, s in live if covers(s, finding)), None)
        if match is None:
            report.findings.append(finding)
        else:
            report.suppressed.append((finding, match))
            used.add(match)
    for index, suppression in live:
        if index not in used:
            scope = f" on {suppression.resource}" if suppression.resource else ""
            report.notices.append(sup.unused.finding(
                f"suppression of {suppression.rule}{scope} matches no finding",
                ("policies", "suppress", index)))
    report.findings.sort(key=_key)
    return report
