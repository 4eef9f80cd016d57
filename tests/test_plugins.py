"""Backends are pluggy plugins found through the `s0c.backends` entry-point group."""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest

from s0c.compiler.graph import Graph
from s0c.plugins.hookspecs import hookimpl
from s0c.plugins.manager import PluginError, backends, make_plugin_manager
from tests.specs import compile_data, poc_data


BUILT_IN = {"terraform": "s0c.backends.terraform",
            "cloudformation": "s0c.backends.cloudformation",
            "boto3": "s0c.backends.boto3_plan"}


def test_built_in_backends_register_through_the_entry_point_group() -> None:
    names = {ep.name: ep.value for ep in entry_points(group="s0c.backends")}
    assert {k: names.get(k) for k in BUILT_IN} == BUILT_IN
    pm = make_plugin_manager()
    for name in BUILT_IN:
        assert pm.has_plugin(f"backend:{name}")
    assert sorted(backends(pm)) == sorted(BUILT_IN)
    assert backends(make_plugin_manager(load_entry_points=False)) == {}


class CountingBackend:
    name = "count"
    description = "counts nodes by kind"

    def emit(self, graph: Graph):
        kinds: dict[str, int] = {}
        for node in graph.nodes.values():
            kinds[node.kind] = kinds.get(node.kind, 0) + 1
        return {"kinds.txt": "".join(f"{k} {v}\n" for k, v in sorted(kinds.items()))}, []


class ThirdParty:
    @hookimpl
    def s0c_register_backends(self, register) -> None:
        register(CountingBackend())


def test_a_third_party_backend_reads_the_same_graph() -> None:
    from s0c.compiler.pipeline import compile_spec
    from tests.specs import EXAMPLES, dump

    pm = make_plugin_manager([ThirdParty()])
    assert list(backends(pm)) == ["boto3", "cloudformation", "count", "terraform"]
    result = compile_spec("poc.yaml", "count", text=dump(poc_data()), base_dir=str(EXAMPLES),
                          pm=pm)
    assert result.ok and "subnet 4\n" in result.files["kinds.txt"]


def test_duplicate_backend_names_fail_loudly() -> None:
    class Twin:
        @hookimpl
        def s0c_register_backends(self, register) -> None:
            register(CountingBackend())

    with pytest.raises(PluginError, match="registered twice"):
        backends(make_plugin_manager([ThirdParty(), Twin()]))


def test_graph_carries_origins() -> None:
    graph = compile_data(poc_data()).graph
    assert graph.nodes["public_b"].origin == ("network", "public_subnets", 1)
    assert graph.nodes["db"].origin == ("database",)
    assert all(node.origin for node in graph.nodes.values())
