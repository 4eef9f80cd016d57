"""`s0c lint` of many specs shares them among forked workers: the report, its order and the exit
code must be those of linting them one after another."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from s0c.cli import workers
from tests.specs import EXAMPLES

from .specs import GOOD, apply

BAD = apply(GOOD, [("admin_cidrs: [203.0.113.10/32]", "admin_cidrs: [0.0.0.0/0]")])


@pytest.fixture(scope="module")
def many(tmp_path_factory) -> list[str]:
    """Twelve specs: the PoC under other names, one with findings, one that is not valid."""
    directory = tmp_path_factory.mktemp("many")
    shutil.copytree(EXAMPLES / "keys", directory / "keys")
    poc = (EXAMPLES / "poc.yaml").read_text()
    paths = []
    for index in range(12):
        path = directory / f"spec{index:02d}.yaml"
        text = poc.replace("name: smart-0dte-poc", f"name: poc-{index:02d}", 1)
        if index == 4:
            text = BAD
        elif index == 9:
            text = text.replace("version: 1", "version: [1", 1)
        path.write_text(text)
        paths.append(str(path))
    return paths


def lint(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "s0c.cli", "lint", *args],
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit"])
def test_workers_report_what_one_process_reports(many, fmt) -> None:
    alone = lint("-j", "1", "--format", fmt, *many)
    shared = lint("-j", "3", "--format", fmt, *many)
    assert alone.returncode == shared.returncode == 2  # spec09 is not valid
    assert shared.stdout == alone.stdout
    if fmt == "text":
        files = [line.split(":", 1)[0] for line in shared.stdout.splitlines()
                 if line.endswith(("suppressed", "info", "(fix the errors above)"))]
        assert [Path(f).name for f in files] == [Path(p).name for p in many]
        assert "S0C-SSH-001" in shared.stdout and "S0C-YAML" in shared.stdout


def test_job_count() -> None:
    assert workers.job_count(1, 100) == 1
    assert workers.job_count(3, 100) == 3
    assert workers.job_count(8, 12) == 3  # at most one worker per 4 specs
    assert workers.job_count(4, 3) == 1
    assert workers.job_count(0, 100) == min(workers.available_cpus(), 25)


def test_results_come_back_in_order_and_errors_are_raised() -> None:
    assert workers.map_in_order(lambda x: x * x, list(range(40)), 3) == \
        [x * x for x in range(40)]
    with pytest.raises(ZeroDivisionError):
        workers.map_in_order(lambda x: 1 // (x - 30), list(range(40)), 2)
