"""load -> validate -> lower -> policies -> emit, as library functions the CLI and the tests share."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pluggy

from s0c.spec.checks import read_public_key
from s0c.spec.diagnostics import Diagnostic, has_errors
from s0c.spec.loader import SourceMap, load_file, load_text
from s0c.spec.models import Spec
from s0c.spec.validate import validate

from .graph import Graph
from .lower import lower
from s0c.plugins.manager import backends, make_plugin_manager

if TYPE_CHECKING:
    from s0c.cost.prices import PriceTable
    from s0c.policies.engine import Report


@dataclass
class Result:
    source: SourceMap
    diagnostics: list[Diagnostic] = field(default_factory=list)
    spec: Spec | None = None
    graph: Graph | None = None
    files: dict[str, str] = field(default_factory=dict)
    report: "Report | None" = None
    # The price table in effect: --prices, else the spec's cost.prices, else None (s0c's own).
    prices: "PriceTable | None" = None

    @property
    def ok(self) -> bool:
        return not has_errors(self.diagnostics)


def _spec_prices(spec: Spec, base_dir: str) -> tuple["PriceTable | None", list[Diagnostic]]:
    if spec.cost.prices is None:
        return None, []
    import os

    from s0c.cost.price_file import PriceFileError, read_price_file
    from s0c.spec.diagnostics import error

    try:
        return read_price_file(os.path.join(base_dir, spec.cost.prices)), []
    except PriceFileError as exc:
        return None, [error("S0C-PRICES", f"price file {spec.cost.prices!r}: {exc}",
                            ("cost", "prices"))]


def build_graph(path: str, *, text: str | None = None, base_dir: str = ".",
                prices: "PriceTable | None" = None) -> Result:
    """Spec file (or text) -> validated spec and resource graph, or positioned diagnostics.

    ``prices`` (a price file the user named on the command line) wins over the spec's own
    ``cost.prices``."""
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
    result.prices, problems = (prices, []) if prices is not None else \
        _spec_prices(spec, document.base_dir)
    result.diagnostics += problems
    if problems:
        return result
    result.spec = spec
    result.graph, problems = lower(spec, public_key)
    result.diagnostics += problems
    return result


class UnknownBackend(ValueError):
    """The requested backend is not installed (a usage error, not a spec error)."""


def lint_spec(path: str, *, today: datetime.date, text: str | None = None, base_dir: str = ".",
              pm: pluggy.PluginManager | None = None,
              prices: "PriceTable | None" = None) -> Result:
    """Build the graph, then run every registered policy rule; ``result.report`` holds them.

    ``today`` decides which suppressions have expired (only the CLI reads the clock).
    """
    from s0c.policies.engine import registered_rules, run

    rules = registered_rules(pm or make_plugin_manager())
    result = build_graph(path, text=text, base_dir=base_dir, prices=prices)
    if result.spec is not None and result.graph is not None and result.ok:
        result.report = run(result.spec, result.graph, rules, today, prices=result.prices)
    return result


def compile_spec(path: str, backend: str, *, text: str | None = None, base_dir: str = ".",
                 pm: pluggy.PluginManager | None = None,
                 policies_as_of: datetime.date | None = None, enforce: bool = True) -> Result:
    """Compile with ``backend``. With ``policies_as_of``, the policy rules run first (their
    findings land in ``result.report``) and, if ``enforce``, an error-level finding stops the
    compile before anything is emitted."""
    pm = pm or make_plugin_manager()
    available = backends(pm)
    if backend not in available:
        raise UnknownBackend(f"{backend!r} is not installed (available:"
                             f" {', '.join(available) or 'none'})")
    if policies_as_of is None:
        result = build_graph(path, text=text, base_dir=base_dir)
    else:
        result = lint_spec(path, today=policies_as_of, text=text, base_dir=base_dir, pm=pm)
    if result.graph is None or not result.ok:
        return result
    if enforce and result.report is not None and has_errors(result.report.findings):
        return result
    files, problems = available[backend].emit(result.graph)
    result.diagnostics += problems
    if result.ok:
        result.files = dict(sorted(files.items()))
    return result
