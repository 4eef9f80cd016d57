"""`s0c apply` and `s0c destroy`: run a compiled boto3 plan against AWS (or a stand-in).

Exit codes: 0 done (or nothing to do); 1 a step failed (a resource apply may not adopt, a
reference the plan cannot fill in, an AWS error), or `--dry-run` found steps to run or steps
changed since they were applied; 2 bad usage (no plan, an unreadable journal, a live plan without
--confirm-live, no confirmation, an --adopt the plan does not know).
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
        journal = Journal.open(directory, plan, region)
    except PlanError as exc:
        click.echo(f"s0c: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    if journal.read_version == 1:
        click.echo(f"s0c: {journal.path} was written by an earlier s0c (journal version 1), which"
                   " did not record whether it created or adopted each resource: they count as"
                   " adopted, so destroy deletes them only with --include-adopted; it is"
                   " rewritten as version 2 on the next change", err=True)
    return plan, journal, region


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
@click.option("--adopt", "adopt", multiple=True, metavar="LOGICAL_ID",
              help="Take over an existing resource of this logical id that nothing proves is"
                   " this environment's (no s0c tags: a name-keyed role, key pair, dashboard...),"
                   " if it matches the step. Repeatable. destroy leaves adopted resources unless"
                   " given --include-adopted.")
def apply(directory: str, endpoint_url: str | None, region: str | None, dry_run: bool,
          confirm_live: bool, adopt: tuple[str, ...]) -> None:
    """Run the boto3 plan in DIRECTORY; safe to re-run and to resume after an interruption.

    An existing resource is adopted only when its s0c:environment and s0c:logical-id tags are
    this environment's, or with --adopt; anything else of the same name fails its step."""
    from s0c.runner.apply import Event, PlanError, Runner, StepFailed

    plan, journal, region = _open(directory, region)
    known = {s["node"] for s in plan["steps"]} | {s["id"] for s in plan["steps"]}
    unknown = [name for name in adopt if name not in known]
    if unknown:
        click.echo(f"s0c: --adopt {', '.join(unknown)}: no such logical id in the plan (its"
                   " logical ids are the step ids before any '/', as `s0c apply --dry-run`"
                   " lists them)", err=True)
        sys.exit(EXIT_USAGE)
    if not dry_run:  # a dry run calls nothing: no need to confirm
        _refuse_live(plan, confirm_live, "apply")
    runner = Runner(plan, journal, region, endpoint_url, adopt=frozenset(adopt))
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
                console.print(f"= {_describe(step)}: {event.detail}")
            elif event.kind == "missing":
                console.print(f"! {step['id']}: {event.detail}")
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
    again = (f", {counts['recreated']} recorded but gone from AWS, run again"
             if counts.get("recreated") else "")
    click.echo(f"{plan['name']}: {counts['created']} run, {counts['adopted']} adopted,"
               f" {counts['resumed']} resumed, {counts['skipped']} already applied{again}"
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
@click.option("--include-adopted", is_flag=True,
              help="Also delete the resources apply adopted (found existing) instead of creating.")
def destroy(directory: str, endpoint_url: str | None, region: str | None, yes: bool,
            confirm_live: bool, include_adopted: bool) -> None:
    """Delete what s0c created, as the journal in DIRECTORY records it, newest first; leaves what
    it adopted (unless --include-adopted) and keeps final snapshots."""
    from s0c.runner.apply import Event, Runner, StepFailed

    plan, journal, region = _open(directory, region)
    recorded = [s for s in plan["steps"] if s["id"] in journal.steps]
    if not recorded:
        click.echo(f"{plan['name']}: nothing recorded in {journal.path}; nothing to destroy")
        sys.exit(EXIT_OK)
    runner = Runner(plan, journal, region, endpoint_url)
    kept = runner.kept(include_adopted)
    if len(kept) == len(recorded):
        _say_kept(journal, kept)
        click.echo(f"{plan['name']}: nothing s0c created is recorded; nothing deleted")
        sys.exit(EXIT_OK)
    _refuse_live(plan, confirm_live, "destroy")
    undoable = sum(1 for s in recorded if s.get("undo") and s not in kept)
    if not yes:
        if not sys.stdin.isatty():
            click.echo("s0c: destroy asks for confirmation; pass --yes to run without a"
                       " terminal", err=True)
            sys.exit(EXIT_USAGE)
        if not click.confirm(f"Delete {undoable} resources of {plan['name']} in {region}?"):
            click.echo("s0c: nothing deleted", err=True)
            sys.exit(EXIT_USAGE)
    _warn_orphans(runner)
    started = time.perf_counter()
    with _progress(len(recorded), f"destroying {plan['name']}") as (console, bar, task):
        def show(event: Event) -> None:
            if event.kind == "undo" and event.detail:
                console.print(f"- {event.step['id']} ({event.step['service']} {event.detail})")
            elif event.kind == "wait":
                console.print(f"  {event.step['id']}: waiting ({event.detail})")
            elif event.kind in ("gone", "keep") and bar is not None:
                bar.advance(task)

        runner.on_event = show
        try:
            counts = runner.destroy(include_adopted)
        except StepFailed as exc:
            console.print(f"s0c: {exc}")
            console.print(f"s0c: the journal still records {len(journal.steps)} steps; run"
                          " `s0c destroy` again once the cause is fixed")
            sys.exit(EXIT_FAILED)
    _say_kept(journal, kept)
    click.echo(f"{plan['name']}: {counts['deleted']} deleted ({time.perf_counter() - started:.1f}"
               " s); final snapshots, if the spec asks for them, are kept"
               + (f"; {len(kept)} adopted steps left in place" if kept else ""))


def _say_kept(journal, kept: list[dict]) -> None:
    """What destroy leaves: the resources apply adopted rather than created."""
    if not kept:
        return
    click.echo(f"left in place ({len(kept)}; s0c did not create them, `s0c destroy"
               " --include-adopted` deletes them too):")
    for step in kept:
        entry = journal.steps.get(step["id"], {})
        ids = ", ".join(str(v) for v in entry.get("outputs", {}).values()
                        if isinstance(v, (str, int)) and v != "")
        why = entry.get("why") or ("recorded by an earlier s0c, which did not say whether it"
                                    " created it" if entry.get("origin") == "unknown" else
                                    "adopted")
        click.echo(f"  {_describe(step)}{': ' + ids if ids else ''} ({why})")
