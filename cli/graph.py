"""`s0c graph`: the compiled resource graph as a Mermaid or Graphviz diagram."""

from __future__ import annotations

import sys

import click

from .common import EXIT_BAD_INPUT, EXIT_OK, emit, report


@click.command("graph")
@click.argument("spec", type=click.Path(dir_okay=False))
@click.option("--format", "-f", "fmt", type=click.Choice(["mermaid", "dot"]), default="mermaid",
              show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False),
              help="Write the diagram to a file instead of standard output.")
def graph(spec: str, fmt: str, output: str | None) -> None:
    """Draw SPEC's resource graph: one box per concern (network split by availability zone),
    an arrow from each resource to those that reference it. Lookups are left out.

    Mermaid renders in GitHub and GitLab Markdown; DOT goes to Graphviz (`dot -Tsvg`).
    Exit 2 when the spec is not valid.
    """
    from s0c.compiler.diagram import dot, mermaid
    from s0c.compiler.pipeline import build_graph

    result = build_graph(spec)
    report(result.source, result.diagnostics)
    if result.graph is None or not result.ok:
        sys.exit(EXIT_BAD_INPUT)
    text = mermaid(result.graph) if fmt == "mermaid" else dot(result.graph)
    emit(output, text)  # atomic: a diagram committed to docs is never half written
    sys.exit(EXIT_OK)
