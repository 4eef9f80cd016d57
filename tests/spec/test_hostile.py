"""Hostile specs: wrong tags, deep nesting, alias bombs, FIFOs, huge files, non-numbers.

Each is refused with a positioned ``S0C-...`` error (exit 2), never a crash (exit 3) or a hang,
and the limits are enforced *before* the work they protect: these tests replace the parser or
the constructor with one that fails, instead of timing anything."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from s0c.cli.common import format_diagnostics
from s0c.cli.main import cli
from s0c.spec import loader
from tests.specs import EXAMPLES, compile_text

POC = (EXAMPLES / "poc.yaml").read_text()


def _errors(text: str, name: str = "bad.yaml") -> list[str]:
    result = compile_text(text, name=name)
    assert not result.ok and not result.files
    lines = format_diagnostics((result.source, d) for d in result.diagnostics)
    assert lines and all(line.startswith(f"{name}:") and "\n" not in line for line in lines)
    return lines


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def _line_col(line: str) -> tuple[int, int]:
    _, row, col = line.split(":")[:3]
    return int(row), int(col)


def _replace(old: str, new: str) -> str:
    assert old in POC
    return POC.replace(old, new, 1)


@pytest.fixture
def no_construction(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail if ruamel builds objects: the document must be refused before that."""
    def refuse(*args, **kwargs):
        raise AssertionError("the constructor ran on a document the checks should refuse")
    monkeypatch.setattr(YAML, "load", refuse)


@pytest.fixture
def no_parsing(monkeypatch: pytest.MonkeyPatch, no_construction: None) -> None:
    """Fail if ruamel's scanner or parser sees the text at all."""
    def refuse(*args, **kwargs):
        raise AssertionError("the parser ran on a document the pre-scan should refuse")
    monkeypatch.setattr(YAML, "parse", refuse)


# --- standard tags on the wrong kind of value (were exit 3) ------------------------------------

@pytest.mark.parametrize("value", ["!!set x", "!!omap x", "!!bool x", "!!int x", "!!float 1e",
                                   "!!str [x]", "!!str {x: 1}", "!!omap [x: 1]", "!!set {x}",
                                   "!!binary aGk=", "!!timestamp x", "!!null x", "!!map x",
                                   "!!seq x", "!!pairs x", "!!merge x", "!!python/none ''",
                                   "!custom x", "! x"])
def test_tags_are_refused_where_they_are(value: str) -> None:
    text = _replace("region: us-east-1", f"region: {value}")
    errors = _errors(text)
    assert len(errors) == 1 and " S0C-YAML " in errors[0], errors
    assert _line_col(errors[0]) == (6, 9), errors


def test_str_tag_is_a_string() -> None:
    text = _replace('version: "15"', "version: !!str 15")
    assert compile_text(text).ok


# --- nesting, exponential flow mappings, alias bombs ------------------------------------------

def test_deep_flow_nesting_is_refused_before_parsing(no_parsing: None) -> None:
    errors = _errors("a: " + "[" * 5000)
    assert "nested '[' or '{'" in errors[0] and _line_col(errors[0]) == (1, 4 + loader.MAX_DEPTH)


@pytest.mark.parametrize("text", ["- " * 5000 + "x\n",
                                  "".join(" " * i + "a:\n" for i in range(200))])
def test_deep_block_nesting_is_refused_before_construction(text: str,
                                                           no_construction: None) -> None:
    errors = _errors(text)
    assert f"nested deeper than {loader.MAX_DEPTH} levels" in errors[0]


@pytest.mark.parametrize("depth", [2, 14, 16, 30])
def test_nested_flow_mappings_never_reach_the_constructor(depth: int,
                                                          no_construction: None) -> None:
    # 35 bytes at depth 16 used to take over a minute inside ruamel's constructor.
    errors = _errors("a: " + "{" * depth + "}" * depth)
    assert "keys must be strings, got a mapping" in errors[0]
    assert _line_col(errors[0]) == (1, 5)


ALIAS_BOMB = "a: &a [" + ",".join(['"lol"'] * 9) + "]\n" + "".join(
    f"{n}: &{n} [{','.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi"))


def test_alias_bomb_is_refused_before_construction(no_construction: None) -> None:
    assert len(ALIAS_BOMB) < 500
    errors = _errors(ALIAS_BOMB)
    assert f"more than {loader.MAX_NODES} YAML nodes with aliases expanded" in errors[0]


@pytest.mark.parametrize("text,message", [
    ("a: &a [*a]\n", "alias *a is inside the node it refers to"),
    ("a: *nowhere\n", "alias *nowhere refers to no anchor before it"),
    ("x: &x [1]\n*x : 2\n", "keys must be strings, got an alias to a collection"),
    ("? [a, b]\n: c\n", "keys must be strings, got a sequence"),
])
def test_alias_and_key_shapes(text: str, message: str, no_construction: None) -> None:
    assert any(message in e for e in _errors(text))


def test_merge_keys_work_and_keep_positions() -> None:
    """Anchors and merge keys stay allowed (a user may share app settings), within the bound."""
    repo = "    repo: https://github.com/TKTINC/mag7-7DTE-system.git\n"
    text = POC.replace("  - name: smart-0dte\n",
                       "  - &app\n    name: smart-0dte\n    branch: main\n", 1).replace(
        "  - name: mag7-7dte\n" + repo,
        "  - <<: *app\n    name: mag7-7dte\n" + repo + "    web_health_path: no-slash\n", 1)
    lines = text.splitlines()
    result = compile_text(text, name="m.yaml")
    errors = format_diagnostics((result.source, d) for d in result.diagnostics)
    # Only the deliberate error, at the line that has it; the merged keys did not crash.
    assert len(errors) == 1 and "apps[1].web_health_path" in errors[0], errors
    row, _ = _line_col(errors[0])
    assert "web_health_path: no-slash" in lines[row - 1]
    # A key the merge brought in is positioned where it was written, in the anchored mapping.
    branch = result.source.locate(("apps", 1, "branch"))
    assert branch == result.source.locate(("apps", 0, "branch"))
    assert lines[branch.line - 1] == "    branch: main"


def test_size_is_checked_before_parsing(no_parsing: None, tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:  # 10 MB: refused from its size, never read in full
        handle.write(b"a: ")
        handle.truncate(10 * 1024 * 1024)
    code, out = _cli("validate", str(big))
    assert code == 2 and f"{big}:1:1: S0C-FILE" in out and "larger than" in out
    errors = _errors("a: " + "x" * loader.MAX_SPEC_BYTES)
    assert "larger than" in errors[0]


# --- FIFOs and other non-files ----------------------------------------------------------------

def _finishes(call: Callable[[], object], seconds: float = 60) -> object:
    box: list[object] = []
    thread = threading.Thread(target=lambda: box.append(call()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "blocked (a FIFO opened for reading waits for a writer)"
    return box[0]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_as_spec_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "spec.yaml"
    os.mkfifo(fifo)
    code, out = _finishes(lambda: _cli("validate", str(fifo)))
    assert code == 2 and "FIFO" in out and out.startswith(f"{fifo}:1:1: S0C-FILE")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("kind", ["fifo", "directory", "big"])
def test_public_key_file_must_be_a_small_regular_file(tmp_path: Path, kind: str) -> None:
    key = tmp_path / "key.pub"
    if kind == "fifo":
        os.mkfifo(key)
    elif kind == "directory":
        key.mkdir()
    else:
        key.write_text("ssh-ed25519 " + "A" * (loader.MAX_NAMED_FILE_BYTES + 1) + "\n")
    spec = tmp_path / "spec.yaml"
    spec.write_text(_replace("public_key_file: keys/poc.pub", "public_key_file: key.pub"))
    code, out = _finishes(lambda: _cli("validate", str(spec)))
    line = next(i for i, t in enumerate(spec.read_text().splitlines(), 1) if "public_key_file" in t)
    assert code == 2 and f"{spec}:{line}:" in out and "S0C-FILE" in out, out
    assert {"fifo": "FIFO", "directory": "directory", "big": "larger than"}[kind] in out


# --- positions survive load_file (were file:1:1) ----------------------------------------------

@pytest.mark.parametrize("old,new,needle,message", [
    ("repo: https://github.com/TKTINC/mag7-7DTE-system.git",
     'repo: "https://github.com/TKTINC/mag7\\x01.git"', "mag7\\x01", "control character U+0001"),
    ("health_path: /health\n  - name: mag7", "health_path: !custom /health\n  - name: mag7",
     "!custom", "YAML tag !custom"),
    ("cpu_alarm_percent: 80", "cpu_alarm_percent: 80, 7: x", "7: x", "keys must be strings"),
    ("Environment: poc", '"Env\\tironment": poc', "Env\\t", "control character U+0009"),
])
def test_positions_deep_in_a_file(tmp_path: Path, old: str, new: str, needle: str,
                                  message: str) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(_replace(old, new))
    code, out = _cli("validate", str(spec))
    line = next(i for i, t in enumerate(spec.read_text().splitlines(), 1) if needle in t)
    errors = [e for e in out.splitlines() if message in e]
    assert code == 2 and errors, out
    row, col = _line_col(errors[0])
    assert row == line > 1 and col > 1, errors


# --- duplicate bucket names (were ValueError from the graph) ----------------------------------

@pytest.mark.parametrize("names,second,message", [
    (["backups", "logs", "backups"], 2, "bucket name 'backups' is already used by buckets[0]"),
    (["xy", "xy-public-access"], 1, "clashes with the resources s0c names after buckets[0]"),
    (["xy-versioning", "xy"], 1, "clashes with the resources s0c names after buckets[0]"),
])
def test_duplicate_bucket_names_are_positioned(names: list[str], second: int,
                                               message: str) -> None:
    text = POC + "buckets:\n" + "".join(f"  - name: {n}\n" for n in names)
    errors = _errors(text)
    assert len(errors) == 1 and " S0C-NAME " in errors[0] and message in errors[0], errors
    row, col = _line_col(errors[0])
    assert text.splitlines()[row - 1] == f"  - name: {names[second]}" and col == 11


# --- non-numbers and money --------------------------------------------------------------------

@pytest.mark.parametrize("old,new,path", [
    ("alerts_usd: [100, 200, 300]", "alerts_usd: [100, .inf, 300]", "budget.alerts_usd[1]"),
    ("monthly_usd: 250", "monthly_usd: .inf", "budget.monthly_usd"),
    ("monthly_usd: 250", "monthly_usd: .nan", "budget.monthly_usd"),
    ("cpu_alarm_percent: 80", "cpu_alarm_percent: .NaN", "monitoring.cpu_alarm_percent"),
    ("monitoring: {cpu_alarm_percent: 80}",
     "monitoring: {cpu_alarm_percent: 80}\ncost: {alb_lcus: .inf}", "cost.alb_lcus"),
    ("monitoring: {cpu_alarm_percent: 80}",
     "monitoring: {cpu_alarm_percent: 80}\ncost: {nat_data_gb_per_month: -.inf}",
     "cost.nat_data_gb_per_month"),
])
def test_non_finite_floats_are_refused(old: str, new: str, path: str) -> None:
    text = _replace(old, new)
    errors = [e for e in _errors(text) if path in e]
    assert errors and " S0C-SCHEMA " in errors[0], errors
    needle = new.split("\n")[-1].split(":")[0]
    row, _ = _line_col(errors[0])
    assert needle in text.splitlines()[row - 1]


@pytest.mark.parametrize("old,new,message", [
    ("monthly_usd: 250", "monthly_usd: 0.001", "greater than or equal to 0.01"),
    ("monthly_usd: 250", "monthly_usd: 250.005", "more than 2 decimals"),
    ("alerts_usd: [100, 200, 300]", "alerts_usd: [100, 199.999, 300]", "more than 2 decimals"),
    ("monthly_usd: 250", "monthly_usd: 1e12", "less than or equal to 1000000000"),
])
def test_money_is_whole_cents(old: str, new: str, message: str) -> None:
    errors = _errors(_replace(old, new))
    assert any(message in e and "budget." in e for e in errors), errors


def test_cents_are_kept_in_the_output() -> None:
    result = compile_text(_replace("monthly_usd: 250", "monthly_usd: 249.99"))
    assert result.ok and 'limit_amount = "249.99"' in result.files["budget.tf"]
