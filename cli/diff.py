"""``s0c diff OLD NEW``: what switching from OLD to NEW creates, changes, interrupts, replaces or
deletes, what data is at risk, and what it costs.

Exit codes: 0 no change at or above ``--fail-on``; 1 there is one (or NEW goes live without
``--allow-live``); 2 bad input or usage; 3 internal error.
"""

from __future__ import annotations

import datetime
import sys
import tempfile

import click

from .common import (EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, emit, load_prices, plugin_manager,
                     prices_option, print_styled, report)

BACKENDS = ("terraform", "cloudformation", "boto3")


@click.command()
@click.argument("old")
@click.argument("new")
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "markdown", "json"]),
              default="text", show_default=True)
@click.option("--backend", "-b", type=click.Choice(BACKENDS), default=None,
              help="Show what this backend does (default: Terraform and CloudFormation, both"
                   " where they differ). boto3: `s0c apply` creates what is missing and reports"
                   " changed steps; the API calls behave as CloudFormation's.")
@click.option("--fail-on", type=click.Choice(["change", "interruption", "replace", "data-loss"]),
              default="change", show_default=True,
              help="Lowest kind of change that makes the exit code 1.")
@click.option("--allow-live", is_flag=True,
              help="Do not fail when NEW switches to mode: live (OLD is not).")
@click.option("--output", "-o", type=click.Path(dir_okay=False),
              help="Write the report to a file instead of standard output.")
@prices_option
def diff(old: str, new: str, fmt: str, backend: str | None, fail_on: str, allow_live: bool,
         output: str | None, prices_file: str | None) -> None:
    """Compare two specs: OLD and NEW are files or git revisions (main:examples/poc.yaml).

    Exit 0 when nothing changes at or above --fail-on, 1 when something does (or NEW goes live
    without --allow-live), 2 when a spec is not valid.
    """
    from s0c.diff.compare import compare, lint_both
    from s0c.diff.inputs import InputError, read_input
    from s0c.diff.render import render_json, render_markdown, render_text

    targets = {"terraform": ("terraform",), "cloudformation": ("cloudformation",),
               "boto3": ("cloudformation",), None: ("terraform", "cloudformation")}[backend]
    with tempfile.TemporaryDirectory(prefix="s0c-diff-") as scratch:
        try:
            inputs = [read_input(arg, scratch) for arg in (old, new)]
        except InputError as exc:
            click.echo(f"s0c diff: {exc}", err=True)
            sys.exit(EXIT_BAD_INPUT)
        before, after = lint_both(*[(i.label, i.text, i.base_dir) for i in inputs],
                                  today=datetime.date.today(), pm=plugin_manager(),
                                  prices=load_prices(prices_file))
    bad = False
    for result in (before, after):
        if result.graph is None or not result.ok or result.report is None:
            report(result.source, result.diagnostics)
            bad = True
    if bad:
        sys.exit(EXIT_BAD_INPUT)
    found = compare(before, after, old, new)
    if fmt == "json":
        emit(output, render_json(found, targets))
    elif fmt == "markdown":
        emit(output, render_markdown(found, targets, _mermaid(after.graph, before.graph, found)))
    elif output is None:
        print_styled(render_text(found, targets))
    else:
        emit(output, "".join(f"{line}\n" for _, line in render_text(found, targets)))
    if found.goes_live and not allow_live:
        click.echo(f"s0c diff: {new} switches to mode: live; pass --allow-live once reviewed",
                   err=True)
        sys.exit(EXIT_FINDINGS)
    sys.exit(EXIT_FINDINGS if found.reaches(fail_on, targets) else EXIT_OK)


def _mermaid(new_graph, old_graph, found) -> str | None:
    from s0c.compiler.diagram import mermaid
    from s0c.compiler.graph import Graph

    marks = {c.id: ("data-loss" if c.data_loss else c.worst()) for c in found.changed()}
    if not marks:
        return None
    # Deleted resources exist only in OLD: draw them from there, the rest from NEW.
    merged = Graph(new_graph.name, new_graph.region, new_graph.mode, dict(new_graph.nodes))
    for node_id, node in old_graph.nodes.items():
        merged.nodes.setdefault(node_id, node)
    return mermaid(merged, marks, set(marks))
