"""What every s0c command shares: the exit codes, diagnostics on stderr, the plugin manager.

Exit codes (documented in the README): 0 ok; 1 findings, changes or a failed deploy step;
2 bad input or usage; 3 internal error (a bug: please report it).
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Iterable

import click

if TYPE_CHECKING:  # annotations only: importing s0c.spec builds the pydantic models (~0.2 s)
    from s0c.spec.diagnostics import Diagnostic
    from s0c.spec.loader import SourceMap

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3


def format_diagnostics(items: Iterable[tuple[SourceMap, Diagnostic]]) -> list[str]:
    from .findings import Located

    located = sorted((Located.at(source, diag) for source, diag in items), key=Located.sort_key)
    return [item.text() for item in located]


_COLOURS = {"[error]": "red", "[warning]": "yellow"}


def report(source: SourceMap, diagnostics: list[Diagnostic]) -> None:
    """Diagnostics on stderr, coloured by severity on a terminal (never when piped or NO_COLOR)."""
    colour = sys.stderr.isatty() and not os.environ.get("NO_COLOR")
    for line in format_diagnostics((source, d) for d in diagnostics):
        tint = next((c for tag, c in _COLOURS.items() if tag in line), None) if colour else None
        click.secho(line, err=True, fg=tint, color=colour)


def plugin_manager():
    from s0c.plugins.manager import PluginError, make_plugin_manager

    try:
        return make_plugin_manager()
    except PluginError as exc:
        click.echo(f"s0c: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)


def plain_output() -> bool:
    """Plain lines unless standard output is a terminal (or FORCE_COLOR asks); NO_COLOR wins."""
    if os.environ.get("NO_COLOR"):
        return True
    return not (sys.stdout.isatty() or os.environ.get("FORCE_COLOR"))


def print_styled(lines: list[tuple[str, str]]) -> None:
    """(style, line) pairs: styled with rich on a terminal, plain when piped."""
    if plain_output():
        sys.stdout.write("".join(f"{line}\n" for _, line in lines))
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(highlight=False, soft_wrap=True)
    for style, line in lines:
        console.print(Text(line, style=style))


def emit(output: str | None, text: str) -> None:
    """A report to standard output, or written atomically to ``output`` (exit 2 if it cannot)."""
    if output is None:
        click.echo(text, nl=False)
        return
    from .output import WriteError, write_file

    try:
        write_file(output, text)
    except WriteError as exc:
        click.echo(f"s0c: cannot write {output}: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)


def prices_option(command):
    """``--prices FILE``: a price file (from `s0c prices refresh`) over s0c's own table."""
    return click.option("--prices", "prices_file", type=click.Path(dir_okay=False),
                        help="Price file from `s0c prices refresh` (wins over the spec's"
                             " cost.prices and s0c's own table).")(command)


def load_prices(path: str | None):
    """The price table ``--prices`` names (None when not given); exit 2 when it is unusable."""
    if path is None:
        return None
    from s0c.cost.price_file import PriceFileError, read_price_file

    try:
        return read_price_file(path)
    except PriceFileError as exc:
        click.echo(f"s0c: --prices {path}: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
