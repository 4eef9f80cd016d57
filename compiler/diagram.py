"""The resource graph as a diagram: Mermaid (renders in GitHub, GitLab and most Markdown) or DOT.

Nodes are boxed by concern, the catalogue's own grouping (the same one the Terraform backend
uses for its file names), and network nodes further by availability zone, so the picture reads
like the README's description of the environment. An arrow points from a node to each node
that references it (``vpc --> public_a``): with ``LR`` the foundations sit on the left and the
deploy order reads left to right. Lookups (data sources) are not drawn: they are read, never
built, and every subnet's arrow from the AZ lookup would only add noise.

Everything is sorted, so the same graph always gives the same text (diagrams are committed and
diffed in reviews).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from s0c.catalogue import KINDS

from .graph import Graph, Node, Ref

# mark -> Mermaid style. Deletion is red like replacement but dashed (the box is going away);
# data loss is red with a thick border, the one change a reviewer must not miss.
MARK_STYLES: dict[str, str] = {
    "create": "fill:#d3f9d8,stroke:#2b8a3e,color:#000",
    "update": "fill:#d0ebff,stroke:#1c7ed6,color:#000",
    "interrupt": "fill:#ffe8cc,stroke:#e8590c,color:#000",
    "replace": "fill:#ffe3e3,stroke:#c92a2a,color:#000",
    "delete": "fill:#ffe3e3,stroke:#c92a2a,color:#000,stroke-dasharray:5",
    "data-loss": "fill:#ffc9c9,stroke:#c92a2a,color:#000,stroke-width:4px",
}

# Kinds outside the catalogue cannot come from lowering (Graph.check rejects them), but a
# diagram of a hand-built graph should still draw rather than raise.
OTHER = "other"

# Concerns in catalogue order (network first, budget last), which is also roughly deploy order.
_CONCERN_ORDER: dict[str, int] = {
    concern: rank for rank, concern in enumerate(dict.fromkeys(k.concern for k in KINDS.values()))
}

_ID = re.compile(r"[A-Za-z0-9_]+")


@dataclass
class _Group:
    """One box: a concern, or an availability zone inside the network box."""

    name: str  # a safe identifier part: the concern, or "<concern>_az<n>"
    label: str
    nodes: list[str] = field(default_factory=list)
    children: list["_Group"] = field(default_factory=list)


@dataclass
class _Layout:
    groups: list[_Group]
    loose: list[str]  # drawn outside every box: marked ids that are not in the graph
    edges: list[tuple[str, str]]  # (referenced, referrer), sorted


def _concern(node: Node) -> str:
    kind = KINDS.get(node.kind)
    return kind.concern if kind else OTHER


def _is_lookup(node: Node) -> bool:
    kind = KINDS.get(node.kind)
    return bool(kind and kind.lookup)


def _az_key(value: Any) -> tuple[int, int, str] | None:
    """A sortable key for an ``availability_zone`` value: lowering writes ``azs.names[i]``; a
    literal zone name is accepted too. Anything else (an input, a template) is not grouped."""
    if isinstance(value, Ref) and value.index is not None:
        return (0, value.index, f"{value.node}.{value.attr}[{value.index}]")
    if isinstance(value, str):
        return (1, 0, value)
    return None


def _az_of(graph: Graph, node: Node) -> tuple[int, int, str] | None:
    """The AZ a node sits in: its own (a subnet), or that of the one subnet it names in
    ``subnet_id`` (a NAT gateway, a route table association). One hop only: simple and enough
    for everything lowering places in a subnet."""
    own = _az_key(node.props.get("availability_zone"))
    if own is not None:
        return own
    subnet = node.props.get("subnet_id")
    if isinstance(subnet, Ref) and subnet.node in graph.nodes:
        return _az_key(graph.nodes[subnet.node].props.get("availability_zone"))
    return None


def _az_label(key: tuple[int, int, str]) -> str:
    # Zone names are only known at deploy time: name the lookup entry (``AZ azs.names[0]``).
    return f"AZ {key[2]}"


def _edges(graph: Graph, drawn: Iterable[str]) -> list[tuple[str, str]]:
    """One edge per referencing pair, however many props or depends_on entries link them."""
    drawn = set(drawn)
    pairs = {(dep, nid) for nid in drawn for dep in graph.dependencies(graph.nodes[nid])
             if dep in drawn}
    return sorted(pairs)


def _layout(graph: Graph, marks: dict[str, str], only: set[str] | None) -> _Layout:
    for nid, mark in marks.items():
        if mark not in MARK_STYLES:
            raise ValueError(f"{nid}: unknown mark {mark!r} (one of {', '.join(MARK_STYLES)})")
    drawable = sorted(nid for nid, node in graph.nodes.items() if not _is_lookup(node))
    # A deleted resource is no longer in the graph, but the diff still has to show it.
    ghosts = sorted(nid for nid in marks if nid not in graph.nodes)
    for nid in [*drawable, *ghosts]:
        if not _ID.fullmatch(nid):  # lowering's ids always match; a caller's marks might not
            raise ValueError(f"node id {nid!r} is not made of letters, digits and '_'")
    edges = _edges(graph, drawable)

    if only is not None:
        selected = only & (set(drawable) | set(ghosts))
        # Keep the edges that touch a selected node: its neighbours are context, the edges
        # among the neighbours themselves are not what changed.
        edges = [(a, b) for a, b in edges if a in selected or b in selected]
        keep = selected | {n for edge in edges for n in edge}
        drawable = [nid for nid in drawable if nid in keep]
        ghosts = [nid for nid in ghosts if nid in keep]

    by_concern: dict[str, _Group] = {}
    zones: dict[tuple[int, int, str], list[str]] = {}
    for nid in drawable:
        node = graph.nodes[nid]
        concern = _concern(node)
        group = by_concern.setdefault(concern, _Group(concern, concern))
        az = _az_of(graph, node) if concern == "network" else None
        if az is None:
            group.nodes.append(nid)
        else:
            zones.setdefault(az, []).append(nid)
    if zones:
        network = by_concern.setdefault("network", _Group("network", "network"))
        network.children = [_Group(f"network_az{rank}", _az_label(key), zones[key])
                            for rank, key in enumerate(sorted(zones))]
    groups = sorted(by_concern.values(),
                    key=lambda g: (_CONCERN_ORDER.get(g.name, len(_CONCERN_ORDER)), g.name))
    return _Layout(groups, ghosts, edges)


# --- Mermaid ---------------------------------------------------------------------------------

def _mermaid_text(text: str) -> str:
    """Text inside a quoted Mermaid label: '#' first (it starts every entity), then the
    characters that would end the label or be read as HTML."""
    for char, entity in (("#", "#35;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;")):
        text = text.replace(char, entity)
    return text


# Node and box ids get distinct prefixes: a node may share its name with a concern (the PoC's
# `cache` and `budget`) or with a Mermaid keyword (`end`), and either would break the chart.
def _mid(node_id: str) -> str:
    return f"n_{node_id}"


def _gid(group: _Group) -> str:
    return f"g_{group.name}"


def mermaid(graph: Graph, marks: dict[str, str] | None = None,
            only: set[str] | None = None) -> str:
    """``graph`` as a Mermaid ``flowchart LR``.

    ``marks`` maps node ids to a change ("create", "update", "interrupt", "replace", "delete",
    "data-loss") drawn as a style; a marked id not in the graph (a deleted resource) is drawn
    on its own. ``only`` draws just those ids and their direct neighbours (a diff's view).
    """
    marks = marks or {}
    layout = _layout(graph, marks, only)
    lines = ["flowchart LR"]

    def node_line(nid: str, indent: str) -> str:
        node = graph.nodes.get(nid)
        label = _mermaid_text(nid) if node is None else \
            f"{_mermaid_text(nid)}<br/>{_mermaid_text(node.kind)}"
        return f'{indent}{_mid(nid)}["{label}"]'

    def emit(group: _Group, indent: str) -> None:
        lines.append(f'{indent}subgraph {_gid(group)}["{_mermaid_text(group.label)}"]')
        lines.extend(node_line(nid, indent + "  ") for nid in group.nodes)
        for child in group.children:
            emit(child, indent + "  ")
        lines.append(f"{indent}end")

    for group in layout.groups:
        emit(group, "  ")
    lines.extend(node_line(nid, "  ") for nid in layout.loose)
    lines.extend(f"  {_mid(a)} --> {_mid(b)}" for a, b in layout.edges)

    drawn = {nid for g in layout.groups for nid in _members(g)} | set(layout.loose)
    used = {mark for nid, mark in marks.items() if nid in drawn}
    for mark, style in MARK_STYLES.items():  # fixed order, only the marks in use
        if mark in used:
            lines.append(f"  classDef {_class(mark)} {style}")
    for mark in MARK_STYLES:
        members = sorted(nid for nid, m in marks.items() if m == mark and nid in drawn)
        if members:
            lines.append(f"  class {','.join(_mid(n) for n in members)} {_class(mark)}")
    return "\n".join(lines) + "\n"


def _class(mark: str) -> str:
    return "mark_" + mark.replace("-", "_")  # a '-' in a class name is not safe in every parser


def _members(group: _Group) -> Iterable[str]:
    yield from group.nodes
    for child in group.children:
        yield from _members(child)


# --- DOT -------------------------------------------------------------------------------------

def _dot_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def dot(graph: Graph) -> str:
    """``graph`` as Graphviz DOT: a ``cluster_<concern>`` per concern (``cluster_network_az<n>``
    inside the network one) and the same edges as :func:`mermaid`."""
    layout = _layout(graph, {}, None)
    lines = [f'digraph "{_dot_text(graph.name)}" {{', "  rankdir=LR;",
             '  node [shape=box, fontname="Helvetica"];']

    def emit(group: _Group, indent: str) -> None:
        lines.append(f"{indent}subgraph cluster_{group.name} {{")
        lines.append(f'{indent}  label="{_dot_text(group.label)}";')
        for nid in group.nodes:
            kind = graph.nodes[nid].kind
            # "\n" here is DOT's own line break inside a label, not a Python newline.
            lines.append(f'{indent}  "{_dot_text(nid)}" [label="{_dot_text(nid)}\\n'
                         f'{_dot_text(kind)}"];')
        for child in group.children:
            emit(child, indent + "  ")
        lines.append(f"{indent}}}")

    for group in layout.groups:
        emit(group, "  ")
    lines.extend(f'  "{_dot_text(a)}" -> "{_dot_text(b)}";' for a, b in layout.edges)
    lines.append("}")
    return "\n".join(lines) + "\n"
