#!/usr/bin/env python3
"""Policy-check time of the PoC: `s0c lint` against checkov, a peer scanner, in one run.

    python bench/lint_bench.py [--runs N]

checkov scans the Terraform s0c compiles from the same spec (s0c's rules read the spec and its
graph, checkov reads the HCL). checkov comes from its own virtualenv ($S0C_CHECKOV,
bench/.venv-checkov, which bench/run.py creates, or the tests' .cache/checkov-venv); it is skipped,
and says so, when absent. bench/run.py is the benchmark of record; this one is the lint part. Times are
wall-clock medians of whole CLI processes; ratio = checkov time / s0c time (higher = s0c faster).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import median_ms, print_ratios  # bench/timing.py, beside this script

ROOT = Path(__file__).resolve().parent.parent
POC = ROOT / "examples" / "poc.yaml"


def run_ms(command: list[str], runs: int) -> float:
    def run() -> None:
        done = subprocess.run(command, capture_output=True)
        if done.returncode not in (0, 1):
            raise SystemExit(f"{command[0]} failed: {done.stderr.decode()[-500:]}")
    return median_ms(run, runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    s0c = shutil.which("s0c") or str(Path(sys.executable).with_name("s0c"))
    rows = [("s0c lint (CLI process)", run_ms([s0c, "lint", str(POC)], args.runs))]
    rows.append(("s0c lint --format sarif",
                 run_ms([s0c, "lint", "-f", "sarif", str(POC)], args.runs)))
    # $S0C_CHECKOV, bench/run.py's virtualenv, or the one tests/policies/test_checkov.py creates.
    checkov = os.environ.get("S0C_CHECKOV") or next(
        (str(p) for p in (ROOT / "bench/.venv-checkov/bin/checkov",
                          ROOT / ".cache/checkov-venv/bin/checkov") if p.exists()),
        str(ROOT / "bench/.venv-checkov/bin/checkov"))
    if Path(checkov).exists():
        with tempfile.TemporaryDirectory() as out:
            subprocess.run([s0c, "compile", str(POC), "-o", out], check=True, capture_output=True)
            rows.append(("checkov -d <terraform> --skip-download",
                         run_ms([checkov, "-d", out, "--framework", "terraform",
                                    "--skip-download", "--quiet", "--compact"], args.runs)))
    else:
        print(f"checkov not found at {checkov}: run bench/run.py once (it creates it)")
    print_ratios(rows, rows[0][1], "tool")


if __name__ == "__main__":
    main()
