#!/usr/bin/env python3
"""What a mode switch will do, answered by `s0c diff` and by `terraform plan`, in one run.

    python bench/diff_bench.py [--runs N]

The question is the PoC switched from development to live. s0c answers from the two specs
alone; Terraform needs the environment applied first (here: the PoC applied to a moto server on
127.0.0.1, about two minutes, not counted) and then plans against its state with
`-refresh=false` (its fastest answer). The Terraform peer needs the terraform binary and a
provider mirror (see tests/tfplan.py); it is skipped, saying why, without them.
Times are wall-clock medians; the ratio is Terraform's time / s0c's (higher = s0c faster).
"""

from __future__ import annotations

import argparse
import datetime
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import median_ms, print_ratios  # bench/timing.py, beside this script

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the tests' moto server and Terraform driver
POC = ROOT / "examples" / "poc.yaml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from s0c.compiler.pipeline import compile_spec
    from s0c.diff.compare import compare, lint_both

    old_text = POC.read_text()
    new_text = old_text.replace("mode: development ", "mode: live        ", 1)
    today = datetime.date.today()

    def in_process() -> None:
        old, new = lint_both(("old", old_text, str(POC.parent)), ("new", new_text, str(POC.parent)),
                             today)
        compare(old, new, "old", "new")

    rows = [("s0c diff (in-process)", median_ms(in_process, args.runs))]
    exe = shutil.which("s0c") or str(Path(sys.executable).with_name("s0c"))
    with tempfile.TemporaryDirectory() as tmp:
        live = Path(tmp) / "live.yaml"
        live.write_text(new_text)
        shutil.copytree(POC.parent / "keys", Path(tmp) / "keys")

        def cli() -> None:
            subprocess.run([exe, "diff", str(POC), str(live), "--allow-live"],
                           capture_output=True, check=False)
        rows.append(("s0c diff (CLI process)", median_ms(cli, args.runs)))

    from tests.tfplan import TerraformOracle, terraform_available

    reason = terraform_available()
    if reason is None:
        from tests.aws import MotoServer

        server = MotoServer().start()
        try:
            with tempfile.TemporaryDirectory() as work, TerraformOracle(server.endpoint,
                                                                       work) as tf:
                print("applying the PoC with Terraform to moto (not timed) ...", flush=True)
                tf.apply(compile_spec(str(POC), "terraform").files)
                files = compile_spec("live.yaml", "terraform", text=new_text,
                                     base_dir=str(POC.parent)).files
                rows.append(("terraform plan -refresh=false",
                             median_ms(lambda: tf.plan(files, refresh=False), args.runs)))
        finally:
            server.stop()
    else:
        print(f"Terraform peer skipped: {reason}")

    print_ratios(rows, rows[1][1], "vs the s0c CLI")


if __name__ == "__main__":
    main()
