"""What a rule is, and what it sees."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from s0c.compiler.graph import Graph, Json, Node, Ref
from s0c.spec.diagnostics import Diagnostic, Severity, SpecPath
from s0c.spec.models import Spec

if TYPE_CHECKING:
    from s0c.cost.estimate import Estimate
    from s0c.cost.prices import PriceTable

RULE_ID = re.compile(r"[A-Z][A-Z0-9]*(-[A-Z0-9]+)+")


@dataclass(frozen=True)
class Rule:
    """One check. ``check(context)`` yields diagnostics made with :meth:`finding`."""

    id: str
    title: str
    severity: Severity
    rationale: str
    remediation: str
    check: Callable[["Context"], Iterable[Diagnostic]] = field(compare=False, repr=False)
    # Families, as SARIF "tags": encryption, cost, network, ...
    tags: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not RULE_ID.fullmatch(self.id):
            raise ValueError(f"rule ID {self.id!r} must look like ABC-DEF-001")

    def finding(self, message: str, path: SpecPath, *, resource: str | None = None,
                severity: Severity | None = None, on_key: bool = False) -> Diagnostic:
        return Diagnostic(self.id, severity or self.severity, message, tuple(path), on_key,
                          None, resource)


def rule(id: str, title: str, severity: Severity, rationale: str, remediation: str,
         *tags: str) -> Callable[[Callable[["Context"], Iterable[Diagnostic]]], Rule]:
    """Decorator: the function below becomes the rule's check; the rule replaces it."""
    def wrap(check: Callable[["Context"], Iterable[Diagnostic]]) -> Rule:
        return Rule(id, title, severity, " ".join(rationale.split()),
                    " ".join(remediation.split()), check, tags)
    return wrap


@dataclass
class Context:
    """A valid spec and its graph, with the look-ups rules share."""

    spec: Spec
    graph: Graph
    prices: "PriceTable | None" = None  # None: s0c's own table

    def nodes(self, *kinds: str) -> list[Node]:
        return [node for node in self.graph.nodes.values() if node.kind in kinds]

    def target(self, value: Any) -> Node | None:
        """The node a reference points at (None for a literal)."""
        return self.graph.nodes.get(value.node) if isinstance(value, Ref) else None

    def policies(self) -> Iterator[tuple[Node, str, dict]]:
        """Every IAM policy document in the graph: (node, property, document)."""
        for node in self.graph.nodes.values():
            for key, value in sorted(node.props.items()):
                if isinstance(value, Json) and isinstance(value.value, dict) \
                        and "Statement" in value.value:
                    yield node, key, value.value

    @property
    def live(self) -> bool:
        return self.spec.mode == "live"

    @cached_property
    def estimate(self) -> "Estimate":
        from s0c.cost.estimate import estimate
        return estimate(self.spec, self.graph, self.prices)

    def origin(self, node: Node, *more: str | int) -> SpecPath:
        return tuple(node.origin) + tuple(more)
