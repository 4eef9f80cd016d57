"""The intermediate resource graph: one node per AWS resource, typed references as edges.

Property names follow the AWS provider's argument names (the most widely known spelling of each
AWS setting); a nested mapping is a nested block, a list of mappings a repeated block. Values
are plain data or one of the typed values below, which backends translate into their own
reference syntax. No backend decides anything about AWS design: it is all here already.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Union

from s0c.spec.diagnostics import Diagnostic, SpecPath, error


@dataclass(frozen=True)
class Ref:
    """An attribute of another node, known only once that node exists (``aws_vpc.main.id``)."""

    node: str
    attr: str
    index: int | None = None


@dataclass(frozen=True)
class Input:
    """A deploy-time input of the whole graph (a Terraform variable, a CloudFormation parameter)."""

    name: str


class Pseudo(str):
    """A fact of the deployment each backend states its own way, e.g. the region: Terraform's
    ``var.region``, CloudFormation's ``${AWS::Region}``, the boto3 plan's spec region.

    It *is* the string it stands for in the spec's region (``"us-east-1"``, ``"aws"``), so every
    consumer that does not model deploy-time context (the boto3 plan, the diff, the cost estimate,
    JSON encoding) reads it as that literal; the Terraform and CloudFormation backends check for
    it before they check for ``str``. ``name`` is one of :data:`PSEUDO_NAMES`.
    """

    name: str

    def __new__(cls, name: str, value: str) -> "Pseudo":
        if name not in PSEUDO_NAMES:
            raise ValueError(f"unknown pseudo value {name!r}")
        obj = super().__new__(cls, value)
        obj.name = name
        return obj

    def __getnewargs__(self) -> tuple[str, str]:  # copy, deepcopy and pickle
        return self.name, str(self)

    def __repr__(self) -> str:
        return f"Pseudo({self.name!r}, {str(self)!r})"


PSEUDO_NAMES = (
    "region",     # the region the environment is deployed to
    "partition",  # that region's partition: aws, aws-cn, aws-us-gov, ...
    # A suffix unique to the creation of the resource holding it, fixed from then on (a final
    # snapshot's name must not collide with the snapshot of an earlier generation). Terraform:
    # "-YYYYMMDDhhmmss" of the plan that creates it; empty where a backend has no such value.
    "created",
)


def literal(value: Any, created: tuple = ()) -> Any:
    """``value`` with every :class:`Pseudo` as the plain string it stands for, and templates
    that are then all literal text folded into one string (for backends that know the region
    at compile time). ``created``: the template parts that stand for the "created" pseudo value
    instead of its literal (the boto3 plan's "-" and the creation time apply records)."""
    if isinstance(value, Pseudo):
        return str(value)
    if isinstance(value, Template):
        parts: list[Any] = []
        for given in value.parts:
            pieces = created if created and isinstance(given, Pseudo) and \
                given.name == "created" else (literal(given, created),)
            for part in pieces:
                if isinstance(part, str) and parts and isinstance(parts[-1], str):
                    parts[-1] += part
                elif not (isinstance(part, str) and not part):
                    parts.append(part)
        if all(isinstance(p, str) for p in parts):
            return "".join(parts)
        return Template(tuple(parts))
    if isinstance(value, Json):
        return Json(literal(value.value, created))
    if isinstance(value, dict):
        return {k: literal(v, created) for k, v in value.items()}
    if isinstance(value, list):
        return [literal(v, created) for v in value]
    if isinstance(value, tuple):
        return tuple(literal(v, created) for v in value)
    return value


@dataclass(frozen=True)
class Template:
    """A string assembled at deploy time from literal text and references."""

    parts: tuple[Union[str, Ref, Input], ...]


@dataclass(frozen=True)
class Json:
    """A JSON document (IAM policy, dashboard body); may contain references anywhere inside."""

    value: Any


@dataclass
class Node:
    id: str
    kind: str
    props: dict[str, Any]
    origin: SpecPath = ()
    depends_on: tuple[str, ...] = ()
    # Attributes the deployed resource may drift on without being replaced (e.g. the AMI).
    ignore_changes: tuple[str, ...] = ()
    create_before_destroy: bool = False


@dataclass(frozen=True)
class InputDef:
    name: str
    description: str
    default: str


@dataclass(frozen=True)
class Output:
    name: str
    value: Any
    description: str
    origin: SpecPath = ()
    # Another stack or configuration would read it (CloudFormation exports it by name).
    export: bool = False


@dataclass
class Graph:
    name: str
    region: str
    mode: str
    nodes: dict[str, Node] = field(default_factory=dict)
    inputs: dict[str, InputDef] = field(default_factory=dict)
    outputs: dict[str, Output] = field(default_factory=dict)
    # Spec errors found while lowering (two buckets with one name); check() reports them.
    problems: list[Diagnostic] = field(default_factory=list)

    def add(self, node: Node) -> Node:
        if node.id in self.nodes:
            raise ValueError(f"duplicate node id {node.id!r}")  # a lowering bug, not user input
        self.nodes[node.id] = node
        return node

    def output(self, name: str, value: Any, description: str, origin: SpecPath = (), *,
               export: bool = False) -> None:
        self.outputs[name] = Output(name, value, description, origin, export)

    def literal(self, created: Callable[[str], tuple] | None = None) -> "Graph":
        """A copy with every :class:`Pseudo` value resolved for the spec's region (see
        :func:`literal`); ``created(node_id)`` gives a node's parts for its "created" value."""
        import dataclasses

        nodes = {nid: dataclasses.replace(n, props=literal(n.props, created(nid) if created
                                                           else ()))
                 for nid, n in self.nodes.items()}
        outputs = {name: dataclasses.replace(o, value=literal(o.value))
                   for name, o in self.outputs.items()}
        return Graph(self.name, self.region, self.mode, nodes, dict(self.inputs), outputs)

    def counts(self) -> tuple[int, int]:
        """(resources, lookups): lookups are read-only data sources, not resources."""
        from s0c.catalogue import KINDS

        lookups = sum(1 for node in self.nodes.values() if KINDS[node.kind].lookup)
        return len(self.nodes) - lookups, lookups

    def dependencies(self, node: Node) -> set[str]:
        deps = {ref.node for ref in iter_refs(node.props)}
        deps.update(node.depends_on)
        deps.discard(node.id)
        return deps

    def ordered(self) -> list[Node]:
        """Topological order, ties broken by the order lowering added nodes (network first, then
        what depends on it), so every backend sees the same, readable sequence."""
        import heapq

        rank = {nid: index for index, nid in enumerate(self.nodes)}
        deps = {nid: self.dependencies(n) & self.nodes.keys() for nid, n in self.nodes.items()}
        users: dict[str, set[str]] = {nid: set() for nid in self.nodes}
        for nid, ds in deps.items():
            for d in ds:
                users[d].add(nid)
        ready = [(rank[nid], nid) for nid, ds in deps.items() if not ds]
        heapq.heapify(ready)
        remaining = {nid: len(ds) for nid, ds in deps.items()}
        order: list[Node] = []
        while ready:
            _, nid = heapq.heappop(ready)
            order.append(self.nodes[nid])
            for user in sorted(users[nid]):
                remaining[user] -= 1
                if remaining[user] == 0:
                    heapq.heappush(ready, (rank[user], user))
        if len(order) != len(self.nodes):
            stuck = sorted(set(self.nodes) - {n.id for n in order})
            raise ValueError(f"dependency cycle among {stuck}")
        return order

    def check(self) -> list[Diagnostic]:
        """Every reference resolves to a node and to an attribute that node's kind exports."""
        from s0c.catalogue import KINDS

        out: list[Diagnostic] = list(self.problems)
        for node in self.nodes.values():
            if node.kind not in KINDS:
                out.append(error("S0C-GRAPH", f"{node.id}: unknown kind {node.kind!r}", node.origin))
                continue
            for value in _walk(node.props):
                if isinstance(value, Ref):
                    out.extend(self._check_ref(node.id, value, node.origin))
                elif isinstance(value, Input) and value.name not in self.inputs:
                    out.append(error("S0C-GRAPH", f"{node.id}: unknown input {value.name!r}",
                                     node.origin))
            for dep in node.depends_on:
                if dep not in self.nodes:
                    out.append(error("S0C-GRAPH", f"{node.id}: depends on missing node {dep!r}",
                                     node.origin))
        for output in self.outputs.values():
            for ref in iter_refs(output.value):
                out.extend(self._check_ref(f"output {output.name}", ref, output.origin))
        return out

    def _check_ref(self, where: str, ref: Ref, origin: SpecPath) -> list[Diagnostic]:
        from s0c.catalogue import KINDS

        target = self.nodes.get(ref.node)
        if target is None:
            return [error("S0C-GRAPH", f"{where}: reference to missing node {ref.node!r}", origin)]
        if ref.attr not in KINDS[target.kind].attrs:
            return [error("S0C-GRAPH", f"{where}: {target.kind} {ref.node!r} has no attribute"
                          f" {ref.attr!r}", origin)]
        return []


def _walk(value: Any) -> Iterator[Any]:
    """``value`` and everything inside it, depth first, each before its contents. A stack, not
    nested generators: a value deep in a user-data template would pass through every level."""
    stack = [value]
    while stack:
        value = stack.pop()
        yield value
        if isinstance(value, str):
            continue
        if isinstance(value, dict):
            stack.extend(reversed(value.values()))
        elif isinstance(value, (list, tuple)):
            stack.extend(reversed(value))
        elif isinstance(value, Template):
            stack.append(value.parts)
        elif isinstance(value, Json):
            stack.append(value.value)


def iter_refs(value: Any) -> Iterator[Ref]:
    return (v for v in _walk(value) if isinstance(v, Ref))
