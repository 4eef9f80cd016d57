#!/usr/bin/env python3
"""Policy-check time of the PoC: `s0c lint` against checkov, a peer scanner, in one run.

    python bench/lint_bench.py [--runs N]

checkov scans the Terraform s0c compiles from the same spec (s0c's rules read the spec and its
graph, checkov reads the HCL). checkov comes from its own virtualenv ($S0C_CHECKOV, or the one
the tests create in .cache/checkov-venv); it is skipped, and says so, when absent. Times are
wall-clock medians of whole CLI processes; ratio = checkov time / s0c time (higher = s0c faster).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POC = ROOT / "examples" / "poc.yaml"


def median_ms(command: list[str], runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True)
        samples.append((time.perf_counter() - started) * 1000)
        if done.returncode not in (0, 1):
            raise SystemExit(f"{command[0]} failed: {done.stderr.decode()[-500:]}")
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    s0c = shutil.which("s0c") or str(Path(sys.executable).with_name("s0c"))
    rows = [("s0c lint (CLI process)", median_ms([s0c, "lint", str(POC)], args.runs))]
    rows.append(("s0c lint --format sarif",
                 median_ms([s0c, "lint", "-f", "sarif", str(POC)], args.runs)))
    checkov = os.environ.get("S0C_CHECKOV") or str(ROOT / ".cache/checkov-venv/bin/checkov")
    if Path(checkov).exists():
        with tempfile.TemporaryDirectory() as out:
            subprocess.run([s0c, "compile", str(POC), "-o", out], check=True, capture_output=True)
            rows.append(("checkov -d <terraform> --skip-download",
                         median_ms([checkov, "-d", out, "--framework", "terraform",
                                    "--skip-download", "--quiet", "--compact"], args.runs)))
    else:
        print(f"checkov not found at {checkov}: run tests/policies/test_checkov.py once")
    base = rows[0][1]
    print(f"{'tool':42} {'median ms':>10} {'ratio':>7}")
    for name, ms in rows:
        print(f"{name:42} {ms:10.0f} {ms / base:6.1f}x")


if __name__ == "__main__":
    main()
