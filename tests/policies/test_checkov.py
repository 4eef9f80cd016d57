"""checkov, a real peer, on the compiled PoC: every failed check is reviewed in checkov_review.

checkov lives in its own virtualenv (it replaces python-hcl2's `hcl2` package and pins an old
boto3), created on first use under .cache/ or taken from $S0C_CHECKOV.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from s0c.compiler.pipeline import compile_spec
from s0c.plugins.manager import make_plugin_manager
from s0c.policies.engine import registered_rules
from tests.specs import EXAMPLES

from .checkov_review import COVERED, REVIEW

ROOT = Path(__file__).resolve().parents[2]
CHECKOV_VERSION = "3.3.30"
pytestmark = [pytest.mark.checkov, pytest.mark.slow]


@pytest.fixture(scope="session")
def checkov() -> str:
    if os.environ.get("S0C_CHECKOV"):
        return os.environ["S0C_CHECKOV"]
    venv = ROOT / ".cache" / "checkov-venv"
    binary = venv / "bin" / "checkov"
    if not binary.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q",
                        f"checkov=={CHECKOV_VERSION}"], check=True)
    return str(binary)


def failed_checks(checkov: str, *target: str) -> dict[str, set[str]]:
    run = subprocess.run([checkov, *target, "--skip-download", "-o", "json", "--compact",
                          "--quiet"], capture_output=True, text=True, timeout=300)
    assert run.returncode in (0, 1), run.stderr[-2000:]
    reports = json.loads(run.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    failed: dict[str, set[str]] = {}
    for report in reports:
        assert report["summary"]["parsing_errors"] == 0
        assert report["summary"]["resource_count"] > 60  # it really read the output
        for check in report["results"]["failed_checks"]:
            failed.setdefault(check["check_id"], set()).add(check["resource"])
    return failed


@pytest.mark.parametrize("backend,args", [
    ("terraform", ["--framework", "terraform", "-d"]),
    ("cloudformation", ["--framework", "cloudformation", "-f"]),
])
def test_checkov_findings_on_the_poc_are_all_reviewed(checkov, tmp_path, backend, args):
    result = compile_spec(str(EXAMPLES / "poc.yaml"), backend)
    assert result.ok
    for name, text in result.files.items():
        (tmp_path / name).write_text(text)
    target = str(tmp_path if backend == "terraform" else tmp_path / "template.yaml")
    failed = failed_checks(checkov, *args, target)
    unreviewed = {check: sorted(resources) for check, resources in failed.items()
                  if check not in REVIEW}
    assert not unreviewed, f"review these checkov findings in checkov_review.py: {unreviewed}"
    rules = registered_rules(make_plugin_manager())
    for check in failed:
        verdict, why = REVIEW[check]
        if verdict == COVERED and why.startswith("S0C-"):
            assert why.split()[0] in rules, check
