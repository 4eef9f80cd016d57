"""The compiler's promises, over generated specs (hypothesis).

Valid specs: compile never crashes, output is deterministic, every reference resolves, the
provider schema check passes, and the graph's own invariants hold. Bad specs: always a
positioned error and exit code 2, never a traceback.
"""

from __future__ import annotations

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from s0c.cli.common import format_diagnostics
from s0c.cli.main import cli
from s0c.catalogue import KINDS
from tests import tfcheck
from tests.specs import EXAMPLES, compile_data, compile_text, dump
from tests.strategies import BREAKERS, junk_yaml, valid_specs


@given(valid_specs())
def test_valid_specs_compile_to_valid_terraform(data: dict) -> None:
    first = compile_data(data)
    assert first.ok, format_diagnostics((first.source, d) for d in first.diagnostics)
    second = compile_data(data)
    assert first.files == second.files  # deterministic, byte for byte
    graph = first.graph
    assert graph is not None and graph.check() == []
    order = [n.id for n in graph.ordered()]
    position = {nid: i for i, nid in enumerate(order)}
    for node in graph.nodes.values():
        assert all(position[d] < position[node.id] for d in graph.dependencies(node))
    parsed = tfcheck.parse_files(first.files)
    assert tfcheck.schema_problems(parsed) == []
    assert tfcheck.unresolved_references(parsed) == []
    # Every node is one resource or data block; aws_partition is the backend's own (ARNs).
    emitted = sum(1 for _, rtype, _, _ in tfcheck.resources(parsed) if rtype != "aws_partition")
    assert emitted == len(graph.nodes)
    zones = data["network"]["availability_zones"]
    kinds = [n.kind for n in graph.nodes.values()]
    assert kinds.count("subnet") == 2 * zones
    assert kinds.count("target_group") == 2 * len(data["apps"])
    assert kinds.count("nat_gateway") == {"single": 1, "per_az": zones, "none": 0}[
        data["network"]["nat"]]
    assert all(k in KINDS for k in kinds)


@given(valid_specs(), BREAKERS)
def test_broken_specs_get_positioned_errors(data: dict, breaker) -> None:
    text = dump(breaker(data))
    result = compile_text(text, name="broken.yaml")
    assert not result.ok and not result.files
    lines = format_diagnostics((result.source, d) for d in result.diagnostics)
    total = len(text.splitlines())
    for line in lines:
        file, row, col = line.split(":")[:3]
        assert file == "broken.yaml" and 1 <= int(row) <= max(total, 1) and int(col) >= 1


@given(junk_yaml)
def test_any_text_gets_diagnostics_never_a_traceback(text: str) -> None:
    result = compile_text(text, name="junk.yaml")
    assert not result.ok
    assert all(line.startswith("junk.yaml:") for line in
               format_diagnostics((result.source, d) for d in result.diagnostics))


@given(valid_specs(), BREAKERS)
def test_cli_exits_2_on_bad_specs(tmp_path_factory, data: dict, breaker) -> None:
    directory = tmp_path_factory.mktemp("spec")
    (directory / "keys").mkdir()
    (directory / "keys" / "poc.pub").write_text((EXAMPLES / "keys" / "poc.pub").read_text())
    spec = directory / "bad.yaml"
    spec.write_text(dump(breaker(data)))
    out = directory / "out"
    result = CliRunner().invoke(cli, ["compile", str(spec), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert f"{spec}:" in result.output and "Traceback" not in result.output
    assert not out.exists()


@given(st.sampled_from(["compile", "validate"]), junk_yaml)
def test_cli_never_tracebacks_on_junk(tmp_path_factory, command: str, text: str) -> None:
    spec = tmp_path_factory.mktemp("junk") / "junk.yaml"
    spec.write_text(text)
    result = CliRunner().invoke(cli, [command, str(spec)])
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)
