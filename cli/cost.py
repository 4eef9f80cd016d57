"""`s0c cost`: the offline monthly estimate of a spec."""

from __future__ import annotations

import sys

import click

from .common import EXIT_BAD_INPUT, load_prices, prices_option, report


@click.command()
@click.argument("spec", type=click.Path(dir_okay=False))
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json", "markdown"]),
              default="text", show_default=True)
@click.option("--wide", is_flag=True, help="Text: add each figure's basis and hourly rate"
              " (wider than 80 columns).")
@prices_option
def cost(spec: str, fmt: str, wide: bool, prices_file: str | None) -> None:
    """Estimate SPEC's monthly on-demand cost, offline, per resource (730 h a month).

    Usage-based charges follow the spec's `cost:` assumptions, which the report shows. A charge
    s0c cannot price reads "unknown" and the total "at least". Exit 2 when the spec is not valid.
    """
    from s0c.compiler.pipeline import build_graph
    from s0c.cost import render
    from s0c.cost.estimate import estimate


    result = build_graph(spec, prices=load_prices(prices_file))
    report(result.source, result.diagnostics)
    if not result.ok or result.spec is None or result.graph is None:
        sys.exit(EXIT_BAD_INPUT)
    found = estimate(result.spec, result.graph, result.prices)
    budget = result.spec.budget.monthly_usd
    if fmt == "text":
        text = render.as_text(found, spec, budget, wide=wide)
    else:
        text = {"json": render.as_json, "markdown": render.as_markdown}[fmt](found, spec, budget)
    click.echo(text if text.endswith("\n") else text + "\n", nl=False)
