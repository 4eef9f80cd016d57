"""load -> validate -> lower -> emit, as library functions the CLI and the tests share."""

from __future__ import annotations

from dataclasses import dataclass, field

import pluggy

from s0c.spec.checks import read_public_key
from s0c.spec.diagnostics import Diagnostic, has_errors
from s0c.spec.loader import SourceMap, load_file, load_text
from s0c.spec.models import Spec
from s0c.spec.validate import validate

from .graph import Graph
from .lower import lower
from .plugins import backends, make_plugin_manager


@dataclass
class Result:
    source: SourceMap
    diagnostics: list[Diagnostic] = field(default_factory=list)
    spec: Spec | None = None
    graph: Graph | None = None
    files: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not has_errors(self.diagnostics)


def build_graph(path: str, *, text: str | None = None, base_dir: str = ".") -> Result:
    """Spec file (or text) -> validated spec and resource graph, or positioned diagnostics."""
    if text is None:
        document, diagnostics, source = load_file(path)
    else:
        document, diagnostics = load_text(text, path, base_dir)
        source = document.source if document else SourceMap(path)
    result = Result(source, diagnostics)
    if document is None:
        return result
    spec, problems = validate(document)
    result.diagnostics += problems
    if spec is None:
        return result
    public_key, problems = read_public_key(spec, document.base_dir)
    result.diagnostics += problems
    if problems:
        return result
    result.spec = spec
    result.graph, problems = lower(spec, public_key)
    result.diagnostics += problems
    return result


class UnknownBackend(ValueError):
    """The requested backend is not installed (a usage error, not a spec error)."""


def compile_spec(path: str, backend: str, *, text: str | None = None, base_dir: str = ".",
                 pm: pluggy.PluginManager | None = None) -> Result:
    available = backends(pm or make_plugin_manager())
    if backend not in available:
        raise UnknownBackend(f"{backend!r} is not installed (available:"
                             f" {', '.join(available) or 'none'})")
    result = build_graph(path, text=text, base_dir=base_dir)
    if result.graph is None or not result.ok:
        return result
    files, problems = available[backend].emit(result.graph)
    result.diagnostics += problems
    if result.ok:
        result.files = dict(sorted(files.items()))
    return result
