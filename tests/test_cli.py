"""The command line: exit codes, messages, atomic output that leaves other files alone."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from s0c.cli import output
from s0c.cli.main import cli
from tests.specs import EXAMPLES

ROOT = Path(__file__).resolve().parent.parent

POC = str(EXAMPLES / "poc.yaml")


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_validate_ok() -> None:
    code, out, _ = run("validate", POC)
    assert code == 0 and "ok (" in out


def test_compile_writes_and_reports(tmp_path: Path) -> None:
    code, out, err = run("compile", POC, "--backend", "terraform", "-o", str(tmp_path / "tf"))
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "tf").iterdir()) == sorted([
        "budget.tf", "cache.tf", "compute.tf", "database.tf", "iam.tf", "load_balancer.tf",
        "monitoring.tf", "network.tf", "outputs.tf", "security.tf", "variables.tf", "versions.tf"])
    assert "74 resources, 2 lookups -> 12 files" in out


def test_failed_compile_leaves_existing_output_untouched(tmp_path: Path) -> None:
    target = tmp_path / "tf"
    assert run("compile", POC, "-o", str(target))[0] == 0
    (target / "terraform.tfstate").write_text("{}")
    before = {p.name: p.read_bytes() for p in target.iterdir()}
    bad = tmp_path / "bad.yaml"
    bad.write_text((EXAMPLES / "poc.yaml").read_text().replace("storage_gb: 50", "storage_gb: 5"))
    code, _, err = run("compile", str(bad), "-o", str(target))
    assert code == 2 and f"{bad}:" in err
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before


def test_recompile_keeps_foreign_files_and_removes_stale_ones(tmp_path: Path) -> None:
    target = tmp_path / "tf"
    assert run("compile", POC, "-o", str(target))[0] == 0
    (target / "terraform.tfstate").write_text("{}")
    (target / "mine.tf").write_text("# hand-written\n")
    (target / "old.tf").write_text(output.MARKER + " long ago\n")
    code, out, _ = run("compile", POC, "-o", str(target))
    assert code == 0 and "removed stale old.tf" in out
    assert (target / "terraform.tfstate").exists() and (target / "mine.tf").exists()
    assert not (target / "old.tf").exists()


def test_staging_failure_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "tf"
    target.mkdir()
    (target / "network.tf").write_text("old")
    real_replace = os.replace
    calls = []
    monkeypatch.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(28, "No space")) if
                        calls.append(fd) or len(calls) > 2 else None)
    with pytest.raises(output.WriteError):
        output.write_tree(str(target), {"a.tf": "x", "b.tf": "y", "network.tf": "new"}, (".tf",))
    assert os.replace is real_replace
    assert sorted(p.name for p in target.iterdir()) == ["network.tf"]
    assert (target / "network.tf").read_text() == "old"


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    code, _, err = run("compile", POC, "--backend", "pulumi", "-o", str(tmp_path))
    assert code == 2 and "'pulumi' is not installed (available: boto3, cloudformation," \
        " terraform)" in err
    assert run("compile")[0] == 2
    assert run("frobnicate")[0] == 2
    code, _, err = run("validate", str(tmp_path / "missing.yaml"))
    assert code == 2 and "cannot read spec" in err


def test_output_path_is_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = run("compile", POC, "-o", str(blocker))
    assert code == 2 and "is a file" in err


def test_schema_is_json_schema() -> None:
    code, out, _ = run("schema")
    document = json.loads(out)
    assert code == 0 and document["additionalProperties"] is False
    assert {"network", "database", "cache", "apps", "budget"} <= set(document["properties"])


def test_backends_lists_the_built_in_backends() -> None:
    code, out, _ = run("backends")
    assert code == 0
    assert [line.split("\t")[0] for line in out.splitlines()] == [
        "boto3", "cloudformation", "terraform"]


def test_console_script_end_to_end(tmp_path: Path) -> None:
    """The installed `s0c` entry point, as users run it (real process, real exit codes)."""
    exe = Path(sys.executable).with_name("s0c")
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nname: x\nnetwork: {cidr: 10.0.0.0/8x}\n")
    proc = subprocess.run([str(exe), "validate", str(bad)], capture_output=True, text=True)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.splitlines()[0].startswith(f"{bad}:")
    proc = subprocess.run([str(exe), "compile", POC, "-o", str(tmp_path / "out")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts_for_three_shells(shell: str) -> None:
    result = CliRunner().invoke(cli, ["completion", shell])
    assert result.exit_code == 0 and "_S0C_COMPLETE" in result.output


def test_completion_offers_backends_and_formats(monkeypatch) -> None:
    def complete(words: str) -> list[str]:
        monkeypatch.setenv("COMP_WORDS", words)
        monkeypatch.setenv("COMP_CWORD", str(len(words.split()) - (0 if words.endswith(" ")
                                                                    else 1)))
        monkeypatch.setenv("_S0C_COMPLETE", "bash_complete")
        result = CliRunner().invoke(cli, [], prog_name="s0c", standalone_mode=True)
        return [line.split(",", 1)[1] for line in result.output.splitlines() if "," in line]

    assert complete("s0c compile x.yaml --backend ") == ["boto3", "cloudformation", "terraform"]
    assert complete("s0c diff a b --format ") == ["text", "markdown", "json"]


def test_every_finding_line_says_its_severity(tmp_path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(ROOT / "tests" / "golden" / "bad_spec"
                                                      / "input.yaml")])
    lines = [line for line in result.output.splitlines() if ": S0C-" in line]
    assert lines and all(re.search(r": S0C-[A-Z0-9-]+ \[(error|warning|info)\] ", line)
                         for line in lines)


def test_rules_markdown_carries_the_rationale() -> None:
    result = CliRunner().invoke(cli, ["rules", "--format", "markdown"])
    assert result.output.splitlines()[0] == "| ID | severity | rule | rationale | remediation |"
    assert "trading history" in result.output  # S0C-LIVE-001's rationale
