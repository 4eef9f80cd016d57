"""Fuzzing the whole command line with mutated specs (hypothesis, in-process through click).

Every case starts from examples/poc.yaml: byte flips, truncation, injected YAML (tags, deep
nesting, anchors and aliases, huge scalars, unicode, control characters, non-string keys) and a
wrong value at every path of the document. Each goes through ``s0c validate``, ``lint``,
``compile --backend X`` or ``diff``, and must:

- exit 0, 1 or 2 (never 3, never an exception, never a traceback);
- print failures as one-line ``file:line:col: CODE [severity] message`` diagnostics, or one
  ``s0c...: message`` line where there is no position;
- write nothing when it does not exit 0.

Timings are measured, never asserted (a loaded CI machine is no oracle): the number of cases
and the slowest one are printed in the terminal summary (``-rA`` not needed; see the end).
"""

from __future__ import annotations

import copy
import os
import re
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from s0c.cli.main import cli
from tests.specs import EXAMPLES, dump

POC_PATH = EXAMPLES / "poc.yaml"
POC = POC_PATH.read_text()
POC_BYTES = POC.encode()
KEY = (EXAMPLES / "keys" / "poc.pub").read_text()

DIAGNOSTIC = re.compile(r"^.+:\d+:\d+: S0C-[A-Z0-9-]+ \[(error|warning|info)\] \S")
MESSAGE = re.compile(r"^s0c( [a-z]+)?: \S")
# Lines of output that are neither: a compile's summary, lint's and diff's reports on stdout.
COMMANDS = ["validate", "lint", "compile-terraform", "compile-cloudformation", "compile-boto3",
            "diff"]

# About 400 cases in all (with the fixed documents), 20-40 s on a shared 2-core machine. The
# `ci` profile's derandomize applies: CI runs the same cases every time.
# S0C_FUZZ_SCALE=10 runs ten times as many for a longer campaign by hand.
SCALE = max(1, int(os.environ.get("S0C_FUZZ_SCALE", "1")))
FUZZ = settings(deadline=None, max_examples=80 * SCALE,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much,
                                       HealthCheck.function_scoped_fixture])

STATS: dict[str, Any] = {"cases": 0, "slowest": 0.0, "slowest_case": ""}


class _Summary:
    """Prints the case count and the slowest case in pytest's terminal summary (also with
    xdist, where each worker's summary goes to the controller's log with -rA)."""

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if STATS["cases"]:
            terminalreporter.write_line(
                f"test_fuzz: {STATS['cases']} CLI cases, slowest"
                f" {STATS['slowest'] * 1000:.0f} ms ({STATS['slowest_case']})")


@pytest.fixture(scope="module", autouse=True)
def summary(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    manager = request.config.pluginmanager
    if not manager.has_plugin("s0c-fuzz-summary"):
        manager.register(_Summary(), "s0c-fuzz-summary")
    # Warm up first (imports, botocore's service models, the provider schema), so the slowest
    # case measures a case, not the first import.
    for command in COMMANDS:
        run_case(tmp_path_factory.mktemp("warm"), POC_BYTES, command, count=False)
    yield


def _spec_dir(tmp: Path) -> Path:
    """A directory with the spec's key file beside it, as examples/ has."""
    (tmp / "keys").mkdir(parents=True, exist_ok=True)
    (tmp / "keys" / "poc.pub").write_text(KEY)
    return tmp


def run_case(tmp: Path, content: bytes, command: str, count: bool = True) -> None:
    spec = _spec_dir(tmp) / "spec.yaml"
    spec.write_bytes(content)
    out_dir = tmp / "out"
    if command == "validate":
        args = ["validate", str(spec)]
    elif command == "lint":
        args = ["lint", str(spec)]
    elif command == "diff":
        args = ["diff", str(POC_PATH), str(spec)]
    else:
        args = ["compile", str(spec), "--backend", command.split("-", 1)[1], "-o", str(out_dir)]
    started = time.perf_counter()
    result = CliRunner().invoke(cli, args, catch_exceptions=True)
    elapsed = time.perf_counter() - started
    STATS["cases"] += count
    if count and elapsed > STATS["slowest"]:
        STATS["slowest"], STATS["slowest_case"] = elapsed, f"{command}, {len(content)} bytes"
    described = f"{args[0]} exit {result.exit_code}\n{result.output[-3000:]}"
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        f"{described}\n{result.exception!r}"
    assert result.exit_code in (0, 1, 2), described
    assert "Traceback" not in result.output and "internal error" not in result.output, described
    for line in result.stderr.splitlines():
        assert DIAGNOSTIC.match(line) or MESSAGE.match(line), f"unexpected line {line!r}\n" \
            + described
    for line in result.output.splitlines():  # lint reports on stdout: still one line each
        assert ": S0C-" not in line or DIAGNOSTIC.match(line), f"bad line {line!r}\n{described}"
    if result.exit_code == 2:  # a failure says why
        assert any(DIAGNOSTIC.match(line) or MESSAGE.match(line)
                   for line in result.output.splitlines()), described
    if args[0] == "compile" and result.exit_code != 0:
        assert not out_dir.exists(), described  # nothing written
    spec.unlink()
    if out_dir.exists():
        import shutil

        shutil.rmtree(out_dir)


commands = st.sampled_from(COMMANDS)


# --- byte-level mutations ---------------------------------------------------------------------

@st.composite
def byte_mutations(draw: st.DrawFn) -> bytes:
    data = bytearray(POC_BYTES)
    kind = draw(st.sampled_from(["flip", "truncate", "splice"]))
    if kind == "truncate":
        return bytes(data[: draw(st.integers(0, len(data)))])
    if kind == "splice":
        at = draw(st.integers(0, len(data)))
        return bytes(data[:at] + draw(st.binary(min_size=1, max_size=30)) + data[at:])
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data) - 1))
        data[at] = draw(st.integers(0, 255))
    return bytes(data)


@FUZZ
@given(content=byte_mutations(), command=commands)
def test_byte_mutations(tmp_path_factory: pytest.TempPathFactory, content: bytes,
                        command: str) -> None:
    run_case(tmp_path_factory.mktemp("bytes"), content, command)


# --- injected YAML ----------------------------------------------------------------------------

SNIPPETS = [
    "!!set x", "!!omap x", "!!bool x", "!!int x", "!!float 1e", "!!str [x]", "!!binary x",
    "!!timestamp 2020-13-45", "!!python/object:os.system x", "!foo x", "! x", "!!map x",
    "&a x", "*a", "*nowhere", "&a [*a]", "&b {k: v}", "[*b, *b]", "{<<: *b}",
    ".inf", "-.inf", ".nan", "0x1F", "0o17", "1_000", "1e400", "-0", "~", "null", "true",
    "2027-06-30", "12:30:00", "99999999999999999999999999999",
    "{? [a]: b}", "{1: x}", "{null: x}", "{true: x}", "{[a]: b}", "[[[[[[[[[[]]]]]]]]]]",
    "'unterminated", '"\\x00"', '"\\x1b[31m"', '"\\u202e"', '"\\ud800"', '"a\\nb"', "|\n  x\n",
    "%YAML 1.1", "---", "...", "@x", "`x", "\t", "x: y: z", "- a\n- b", "{a: 1, a: 2}",
]


@st.composite
def injections(draw: st.DrawFn) -> bytes:
    lines = POC.splitlines(keepends=True)
    part = draw(st.one_of(
        st.sampled_from(SNIPPETS),
        st.builds(lambda c, n: c * n, st.sampled_from(["[", "{", "{a: ", "- ", "&x [", "? "]),
                  st.integers(1, 200)),
        st.builds(lambda n: "x" * n, st.integers(1_000, 150_000)),
        st.text(st.characters(codec="utf-8"), min_size=1, max_size=30),
        st.text(st.sampled_from("\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\u2028\u2029\ufeff"),
                min_size=1, max_size=3),
    ))
    index = draw(st.integers(0, len(lines) - 1))
    line = lines[index]
    where = draw(st.sampled_from(["value", "line", "key"]))
    if where == "value" and ": " in line:
        key, _, _ = line.partition(": ")
        lines[index] = f"{key}: {part}\n"
    elif where == "key":
        indent = len(line) - len(line.lstrip(" "))
        lines.insert(index, " " * indent + f"{part}: 1\n")
    else:
        lines.insert(index, part + "\n")
    return "".join(lines).encode("utf-8", "surrogatepass")


@FUZZ
@given(content=injections(), command=commands)
def test_yaml_injections(tmp_path_factory: pytest.TempPathFactory, content: bytes,
                         command: str) -> None:
    run_case(tmp_path_factory.mktemp("inject"), content, command)


# --- wrong types (and missing or unknown keys) at every path -----------------------------------

def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            out += _paths(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out += _paths(item, prefix + (index,))
    return out


POC_DATA = YAML(typ="safe", pure=True).load(POC)
PATHS = _paths(POC_DATA)

wrong_values = st.one_of(
    st.none(), st.booleans(), st.integers(-(2 ** 70), 2 ** 70),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20),
    st.lists(st.integers(-5, 5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(-5, 5), max_size=2),
    st.dictionaries(st.integers(-5, 5), st.text(max_size=3), min_size=1, max_size=2),
    st.sampled_from(["", " ", "0", "-1", "1e9", "${x}", "%{x}", "$(reboot)", "'; rm -rf /",
                     "\u0301", "\uf900", "a" * 300, "ssm:/x", "10.0.0.0/8", "::1"]),
)


@st.composite
def wrong_types(draw: st.DrawFn) -> bytes:
    data = copy.deepcopy(POC_DATA)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PATHS))
        parent = data
        try:
            for part in path[:-1]:
                parent = parent[part]
        except (KeyError, IndexError, TypeError):
            continue
        action = draw(st.sampled_from(["replace", "replace", "delete", "unknown"]))
        try:
            if action == "replace":
                parent[path[-1]] = draw(wrong_values)
            elif action == "delete":
                del parent[path[-1]]
            elif isinstance(parent, dict):
                parent[draw(st.text(min_size=1, max_size=8))] = draw(wrong_values)
        except (KeyError, IndexError, TypeError):
            continue
    return dump(data).encode("utf-8", "surrogatepass")


@settings(FUZZ, max_examples=100 * SCALE)
@given(content=wrong_types(), command=commands)
def test_wrong_types_at_every_path(tmp_path_factory: pytest.TempPathFactory, content: bytes,
                                   command: str) -> None:
    run_case(tmp_path_factory.mktemp("types"), content, command)


# --- fixed hostile documents, through every command -------------------------------------------

HOSTILE = {
    "flow-mappings": b"a: " + b"{" * 16 + b"}" * 16,
    "deep-brackets": b"a: " + b"[" * 5000,
    "alias-bomb": ("a: &a [" + ",".join(['"lol"'] * 9) + "]\n" + "".join(
        f"{n}: &{n} [{','.join([f'*{p}'] * 9)}]\n"
        for p, n in zip("abcdefgh", "bcdefghi"))).encode(),
    "block-nesting": b"- " * 5000 + b"x",
    "not-utf8": b"version: 1\nname: \xff\xfe\n",
    "empty": b"",
    "nul": b"\x00" * 100,
    "many-nodes": b"a:\n" + b"- a\n" * 6_000,
    "just-under-the-node-bound": b"a:\n" + b"- a\n" * 4_990,
    "limit-sized-scalar": b"a: " + b"x" * 250_000,
    "poc-with-tab-indent": POC_BYTES.replace(b"  engine: postgres", b"\tengine: postgres"),
}


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_documents(tmp_path: Path, name: str, command: str) -> None:
    run_case(tmp_path, HOSTILE[name], command)


@pytest.mark.parametrize("command", ["validate", "lint", "compile-terraform", "diff"])
def test_ten_megabytes_are_refused(tmp_path: Path, command: str) -> None:
    # A sparse 10 MB file: refused from its size (s0c diff reads it, then refuses it unparsed).
    content = b"a: " + b"x" * (10 * 1024 * 1024)
    run_case(tmp_path, content, command)


def test_the_unmutated_poc_passes_every_command(tmp_path: Path) -> None:
    for command in COMMANDS:
        run_case(tmp_path, POC_BYTES, command)
