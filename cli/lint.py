"""`s0c lint` and `s0c rules`: the policy rules for people (text) and for CI (json, sarif, junit)."""

from __future__ import annotations

import datetime
import json
import sys

import click

from s0c.spec.diagnostics import Severity

from .common import (EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, emit, load_prices, plugin_manager,
                     prices_option, print_styled)
from .findings import LintedFile

FORMATS = ("text", "json", "sarif", "junit")


def _summary(linted: LintedFile) -> str:
    counts = {severity: 0 for severity in Severity}
    for item in linted.findings:
        counts[item.severity] += 1
    parts = [f"{counts[Severity.ERROR]} error(s)", f"{counts[Severity.WARNING]} warning(s)",
             f"{counts[Severity.INFO]} info"]
    extra = f", {len(linted.suppressed)} suppressed" if linted.suppressed else ""
    return f"{linted.file}: {', '.join(parts)}{extra}"


def render_text(files: list[LintedFile], show_suppressed: bool) -> list[tuple[str, str]]:
    """(style, line) pairs; the style is used only on a colour terminal."""
    styles = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
    out: list[tuple[str, str]] = []
    for linted in files:
        for item in linted.invalid:
            out.append((styles[item.severity], item.text()))
        if linted.invalid:
            out.append(("bold red", f"{linted.file}: not linted (fix the errors above)"))
            continue
        for item in linted.findings + linted.notices:
            out.append((styles[item.severity], item.text()))
        if show_suppressed:
            for item in linted.suppressed:
                out.append(("dim", item.text(suppressed=True)))
        out.append(("bold", _summary(linted)))
    return out


def render_json(files: list[LintedFile], threshold: Severity) -> str:
    document = {
        "fail_on": threshold.value,
        "files": [{
            "file": linted.file,
            "valid": not linted.invalid,
            "errors": [item.as_dict() for item in linted.invalid],
            "findings": [item.as_dict() for item in linted.findings],
            "suppressed": [item.as_dict() for item in linted.suppressed],
            "notices": [item.as_dict() for item in linted.notices],
        } for linted in files],
    }
    return json.dumps(document, indent=2, sort_keys=True)


@click.command()
@click.argument("specs", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--format", "-f", "fmt", type=click.Choice(FORMATS), default="text",
              show_default=True)
@click.option("--fail-on", type=click.Choice(["error", "warning"]), default="error",
              show_default=True, help="Lowest severity that makes the exit code 1.")
@click.option("--output", "-o", type=click.Path(dir_okay=False),
              help="Write the report to a file instead of standard output.")
@click.option("--show-suppressed", is_flag=True, help="Also list suppressed findings (text).")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=0, show_default=True,
              help="Worker processes for many specs (0: one per CPU; 1: none).")
@prices_option
def lint(specs: tuple[str, ...], fmt: str, fail_on: str, output: str | None,
         show_suppressed: bool, jobs: int, prices_file: str | None) -> None:
    """Run the policy rules on SPECS.

    Exit 0 when no finding at or above --fail-on remains, 1 when one does, 2 when a spec is
    not valid (it is reported and not linted). Many specs are shared among worker processes
    (--jobs); the report is the same, in the order given.
    """
    from s0c.compiler.pipeline import lint_spec
    from s0c.policies.engine import registered_rules

    from .findings import locate
    from .workers import job_count, map_in_order

    pm = plugin_manager()
    today = datetime.date.today()
    prices = load_prices(prices_file)

    def lint_one(path: str) -> LintedFile:
        return locate(lint_spec(path, today=today, pm=pm, prices=prices))
    files = map_in_order(lint_one, specs, job_count(jobs, len(specs)))
    threshold = Severity(fail_on)
    if fmt == "text":
        lines = render_text(files, show_suppressed)
        if output is None:
            print_styled(lines)
        else:
            emit(output, "".join(f"{line}\n" for _, line in lines))
    elif fmt == "json":
        emit(output, render_json(files, threshold) + "\n")
    elif fmt == "sarif":
        from .sarif import render_sarif
        emit(output, render_sarif(files, registered_rules(pm)) + "\n")
    else:
        from .junit import render_junit
        emit(output, render_junit(files, registered_rules(pm), threshold))
    if any(linted.invalid for linted in files):
        sys.exit(EXIT_BAD_INPUT)
    sys.exit(EXIT_FINDINGS if any(linted.failing(threshold) for linted in files) else EXIT_OK)


@click.command()
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json", "markdown"]),
              default="text", show_default=True)
def rules(fmt: str) -> None:
    """List the installed policy rules: ID, severity, title (json/markdown add the rationale
    and remediation)."""
    from s0c.policies.engine import registered_rules


    found = registered_rules(plugin_manager())
    if fmt == "json":
        click.echo(json.dumps([{"id": r.id, "severity": r.severity.value, "title": r.title,
                                "rationale": r.rationale, "remediation": r.remediation,
                                "tags": list(r.tags)} for r in found.values()],
                              indent=2, sort_keys=True))
    elif fmt == "markdown":
        click.echo("| ID | severity | rule | rationale | remediation |\n|---|---|---|---|---|")
        for r in found.values():
            rationale = " ".join(r.rationale.split())
            click.echo(f"| {r.id} | {r.severity.value} | {r.title} | {rationale} |"
                       f" {r.remediation} |")
    else:
        for r in found.values():
            click.echo(f"{r.id}\t{r.severity.value}\t{r.title}")
