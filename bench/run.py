#!/usr/bin/env python3
"""s0c against the tools a user would otherwise run on the same environment, in one run.

    .venv/bin/python bench/run.py [--runs N] [--no-install] [--skip-peers]

Every row is a whole CLI process on examples/poc.yaml (or what s0c compiles from it), timed
wall-clock; the table shows medians of N runs and the ratios the targets are about:

  s0c compile (terraform, cloudformation, boto3), s0c lint, s0c diff (PoC -> PoC in live mode),
  s0c lint of 100 specs in one call against one spec,
  peers: `cdk synth` of the same environment written with AWS CDK (bench/peers/cdk), checkov and
  cfn-lint on the compiled Terraform / CloudFormation, `terraform validate` of the Terraform.

Set-up is never timed: s0c's modules byte-compiled (as an install does), `npm ci` of the CDK
peer, the checkov virtualenv (bench/.venv-checkov, checkov pinned as in
tests/policies/test_checkov.py, run with --skip-download), `terraform init` (tests/tfplan.py:
CLI configuration and plugin cache pointing at the provider mirror). With
--no-install, a peer whose set-up is missing is skipped instead. A peer that cannot run is
reported as skipped with the reason, never estimated.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import median_ms  # bench/timing.py, beside this script

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests/tfplan.py: the Terraform set-up the tests use
POC = ROOT / "examples" / "poc.yaml"
CDK = ROOT / "bench" / "peers" / "cdk"
CHECKOV_VENV = ROOT / "bench" / ".venv-checkov"
CHECKOV_VERSION = "3.3.30"  # as tests/policies/test_checkov.py
MANY = 100
SERIES = (10, 25, 50, 100, 200)  # `s0c lint` of N specs in one call: does it grow linearly?
# (what, numerator row, denominator row, target, True if the target is "at least")
TARGETS = [
    ("cdk synth / s0c compile -b cloudformation", "cdk synth (CDK CLI)",
     "s0c compile -b cloudformation", 20.0, True),
    ("cdk synth / s0c compile -b terraform", "cdk synth (CDK CLI)",
     "s0c compile -b terraform", 20.0, True),
    ("checkov / s0c lint", "checkov (terraform)", "s0c lint", 20.0, True),
    (f"s0c lint x{MANY} / s0c lint x1", f"s0c lint, {MANY} specs in one call",
     "s0c lint", 2.5, False),
]


class Skipped(Exception):
    """A peer that cannot run here; the message says why."""


def run(command: list[str], *, ok: tuple[int, ...] = (0,), **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if done.returncode not in ok:
        raise Skipped(f"`{' '.join(command[:3])} ...` exited {done.returncode}: "
                      f"{(done.stderr or done.stdout).strip()[-300:]}")
    return done


def timed(command: list[str], runs: int, **kwargs) -> float:
    run(command, **kwargs)  # a warm-up that must succeed (and fills the OS caches)
    return median_ms(lambda: run(command, **kwargs), runs)


# s0c's packages (pyproject.toml's package-dir): their folders at the top of the repository.
PACKAGE_DIRS = ("spec", "catalogue", "plugins", "compiler", "backends", "policies", "cost", "diff",
                "runner", "cli")


def byte_compile() -> None:
    """Set-up, not timed: s0c's modules byte-compiled, as an installed s0c has them (pip
    compiles a wheel's modules when it installs them; an editable install writes them on first
    use). Without it, with PYTHONDONTWRITEBYTECODE set (as on the shared VM), every s0c process
    would compile its own ~100 modules from source again (~30-60 ms), which no user pays; the
    peers' modules (checkov, cfn-lint) are compiled by their install."""
    import compileall

    for name in PACKAGE_DIRS:
        compileall.compile_dir(str(ROOT / name), quiet=2)


def s0c_exe() -> str:
    return shutil.which("s0c", path=str(Path(sys.executable).parent)) or shutil.which("s0c") or \
        str(Path(sys.executable).with_name("s0c"))


def many_specs(directory: Path) -> list[str]:
    """max(SERIES) copies of the PoC under distinct environment names, with its key file beside
    them."""
    shutil.copytree(POC.parent / "keys", directory / "keys")
    text = POC.read_text()
    assert "name: smart-0dte-poc" in text
    paths = []
    for i in range(max(SERIES)):
        path = directory / f"env{i:03d}.yaml"
        path.write_text(text.replace("name: smart-0dte-poc", f"name: poc-{i:03d}", 1))
        paths.append(str(path))
    return paths


def cdk_synth(out: Path, runs: int, install: bool) -> tuple[float, str]:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None:
        raise Skipped("Node.js is not installed")
    cli = CDK / "node_modules" / ".bin" / "cdk"
    if not cli.exists():
        if not install or npm is None:
            raise Skipped("the CDK peer is not installed: npm ci --prefix bench/peers/cdk")
        print("installing the CDK peer (npm ci, not timed) ...", flush=True)
        run([npm, "ci", "--prefix", str(CDK), "--no-audit", "--no-fund", "--loglevel=error"],
            timeout=900)
    env = {**os.environ, "CDK_DISABLE_VERSION_CHECK": "1", "CDK_DISABLE_CLI_TELEMETRY": "true"}
    version = run([str(cli), "--version"], cwd=CDK, env=env).stdout.strip().split()[0]
    ms = timed([str(cli), "synth", "--no-notices", "-q", "-o", str(out)], runs, cwd=CDK, env=env,
               timeout=600)
    return ms, f"aws-cdk {version}, aws-cdk-lib {_npm_version('aws-cdk-lib')}"


def _npm_version(package: str) -> str:
    import json

    try:
        return json.loads((CDK / "node_modules" / package / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        return "?"


def checkov_binary(install: bool) -> str:
    if os.environ.get("S0C_CHECKOV"):
        return os.environ["S0C_CHECKOV"]
    binary = CHECKOV_VENV / "bin" / "checkov"
    if not binary.exists():
        if not install:
            raise Skipped(f"no checkov at {binary} (run without --no-install, or set S0C_CHECKOV)")
        print(f"creating {CHECKOV_VENV.relative_to(ROOT)} with checkov {CHECKOV_VERSION}"
              " (not timed) ...", flush=True)
        run([sys.executable, "-m", "venv", str(CHECKOV_VENV)], timeout=300)
        (CHECKOV_VENV / ".gitignore").write_text("*\n")
        run([str(CHECKOV_VENV / "bin" / "python"), "-m", "pip", "install", "-q",
             f"checkov=={CHECKOV_VERSION}"], timeout=1800)
    return str(binary)


def terraform_validate(tf_files: Path, work: Path, runs: int) -> tuple[float, str]:
    from tests.tfplan import (PIN_OVERRIDE_NAME, TerraformSetup, relaxed_pin_text,
                              run_terraform, terraform_available)

    reason = terraform_available()
    if reason is not None:
        raise Skipped(reason)
    setup = TerraformSetup(work / "setup")
    config = work / "config"
    shutil.copytree(tf_files, config)
    (config / PIN_OVERRIDE_NAME).write_text(relaxed_pin_text())  # only 5.x is mirrored
    env = setup.env()
    init = run_terraform(["init", "-backend=false", "-input=false", "-no-color"], config, env, 300)
    if init.returncode != 0:
        raise Skipped(f"terraform init failed: {init.stdout[-300:]}{init.stderr[-300:]}")
    version = run(["terraform", "version"], env=env).stdout.split("\n")[0]
    return timed(["terraform", "validate", "-no-color"], runs, cwd=config, env=env,
                 timeout=600), version


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per row (median)")
    parser.add_argument("--no-install", action="store_true",
                        help="skip peers whose set-up (npm ci, checkov venv) is missing")
    parser.add_argument("--skip-peers", action="store_true",
                        help="time s0c's rows only (a quick look; the peer ratios need them)")
    args = parser.parse_args()
    install = not args.no_install
    s0c = s0c_exe()
    byte_compile()
    rows: list[tuple[str, float | None, str]] = []  # (name, median ms or None, note)

    def row(name: str, action) -> None:
        print(f"  {name} ...", flush=True)
        try:
            result = action()
        except Skipped as why:
            rows.append((name, None, f"skipped: {why}"))
            return
        except (OSError, subprocess.TimeoutExpired) as exc:
            rows.append((name, None, f"skipped: {exc}"))
            return
        ms, note = result if isinstance(result, tuple) else (result, "")
        rows.append((name, ms, note))

    with tempfile.TemporaryDirectory(prefix="s0c-bench-") as tmp:
        work = Path(tmp)
        out = {b: work / f"out-{b}" for b in ("terraform", "cloudformation", "boto3")}
        for backend, directory in out.items():
            row(f"s0c compile -b {backend}",
                lambda b=backend, d=directory: timed([s0c, "compile", str(POC), "-b", b,
                                                      "-o", str(d)], args.runs))
        row("s0c lint", lambda: timed([s0c, "lint", str(POC)], args.runs, ok=(0, 1)))
        live_dir = work / "live"
        live_dir.mkdir()
        shutil.copytree(POC.parent / "keys", live_dir / "keys")
        live = live_dir / "poc-live.yaml"
        text = POC.read_text()
        live.write_text(text.replace("mode: development ", "mode: live        ", 1))
        assert live.read_text() != text
        row("s0c diff (PoC -> live)",
            lambda: timed([s0c, "diff", str(POC), str(live), "--allow-live"], args.runs,
                          ok=(0, 1)))
        specs = many_specs(work / "many")
        for count in SERIES:
            row(f"s0c lint, {count} specs in one call",
                lambda n=count: (timed([s0c, "lint", *specs[:n]], args.runs, ok=(0, 1)),
                                 f"{n} x the PoC"))

        if args.skip_peers:
            report(rows, args.runs)
            return
        print("peers:", flush=True)
        row("cdk synth (CDK CLI)", lambda: cdk_synth(work / "cdk.out", args.runs, install))

        def checkov(framework: str, target: Path):
            binary = checkov_binary(install)
            version = run([binary, "--version"]).stdout.strip()
            return timed([binary, "-d", str(target), "--framework", framework,
                          "--skip-download", "--quiet", "--compact"], args.runs, ok=(0, 1),
                         timeout=600), f"checkov {version}"
        row("checkov (terraform)", lambda: checkov("terraform", out["terraform"]))
        row("checkov (cloudformation)", lambda: checkov("cloudformation", out["cloudformation"]))

        def cfn_lint():
            binary = shutil.which("cfn-lint", path=str(Path(sys.executable).parent))
            if binary is None:
                raise Skipped("cfn-lint is not installed (pip install -e '.[test]')")
            version = run([binary, "--version"]).stdout.strip()
            return timed([binary, str(out["cloudformation"] / "template.yaml")], args.runs,
                         ok=(0, 2, 4, 6, 8, 10, 12, 14)), version
        row("cfn-lint (cloudformation)", cfn_lint)
        row("terraform validate", lambda: terraform_validate(out["terraform"], work / "tf",
                                                            args.runs))

    report(rows, args.runs)


def report(rows: list[tuple[str, float | None, str]], runs: int) -> None:
    times = {name: ms for name, ms, _ in rows if ms is not None}
    print()
    print(f"{datetime.date.today()} · {platform.node()} · {cpu()} · Python "
          f"{platform.python_version()} · s0c {_s0c_version()} · median of {runs} runs")
    width = max(len(name) for name, _, _ in rows) + 2
    base = times.get("s0c lint")
    print(f"{'':{width}} {'median ms':>10} {'/ s0c lint':>11}  note")
    for name, ms, note in rows:
        if ms is None:
            print(f"{name:{width}} {'-':>10} {'':>11}  {note}")
        else:
            ratio = f"{ms / base:10.2f}x" if base else ""
            print(f"{name:{width}} {ms:10.0f} {ratio:>11}  {note}")
    one = times.get("s0c lint")
    series = [(n, times[f"s0c lint, {n} specs in one call"]) for n in SERIES
              if f"s0c lint, {n} specs in one call" in times]
    if one and series:
        print()
        print("s0c lint, N specs in one call (derived: ms per spec beyond the first):")
        for n, ms in series:
            print(f"  N = {n:4d}: {ms:7.0f} ms, {ms / one:5.2f}x one spec,"
                  f" {(ms - one) / (n - 1):5.2f} ms per further spec")
    print()
    print("targets (measured, not asserted):")
    for what, top, bottom, target, at_least in TARGETS:
        if top in times and bottom in times:
            ratio = times[top] / times[bottom]
            met = ratio >= target if at_least else ratio <= target
            sign = ">=" if at_least else "<="
            print(f"  {what:44} {ratio:7.2f}x  (target {sign} {target:g}x: "
                  f"{'met' if met else 'NOT met'})")
        else:
            print(f"  {what:44} {'-':>7}   (a row is skipped)")


def cpu() -> str:
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                return f"{line.split(':', 1)[1].strip()}, {os.cpu_count()} CPUs"
    except OSError:
        pass
    return f"{platform.machine()}, {os.cpu_count()} CPUs"


def _s0c_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("s0c")
    except PackageNotFoundError:
        return "?"


if __name__ == "__main__":
    main()
