"""`s0c graph`: the resource graph as Mermaid and DOT. The Mermaid text is read back with a small
parser of the subset the module writes (boxes, nodes, edges, class lines) and compared with the
graph itself; renderers (mmdc, Graphviz) are used only when they are already installed."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pytest
from click.testing import CliRunner

from s0c.catalogue import KINDS
from s0c.cli.graph import graph as graph_command
from s0c.compiler.diagram import dot, mermaid
from s0c.compiler.graph import Graph, Node, Ref, iter_refs
from tests.specs import EXAMPLES, compile_data, poc_data

POC = str(EXAMPLES / "poc.yaml")
BAD = str(Path(__file__).resolve().parent.parent / "golden" / "bad_spec" / "input.yaml")


@lru_cache(maxsize=1)
def _poc_graph() -> Graph:
    result = compile_data(poc_data())
    assert result.ok and result.graph is not None
    return result.graph


def drawn_ids(graph: Graph) -> set[str]:
    return {nid for nid, node in graph.nodes.items() if not KINDS[node.kind].lookup}


def expected_edges(graph: Graph) -> set[tuple[str, str]]:
    """Written from the graph's definition, not from the module: referenced -> referrer."""
    drawn = drawn_ids(graph)
    out = set()
    for nid in drawn:
        node = graph.nodes[nid]
        for target in [ref.node for ref in iter_refs(node.props)] + list(node.depends_on):
            if target in drawn and target != nid:
                out.add((target, nid))
    return out


@dataclass
class Chart:
    boxes: list[tuple[int, str, str]] = field(default_factory=list)  # (depth, id, label)
    nodes: list[tuple[str, str, str | None]] = field(default_factory=list)  # (id, label, box)
    edges: list[tuple[str, str]] = field(default_factory=list)
    class_defs: dict[str, str] = field(default_factory=dict)
    classes: dict[str, str] = field(default_factory=dict)  # node -> class


def parse(text: str) -> Chart:
    lines = text.splitlines()
    assert lines[0] == "flowchart LR" and text.endswith("\n")
    chart, stack = Chart(), []
    for line in lines[1:]:
        stripped = line.strip()
        if m := re.fullmatch(r'subgraph (g_\w+)\["([^"]*)"\]', stripped):
            chart.boxes.append((len(stack), m[1], m[2]))
            stack.append(m[1])
        elif stripped == "end":
            stack.pop()
        elif m := re.fullmatch(r'n_(\w+)\["([^"]*)"\]', stripped):
            chart.nodes.append((m[1], m[2], stack[-1] if stack else None))
        elif m := re.fullmatch(r"n_(\w+) --> n_(\w+)", stripped):
            chart.edges.append((m[1], m[2]))
        elif m := re.fullmatch(r"classDef (\w+) (\S+)", stripped):
            chart.class_defs[m[1]] = m[2]
        elif m := re.fullmatch(r"class ([\w,]+) (\w+)", stripped):
            for member in m[1].split(","):
                assert member.startswith("n_") and member[2:] not in chart.classes
                chart.classes[member[2:]] = m[2]
        else:
            pytest.fail(f"unexpected line {line!r}")
    assert not stack, "unclosed subgraph"
    return chart


def test_poc_chart_has_every_resource_once_in_its_concern() -> None:
    graph = _poc_graph()
    chart = parse(mermaid(graph))
    ids = [nid for nid, _, _ in chart.nodes]
    assert len(ids) == len(set(ids))
    assert set(ids) == drawn_ids(graph)
    assert "azs" not in ids and "ami" not in ids  # lookups are left out
    concerns = {KINDS[graph.nodes[nid].kind].concern for nid in drawn_ids(graph)}
    top = [(box, label) for depth, box, label in chart.boxes if depth == 0]
    assert sorted(label for _, label in top) == sorted(concerns)
    assert [box for box, _ in top] == [f"g_{label}" for _, label in top]
    box_concern = {box: label for box, label in top}
    for depth, box, _ in chart.boxes:
        if depth == 1:
            box_concern[box] = "network"
    for nid, label, box in chart.nodes:
        assert label == f"{nid}<br/>{graph.nodes[nid].kind}"
        assert box_concern[box] == KINDS[graph.nodes[nid].kind].concern


def test_poc_network_is_split_by_availability_zone() -> None:
    chart = parse(mermaid(_poc_graph()))
    zones = {label: box for depth, box, label in chart.boxes if depth == 1}
    assert sorted(zones) == ["AZ azs.names[0]", "AZ azs.names[1]"]
    where = {nid: box for nid, _, box in chart.nodes}
    first, second = zones["AZ azs.names[0]"], zones["AZ azs.names[1]"]
    assert {n for n, b in where.items() if b == first} == {
        "public_a", "private_a", "nat_a", "public_a_rta", "private_a_rta"}
    assert {n for n, b in where.items() if b == second} == {
        "public_b", "private_b", "public_b_rta", "private_b_rta"}
    assert where["vpc"] == "g_network" and where["host"] == "g_compute"


def test_poc_edges_are_the_references_deduplicated_and_sorted() -> None:
    graph = _poc_graph()
    chart = parse(mermaid(graph))
    assert chart.edges == sorted(set(chart.edges))
    assert set(chart.edges) == expected_edges(graph)
    assert ("vpc", "public_a") in chart.edges and ("igw", "nat_a") in chart.edges  # depends_on


def test_deterministic() -> None:
    graph = _poc_graph()
    again = compile_data(poc_data()).graph
    assert again is not None
    assert mermaid(graph) == mermaid(graph) == mermaid(again)
    assert dot(graph) == dot(again)


def test_marks_become_classes_and_deleted_nodes_are_drawn() -> None:
    marks = {"host": "replace", "db": "data-loss", "sg_app": "update", "budget": "create",
             "alb": "interrupt", "old_bucket": "delete"}
    chart = parse(mermaid(_poc_graph(), marks=marks))
    assert chart.classes == {nid: "mark_" + mark.replace("-", "_") for nid, mark in marks.items()}
    assert set(chart.class_defs) == {"mark_create", "mark_update", "mark_interrupt",
                                     "mark_replace", "mark_delete", "mark_data_loss"}
    assert "#2b8a3e" in chart.class_defs["mark_create"]  # green
    assert "#1c7ed6" in chart.class_defs["mark_update"]  # blue
    assert "#e8590c" in chart.class_defs["mark_interrupt"]  # orange
    for red in ("mark_replace", "mark_delete", "mark_data_loss"):
        assert "#c92a2a" in chart.class_defs[red]
    assert "stroke-width:4px" in chart.class_defs["mark_data_loss"]
    assert ("old_bucket", "old_bucket", None) in chart.nodes  # outside every box, just its id
    assert [n for n, _, _ in chart.nodes].count("old_bucket") == 1


def test_unmarked_chart_has_no_class_lines() -> None:
    text = mermaid(_poc_graph())
    assert "classDef" not in text and "\n  class " not in text


def test_unknown_mark_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown mark"):
        mermaid(_poc_graph(), marks={"host": "explode"})


def test_only_draws_the_nodes_and_their_neighbours() -> None:
    graph = _poc_graph()
    only = {"db", "old_bucket"}
    chart = parse(mermaid(graph, marks={"db": "replace", "old_bucket": "delete"}, only=only))
    edges = expected_edges(graph)
    neighbours = {b for a, b in edges if a == "db"} | {a for a, b in edges if b == "db"}
    assert neighbours >= {"db_subnets", "sg_db", "host", "db_cpu_alarm"}
    assert {nid for nid, _, _ in chart.nodes} == only | neighbours
    assert set(chart.edges) == {(a, b) for a, b in edges if "db" in (a, b)}
    assert chart.classes == {"db": "mark_replace", "old_bucket": "mark_delete"}
    top = {label for depth, _, label in chart.boxes if depth == 0}
    assert "budget" not in top  # concerns with nothing to draw get no box


def test_labels_and_ids_are_mermaid_safe() -> None:
    # A node named like a concern (`cache`) or a Mermaid keyword (`end`), and a label that
    # would end its quotes: prefixes keep ids apart, entities keep labels whole.
    graph = Graph("x", "us-east-1", "development")
    graph.add(Node("cache", "cache_replication_group", {}))
    graph.add(Node("end", 'we"ird<kind>#1', {"x": Ref("cache", "id")}))
    text = mermaid(graph)
    chart = parse(text)
    assert ("end", "end<br/>we#quot;ird#lt;kind#gt;#35;1", "g_other") in chart.nodes
    assert chart.edges == [("cache", "end")]
    assert 'subgraph g_cache["cache"]' in text and 'n_cache["cache<br/>' in text
    with pytest.raises(ValueError, match="not made of"):
        mermaid(graph, marks={"bad id": "delete"})


def _dot_structure(text: str) -> tuple[list[str], list[str], list[tuple[str, str]]]:
    depth, clusters, nodes, edges = 0, [], [], []
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        assert depth >= 0
    assert depth == 0
    for line in text.splitlines():
        stripped = line.strip()
        if m := re.fullmatch(r"subgraph (cluster_\w+) \{", stripped):
            clusters.append(m[1])
        elif m := re.fullmatch(r'"(\w+)" \[label="(\w+)\\n(\w+)"\];', stripped):
            assert m[1] == m[2]
            nodes.append(m[1])
        elif m := re.fullmatch(r'"(\w+)" -> "(\w+)";', stripped):
            edges.append((m[1], m[2]))
    return clusters, nodes, edges


def test_dot_has_a_cluster_per_concern_and_the_same_edges() -> None:
    graph = _poc_graph()
    text = dot(graph)
    assert text.startswith('digraph "smart-0dte-poc" {\n') and text.endswith("}\n")
    clusters, nodes, edges = _dot_structure(text)
    concerns = {KINDS[graph.nodes[nid].kind].concern for nid in drawn_ids(graph)}
    for concern in concerns:
        assert clusters.count(f"cluster_{concern}") == 1
    assert sorted(clusters) == sorted([f"cluster_{c}" for c in concerns]
                                      + ["cluster_network_az0", "cluster_network_az1"])
    assert sorted(nodes) == sorted(drawn_ids(graph))
    assert edges == sorted(expected_edges(graph))
    assert edges == parse(mermaid(graph)).edges


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_graphviz_accepts_the_dot(tmp_path: Path) -> None:
    done = subprocess.run(["dot", "-Tsvg"], input=dot(_poc_graph()), capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr


@pytest.mark.skipif(shutil.which("mmdc") is None, reason="mermaid-cli (mmdc) is not installed")
def test_mmdc_renders_the_chart(tmp_path: Path) -> None:
    source = tmp_path / "poc.mmd"
    source.write_text(mermaid(_poc_graph(), marks={"host": "replace", "gone": "delete"}))
    done = subprocess.run(["mmdc", "-i", str(source), "-o", str(tmp_path / "poc.svg")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "poc.svg").stat().st_size > 0


# --- the command -----------------------------------------------------------------------------

def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(graph_command, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_cli_prints_mermaid_for_the_poc() -> None:
    code, out, err = run(POC)
    assert code == 0, err
    assert out == mermaid(_poc_graph())


def test_cli_dot_to_a_file(tmp_path: Path) -> None:
    target = tmp_path / "out" / "poc.dot"
    code, out, err = run(POC, "--format", "dot", "-o", str(target))
    assert code == 0, err
    assert out == ""
    assert target.read_text() == dot(_poc_graph())


def test_cli_bad_spec_exits_2_with_positions() -> None:
    code, out, err = run(BAD)
    assert code == 2 and out == ""
    assert re.search(r"input\.yaml:14:8: S0C-SCHEMA \[error\] network\.nat", err)


def test_cli_missing_file_exits_2() -> None:
    code, _, err = run("does-not-exist.yaml")
    assert code == 2 and err


def test_cli_rejects_an_unknown_format() -> None:
    code, _, _ = run(POC, "--format", "png")
    assert code == 2
