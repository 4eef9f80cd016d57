"""Two resource graphs -> what changes, resource by resource, and why.

Resources are matched by logical id. A changed attribute is classified by the catalogue
(:func:`s0c.catalogue.changes.classify`), separately for Terraform and CloudFormation; a
resource's action is the worst of its attributes'. A replaced or newly created resource changes
the identifiers other resources reference, so those references count as changed too (Terraform's
"known after apply"), which is how a subnet's replacement reaches the subnet groups and the host.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from s0c.catalogue import KINDS
from s0c.catalogue.changes import Unclassified, attribute_paths, classify
from s0c.catalogue.model import Change, Effect, Keep, worst
from s0c.compiler.graph import Graph, Input, Json, Node, Ref, Template, iter_refs
from s0c.spec.diagnostics import SpecPath

TARGETS = ("terraform", "cloudformation")
_BY_EFFECT = {Effect.NONE: "no-op", Effect.UPDATE: "update", Effect.INTERRUPT: "interrupt",
              Effect.REPLACE: "replace"}
_SEVERITY = {"no-op": 0, "update": 1, "interrupt": 2, "create": 1, "replace": 3, "delete": 3}
# An attribute a replacement leaves as it was: names the spec sets stay the same.
_STABLE_ATTRS = {"name", "key_name", "identifier"}
KNOWN_AFTER_APPLY = "(known after apply)"


@dataclass(frozen=True)
class AttrChange:
    path: str
    old: str | None
    new: str | None
    change: Change
    # Set when the value is the same reference whose target is replaced or created.
    cause: str | None = None


@dataclass
class ResourceChange:
    id: str
    kind: str
    # target -> no-op, update, interrupt (an update in place that interrupts the resource),
    # replace, create or delete
    action: dict[str, str]
    attrs: list[AttrChange] = field(default_factory=list)
    origin: SpecPath = ()
    data_loss: str | None = None
    notes: list[str] = field(default_factory=list)

    def worst(self, targets: tuple[str, ...] = TARGETS) -> str:
        return max((self.action[t] for t in targets), key=_SEVERITY.__getitem__)


def show(value: Any) -> str:
    """A graph value as the diff prints it: references as ``${node.attr}``."""
    if isinstance(value, Ref):
        index = f"[{value.index}]" if value.index is not None else ""
        return "${" + f"{value.node}.{value.attr}{index}" + "}"
    if isinstance(value, Input):
        return "${input." + value.name + "}"
    if isinstance(value, Template):
        return "".join(p if isinstance(p, str) else show(p) for p in value.parts)
    if isinstance(value, Json):
        return json.dumps(_plain(value.value), sort_keys=True, separators=(",", ":"))
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(_plain(value), sort_keys=True, separators=(",", ":"))
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (Ref, Input, Template, Json)):
        return show(value)
    return value


def _at(props: dict[str, Any], path: str) -> Any:
    """The value(s) at a dotted attribute path; a repeated block gives the list of its items'."""
    values: list[Any] = [props]
    for key in path.split("."):
        step: list[Any] = []
        for value in values:
            items = value if isinstance(value, list) else [value]
            step += [item[key] for item in items if isinstance(item, dict) and key in item]
        values = step
    if not values:
        return None
    return values[0] if len(values) == 1 else values


def _classify(kind: str, path: str) -> Change:
    try:
        return classify(kind, path)
    except Unclassified as exc:
        # Fail closed: an attribute no source covers is treated as replacing the resource.
        return Change(Effect.REPLACE, Effect.REPLACE, None,
                      f"unclassified ({exc}): assumed to replace the resource", ())


def _changed_refs(value: Any, moved: dict[str, str]) -> list[str]:
    """References in ``value`` whose target is replaced or created (``moved``: id -> action)."""
    return sorted({f"{ref.node} is {moved[ref.node]}d" for ref in iter_refs(value)
                   if ref.node in moved and ref.attr not in _STABLE_ATTRS})


def _data_loss(node: Node, action: str) -> str | None:
    stateful = KINDS[node.kind].stateful
    if stateful is None or action not in ("replace", "delete"):
        return None
    keeps = stateful.keeps(node.props)
    verb = "replaced" if action == "replace" else "deleted"
    if keeps is Keep.SNAPSHOT:
        out = (f"{stateful.what} are {verb}: a final snapshot is taken first, and a new"
               " resource starts empty unless restored from it by hand")
    elif keeps is Keep.RETAIN:
        out = (f"{stateful.what}: the resource is retained (CloudFormation) and a delete fails"
               " while it holds data (Terraform); the new one starts empty")
    else:
        out = f"{stateful.what} are lost: nothing is kept when it is {verb}"
    if node.props.get("deletion_protection") is True:
        out += "; deletion protection is on, so AWS refuses until it is turned off"
    return out


def _action(changes: list[AttrChange], target: str) -> str:
    return _BY_EFFECT[worst(getattr(c.change, target) for c in changes)]


def diff_graphs(old: Graph, new: Graph) -> list[ResourceChange]:
    """Every resource that is created, changed or deleted, in NEW's dependency order (deleted
    ones last, in OLD's reverse order)."""
    out: list[ResourceChange] = []
    moved: dict[str, str] = {}  # node id -> "replace" / "create", for references to it
    for node in new.ordered():
        if KINDS[node.kind].lookup:
            continue
        before = old.nodes.get(node.id)
        if before is None or before.kind != node.kind:
            moved[node.id] = "create" if before is None else "replace"
            if before is None:
                out.append(ResourceChange(node.id, node.kind,
                                          {t: "create" for t in TARGETS}, origin=node.origin))
                continue
        changes = _attribute_changes(node.kind, before.props, node.props, moved)
        if before.kind != node.kind:
            action = {t: "replace" for t in TARGETS}
        else:
            action = {t: _action(changes, t) for t in TARGETS}
        if all(a == "no-op" for a in action.values()) and not changes:
            continue
        if "replace" in action.values():
            moved[node.id] = "replace"
        change = ResourceChange(node.id, node.kind, action, changes, node.origin)
        change.data_loss = _data_loss(before, change.worst())
        # The catalogue's notes are said once for the resource; the per-attribute "why" stays
        # with the attribute.
        change.notes = sorted({c.change.note for c in changes if c.change.note})
        out.append(change)
    for node in reversed(old.ordered()):
        if node.id not in new.nodes and not KINDS[node.kind].lookup:
            change = ResourceChange(node.id, node.kind, {t: "delete" for t in TARGETS},
                                    origin=node.origin)
            change.data_loss = _data_loss(node, "delete")
            out.append(change)
    return out


def _attribute_changes(kind: str, old: dict[str, Any], new: dict[str, Any],
                       moved: dict[str, str]) -> list[AttrChange]:
    paths = list(dict.fromkeys([*attribute_paths(kind, old), *attribute_paths(kind, new)]))
    out = []
    for path in paths:
        before, after = _at(old, path), _at(new, path)
        if before != after:
            out.append(AttrChange(path, None if before is None else show(before),
                                  None if after is None else show(after), _classify(kind, path)))
            continue
        causes = _changed_refs(after, moved)
        if causes:
            out.append(AttrChange(path, show(before), KNOWN_AFTER_APPLY, _classify(kind, path),
                                  cause=", ".join(causes)))
    return out
