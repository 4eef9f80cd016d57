"""s0c command line: the group and its compile-side commands (exit codes: :mod:`.common`)."""

from __future__ import annotations

import datetime
import json
import os
import sys
import time
import traceback
import click

from .common import (EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_INTERNAL, EXIT_OK, plugin_manager,
                     report)

# The commands defined in other modules, imported when first looked up (running one, its help,
# completion): `s0c lint` does not pay for apply's, prices' or diff's imports, `s0c --help`
# for none of them. name -> (module, attribute).
LAZY_COMMANDS = {
    "apply": (".deploy", "apply"), "destroy": (".deploy", "destroy"),
    "lint": (".lint", "lint"), "rules": (".lint", "rules"), "cost": (".cost", "cost"),
    "diff": (".diff", "diff"), "graph": (".graph", "graph"), "prices": (".prices", "prices"),
}


class _Commands(dict):
    """click.Group.commands that imports a lazy command the first time it is looked up; it
    lists (iterates, ``in``) lazy commands as if they were registered."""

    def _load(self, name: str) -> None:
        if not dict.__contains__(self, name) and name in LAZY_COMMANDS:
            import importlib

            module, attribute = LAZY_COMMANDS[name]
            dict.__setitem__(self, name,
                             getattr(importlib.import_module(module, __package__), attribute))

    def _names(self) -> list[str]:
        return sorted(set(dict.keys(self)) | set(LAZY_COMMANDS))

    def __missing__(self, name: str):
        self._load(name)
        if dict.__contains__(self, name):
            return dict.__getitem__(self, name)
        raise KeyError(name)

    def get(self, name, default=None):
        return self[name] if name in self else default

    def __contains__(self, name) -> bool:
        return dict.__contains__(self, name) or name in LAZY_COMMANDS

    def __iter__(self):
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())

    def keys(self):
        return self._names()

    def values(self):
        return [self[name] for name in self._names()]

    def items(self):
        return [(name, self[name]) for name in self._names()]


class _LazyGroup(click.Group):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.commands = _Commands(self.commands)


def _size(graph) -> str:
    resources, lookups = graph.counts()
    return f"{resources} resources, {lookups} lookups"


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="s0c", prog_name="s0c")
def cli() -> None:
    """s0c: compile one YAML environment spec into Terraform (and other backends)."""


@cli.command()
@click.argument("specs", nargs=-1, required=True, type=click.Path(dir_okay=False))
def validate(specs: tuple[str, ...]) -> None:
    """Check SPECS: YAML, schema, structure. Exit 2 on any error."""
    from s0c.compiler.pipeline import build_graph

    failed = False
    for path in specs:
        result = build_graph(path)
        report(result.source, result.diagnostics)
        if result.ok and result.graph is not None:
            click.echo(f"{path}: ok ({_size(result.graph)})")
        else:
            failed = True
    sys.exit(EXIT_BAD_INPUT if failed else EXIT_OK)


@cli.command(name="compile")
@click.argument("spec", type=click.Path(dir_okay=False))
@click.option("--backend", "-b", default="terraform", show_default=True,
              shell_complete=lambda ctx, param, incomplete: _backend_names(incomplete),
              help="Backend to emit (see `s0c backends`).")
@click.option("--output", "-o", "output", type=click.Path(file_okay=False),
              help="Output directory [default: build/<backend>].")
@click.option("--no-policy", is_flag=True,
              help="Write even when policy rules report errors (they are still printed).")
def compile_command(spec: str, backend: str, output: str | None, no_policy: bool) -> None:
    """Compile SPEC with a backend into an output directory (written all or nothing).

    The policy rules (`s0c rules`) run first: an error-level finding stops the compile with
    exit 1 and nothing written, unless --no-policy is given.
    """
    from s0c.compiler.pipeline import UnknownBackend, compile_spec

    from .output import WriteError, write_tree

    started = time.perf_counter()
    try:
        result = compile_spec(spec, backend, pm=plugin_manager(),
                              policies_as_of=datetime.date.today(), enforce=not no_policy)
    except UnknownBackend as exc:
        raise click.BadParameter(str(exc), param_hint="'--backend'") from None
    findings = result.report.findings if result.report else []
    report(result.source, result.diagnostics + findings)
    if not result.ok or result.graph is None:
        sys.exit(EXIT_BAD_INPUT)
    blocking = [d for d in findings if d.is_error]
    if blocking and not no_policy:
        click.echo(f"s0c: {len(blocking)} policy error(s), nothing written: fix them, suppress"
                   " them with a reason under policies.suppress, or pass --no-policy.", err=True)
        sys.exit(EXIT_FINDINGS)
    directory = output or os.path.join("build", backend)
    suffixes = tuple(sorted({os.path.splitext(name)[1] for name in result.files}))
    try:
        removed = write_tree(directory, result.files, suffixes)
    except WriteError as exc:
        click.echo(f"s0c: cannot write output: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    elapsed = time.perf_counter() - started
    files = f"{len(result.files)} file{'s' if len(result.files) != 1 else ''}"
    click.echo(f"{spec}: {_size(result.graph)} -> {files} in"
               f" {directory} ({backend}, {elapsed * 1000:.0f} ms)")
    for name in removed:
        click.echo(f"  removed stale {name}")


@cli.command()
def schema() -> None:
    """Print the spec's JSON Schema (for editors' YAML language servers)."""
    from s0c.spec.models import Spec

    document = {"$schema": "https://json-schema.org/draft/2020-12/schema",
                **Spec.model_json_schema()}
    click.echo(json.dumps(document, indent=2, sort_keys=True))


@cli.command(name="backends")
def list_backends() -> None:
    """List installed backends."""
    from s0c.plugins.manager import backends as registered

    for name, backend in registered(plugin_manager()).items():
        click.echo(f"{name}\t{backend.description}")


def _backend_names(incomplete: str) -> list[str]:
    """Installed backends (plugins included), for shell completion."""
    from s0c.plugins.manager import PluginError, backends, make_plugin_manager

    try:
        names = backends(make_plugin_manager())
    except PluginError:
        return []
    return [name for name in names if name.startswith(incomplete)]


@cli.command(name="completion")
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion(shell: str) -> None:
    """Print the completion script for SHELL (commands, options, backends, formats).

    Load it with, for bash: eval "$(s0c completion bash)"; zsh: eval "$(s0c completion zsh)";
    fish: s0c completion fish | source.
    """
    from click.shell_completion import get_completion_class

    completer = get_completion_class(shell)
    assert completer is not None  # click ships all three
    click.echo(completer(cli, {}, "s0c", "_S0C_COMPLETE").source())


# Each command imports what it needs lazily (boto3, cfn-lint, rich cost their import time), and
# the commands in other modules are themselves imported on first use (LAZY_COMMANDS).


def main() -> None:
    try:
        cli.main(standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        click.echo("s0c: interrupted", err=True)
        sys.exit(130)
    except Exception:  # a bug in s0c: no traceback for users unless they ask for it
        if os.environ.get("S0C_DEBUG"):
            traceback.print_exc()
        else:
            exc = sys.exc_info()[1]
            click.echo(f"s0c: internal error: {type(exc).__name__}: {exc}\n"
                       "Please report it; run with S0C_DEBUG=1 for the traceback.", err=True)
        sys.exit(EXIT_INTERNAL)


if __name__ == "__main__":
    main()
