"""s0c's plugin hooks (pluggy). Every hook is prefixed ``s0c_``; registration is by callback,
so one plugin module may contribute several backends or rules.

A backend is any object with:

* ``name: str`` - what users pass to ``--backend``;
* ``description: str`` - one line for ``s0c backends``;
* ``emit(graph) -> tuple[dict[str, str], list[Diagnostic]]`` - relative path -> file text, and
  diagnostics for whatever the target cannot express (never an exception).
"""

from __future__ import annotations

from typing import Any, Callable, Protocol

import pluggy

from s0c.spec.diagnostics import Diagnostic

from s0c.compiler.graph import Graph

hookspec = pluggy.HookspecMarker("s0c")
hookimpl = pluggy.HookimplMarker("s0c")


class Backend(Protocol):
    name: str
    description: str

    def emit(self, graph: Graph) -> tuple[dict[str, str], list[Diagnostic]]: ...


@hookspec
def s0c_register_backends(register: Callable[[Backend], None]) -> None:
    """Call ``register(backend)`` once for every backend this plugin provides."""


@hookspec
def s0c_register_policies(register: Callable[[Any], None]) -> None:
    """Call ``register(rule)`` once for every policy rule this plugin provides."""
