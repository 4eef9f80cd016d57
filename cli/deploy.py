"""`s0c apply` and `s0c destroy`: run a compiled boto3 plan against AWS (or a stand-in).

Exit codes: 0 done (or nothing to do); 1 a step failed, or `--dry-run` found steps to run or
steps changed since they were applied;
2 bad usage (no plan, a live plan without --confirm-live, no confirmation).
"""

from __future__ import annotations

import json
import sys
import time
from contextlib import contextmanager
from typing import Iterator

import click

from .common import EXIT_BAD_INPUT as EXIT_USAGE
from .common import EXIT_FINDINGS as EXIT_FAILED  # a step failed: the journal says which
from .common import EXIT_OK
LIVE = "live"


def _console():
    from rich.console import Console

    # soft_wrap: a message is one line whatever the width, so CI logs can be grepped.
    return Console(stderr=True, highlight=False, soft_wrap=True)


def _open(directory: str, region: str | None):
    from s0c.runner.apply import Journal, PlanError, load_plan

    try:
        plan = load_plan(directory)
        if region and region != plan["region"]:
            click.echo(f"s0c: warning: the plan was compiled for {plan['region']} (its ARNs and"
                       f" dashboard name that region); running it in {region}", err=True)
        region = region or plan["region"]
        return plan, Journal.open(directory, plan, region), region
    except PlanError as exc:
        click.echo(f"s0c: {exc}", err=True)
        sys.exit(EXIT_USAGE)


def _refuse_live(plan: dict, confirm_live: bool, verb: str) -> None:
    if plan.get("mode") == LIVE and not confirm_live:
        click.echo(f"s0c: {plan['name']} is compiled for mode: live (real trading); {verb} it"
                   " only with --confirm-live", err=True)
        sys.exit(EXIT_USAGE)


@contextmanager
def _progress(total: int, title: str) -> Iterator:
    """A progress bar on a terminal; one plain line per event otherwise (CI logs)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = _console()
    if not console.is_terminal:
        yield console, None, None
        return
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console, transient=True) as progress:
        yield console, progress, progress.add_task(title, total=total)


def _warn_orphans(runner) -> None:
    orphans = runner.orphans()
    if orphans:
        click.echo(f"s0c: the journal records {len(orphans)} steps this plan no longer has"
                   f" ({', '.join(orphans[:5])}{', ...' if len(orphans) > 5 else ''}); they are"
                   " left as they are: delete them by hand or with the plan that made them",
                   err=True)


def _recorded(journal) -> str:
    """What the journal holds, said only as far as it is true (no steps: no journal either)."""
    if not journal.steps:
        return "nothing was created"
    return f"the journal ({journal.path}) records {len(journal.steps)} steps"


def _describe(step: dict) -> str:
    return f"{step['id']} ({step['service']} {step['operation']})"


@click.command()
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--endpoint-url", help="Send every AWS call here (a local stand-in for AWS).")
@click.option("--region", help="AWS region [default: the plan's].")
@click.option("--dry-run", is_flag=True, help="List the steps that would run; call nothing.")
@click.option("--confirm-live", is_flag=True, help="Required to apply a plan for mode: live.")
def apply(directory: str, endpoint_url: str | None, region: str | None, dry_run: bool,
          confirm_live: bool) -> None:
    """Run the boto3 plan in DIRECTORY; safe to re-run and to resume after an interruption."""
    from s0c.runner.apply import Event, PlanError, Runner, StepFailed

    plan, journal, region = _open(directory, region)
    if not dry_run:  # a dry run calls nothing: no need to confirm
        _refuse_live(plan, confirm_live, "apply")
    runner = Runner(plan, journal, region, endpoint_url)
    _warn_orphans(runner)
    pending = runner.pending()
    if dry_run:
        from s0c.runner.changes import classify_step

        for step in pending:
            how = "create or adopt" if step.get("find") else "run"
            click.echo(f"would {how}: {_describe(step)}")
        changed = runner.changed()
        for step in changed:
            found = classify_step(step, journal.steps[step["id"]].get("applied"))
            what = ", ".join(f"{name} ({effect.value})" for name, effect in found.fields) or \
                "params (the journal predates recorded params)"
            click.echo(f"changed since applied, not updated by apply: {step['id']}: {what};"
                       f" worst: {found.effect.value}")
        click.echo(f"{len(pending)} of {len(plan['steps'])} steps to run in {region}"
                   f" ({len(plan['steps']) - len(pending)} recorded in the journal,"
                   f" {len(changed)} of them changed since)")
        if changed:
            click.echo("apply creates what is missing and never updates an existing resource:"
                       " compare the specs with `s0c diff OLD NEW`, then destroy and re-apply"
                       " what must change, or deploy with Terraform or CloudFormation")
        sys.exit(EXIT_FAILED if pending or changed else EXIT_OK)

    started = time.perf_counter()
    with _progress(len(plan["steps"]), f"applying {plan['name']}") as (console, bar, task):
        def show(event: Event) -> None:
            step = event.step
            if event.kind in ("done", "skip") and bar is not None:
                bar.advance(task)
            if event.kind == "start" and bar is not None:
                bar.update(task, description=f"{step['id']}")
            elif event.kind == "create":
                console.print(f"+ {_describe(step)}")
            elif event.kind == "adopt":
                console.print(f"= {_describe(step)}: found {event.detail} (adopted)")
            elif event.kind == "wait":
                console.print(f"  {step['id']}: waiting ({event.detail})")
            elif event.kind == "hint":
                console.print(f"  {step['id']}: {event.detail}")
            elif event.kind == "changed":
                console.print(f"! {step['id']}: params changed since it was applied; apply does"
                              " not update existing resources (`s0c apply --dry-run` classifies"
                              " the change, `s0c diff OLD NEW` compares the specs)")

        runner.on_event = show
        try:
            counts = runner.apply()
        except StepFailed as exc:
            console.print(f"s0c: {exc}")
            console.print(f"s0c: {_recorded(journal)}; fix the cause and run `s0c apply` again"
                          " to resume")
            sys.exit(EXIT_FAILED)
        except PlanError as exc:
            console.print(f"s0c: {exc}")
            sys.exit(EXIT_USAGE)
        except KeyboardInterrupt:
            console.print(f"s0c: interrupted; {_recorded(journal)}; run `s0c apply` again to"
                          " resume")
            sys.exit(130)
    elapsed = time.perf_counter() - started
    click.echo(f"{plan['name']}: {counts['created']} run, {counts['adopted']} adopted,"
               f" {counts['resumed']} resumed, {counts['skipped']} already applied"
               f" ({elapsed:.1f} s)")
    for name, value in journal.data.get("outputs", {}).items():
        shown = json.dumps(value, sort_keys=True) if isinstance(value, (dict, list)) else value
        click.echo(f"  {name} = {shown}")


@click.command()
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--endpoint-url", help="Send every AWS call here (a local stand-in for AWS).")
@click.option("--region", help="AWS region [default: the plan's].")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@click.option("--confirm-live", is_flag=True, help="Required to destroy a mode: live plan.")
def destroy(directory: str, endpoint_url: str | None, region: str | None, yes: bool,
            confirm_live: bool) -> None:
    """Delete what the journal in DIRECTORY records, newest first; keeps final snapshots."""
    from s0c.runner.apply import Event, Runner, StepFailed

    plan, journal, region = _open(directory, region)
    recorded = [s for s in plan["steps"] if s["id"] in journal.steps]
    if not recorded:
        click.echo(f"{plan['name']}: nothing recorded in {journal.path}; nothing to destroy")
        sys.exit(EXIT_OK)
    _refuse_live(plan, confirm_live, "destroy")
    undoable = sum(1 for s in recorded if s.get("undo"))
    if not yes:
        if not sys.stdin.isatty():
            click.echo("s0c: destroy asks for confirmation; pass --yes to run without a"
                       " terminal", err=True)
            sys.exit(EXIT_USAGE)
        if not click.confirm(f"Delete {undoable} resources of {plan['name']} in {region}?"):
            click.echo("s0c: nothing deleted", err=True)
            sys.exit(EXIT_USAGE)
    runner = Runner(plan, journal, region, endpoint_url)
    _warn_orphans(runner)
    started = time.perf_counter()
    with _progress(len(recorded), f"destroying {plan['name']}") as (console, bar, task):
        def show(event: Event) -> None:
            if event.kind == "undo" and event.detail:
                console.print(f"- {event.step['id']} ({event.step['service']} {event.detail})")
            elif event.kind == "wait":
                console.print(f"  {event.step['id']}: waiting ({event.detail})")
            elif event.kind == "gone" and bar is not None:
                bar.advance(task)

        runner.on_event = show
        try:
            counts = runner.destroy()
        except StepFailed as exc:
            console.print(f"s0c: {exc}")
            console.print(f"s0c: the journal still records {len(journal.steps)} steps; run"
                          " `s0c destroy` again once the cause is fixed")
            sys.exit(EXIT_FAILED)
    click.echo(f"{plan['name']}: {counts['deleted']} deleted ({time.perf_counter() - started:.1f}"
               " s); final snapshots, if the spec asks for them, are kept")
