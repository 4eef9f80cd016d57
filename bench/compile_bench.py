#!/usr/bin/env python3
"""Compile time of the PoC: s0c (Terraform and CloudFormation) against AWS CDK synth of the same
environment, in one run.

    python bench/compile_bench.py [--runs N]

The CDK peer (bench/peers/cdk/app.js, hand-written with aws-cdk-lib 2.276) needs
`npm ci --prefix bench/peers/cdk` once; it is skipped, and says so, when not installed.
Times are wall-clock medians; ratios are peer time / s0c time (higher = s0c faster).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import median_ms  # bench/timing.py, beside this script

ROOT = Path(__file__).resolve().parent.parent
POC = ROOT / "examples" / "poc.yaml"
CDK = ROOT / "bench" / "peers" / "cdk"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    from s0c.compiler.pipeline import compile_spec

    rows: list[tuple[str, float, int]] = []
    result = compile_spec(str(POC), "terraform")
    assert result.ok and result.graph is not None
    resources, _ = result.graph.counts()
    rows.append(("s0c compile (in-process)",
                 median_ms(lambda: compile_spec(str(POC), "terraform"), args.runs), resources))

    exe = shutil.which("s0c") or str(Path(sys.executable).with_name("s0c"))
    with tempfile.TemporaryDirectory() as out:
        def cli() -> None:
            subprocess.run([exe, "compile", str(POC), "-o", out], check=True,
                           capture_output=True)
        rows.append(("s0c compile (CLI process)", median_ms(cli, args.runs), resources))

        # The same target as CDK: a CloudFormation template.
        cfn = compile_spec(str(POC), "cloudformation")
        from cfnlint.decode import decode_str  # noqa: PLC0415 (only to count resources)

        cfn_resources = len(decode_str(cfn.files["template.yaml"])[0]["Resources"])

        def cli_cfn() -> None:
            subprocess.run([exe, "compile", str(POC), "-b", "cloudformation", "-o", out],
                           check=True, capture_output=True)
        rows.append(("s0c -b cloudformation (CLI)", median_ms(cli_cfn, args.runs),
                     cfn_resources))

    node = shutil.which("node")
    if node and (CDK / "node_modules" / "aws-cdk-lib").exists():
        with tempfile.TemporaryDirectory() as out:
            env = {**os.environ, "CDK_OUTDIR": out}

            def synth() -> None:
                subprocess.run([node, "app.js"], cwd=CDK, env=env, check=True, capture_output=True)
            elapsed = median_ms(synth, args.runs)
            template = json.loads((Path(out) / "SmartPoc.template.json").read_text())
            rows.append(("AWS CDK synth (node app.js)", elapsed, len(template["Resources"])))
    else:
        print("CDK peer skipped: run `npm ci --prefix bench/peers/cdk` (needs Node.js)")

    base = rows[1][1]
    print(f"{'':32} {'median ms':>10} {'resources':>10} {'vs s0c CLI':>11}")
    for name, ms, count in rows:
        print(f"{name:32} {ms:10.1f} {count:10d} {ms / base:10.2f}x")
    if rows[-1][0].startswith("AWS CDK"):
        print(f"CDK synth / s0c -b cloudformation (both emit CloudFormation):"
              f" {rows[-1][1] / rows[2][1]:.2f}x")


if __name__ == "__main__":
    main()
