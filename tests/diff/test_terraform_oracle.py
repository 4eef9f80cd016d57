"""s0c diff's Terraform column against Terraform's own plan, on a moto server.

The PoC is applied once with Terraform (tests/tfplan.py: about two minutes, most of it the
provider's RDS waiter); then every golden diff case is planned against that state, and
Terraform's action per resource (create / update / replace / delete / no-op) is compared with
the one ``s0c diff`` predicts. Every disagreement must be a known one, listed below with the side
that is right; a new one fails the test. What moto cannot model is listed in
``tests.tfplan.MOTO_GAPS``.
"""

from __future__ import annotations

import datetime

import pytest

from s0c.catalogue import KINDS
from s0c.diff.compare import compare, lint_both
from tests.diff.test_diff import CASES, POC, variant
from tests.specs import EXAMPLES, compile_text
from tests.tfplan import TerraformOracle, terraform_available

UNAVAILABLE = terraform_available()
pytestmark = pytest.mark.skipif(UNAVAILABLE is not None,
                                reason=f"Terraform oracle unavailable: {UNAVAILABLE}")
# s0c's "update with interruption" is an in-place update to Terraform.
_AS_TERRAFORM = {"interrupt": "update"}
# (case, address) -> (Terraform's action, s0c's, which is right and why)
KNOWN: dict[tuple[str, str], tuple[str, str, str]] = {}


@pytest.fixture(scope="module")
def oracle(moto_server, tmp_path_factory):
    moto_server.reset()
    with TerraformOracle(moto_server.endpoint, tmp_path_factory.mktemp("oracle")) as tf:
        applied = tf.apply(compile_text(POC).files)
        assert "aws_instance.host" in applied
        yield tf


def predicted(new_text: str) -> dict[str, str]:
    old, new = lint_both(("old.yaml", POC, str(EXAMPLES)), ("new.yaml", new_text, str(EXAMPLES)),
                         datetime.date(2026, 11, 24))
    found = compare(old, new, "old.yaml", "new.yaml")
    return {f"{KINDS[r.kind].terraform}.{r.id}": _AS_TERRAFORM.get(a, a)
            for r in found.resources for a in [r.action["terraform"]] if a != "no-op"}


def disagreements(case: str, terraform: dict[str, str], s0c: dict[str, str]) -> dict:
    out = {}
    for address in sorted(set(terraform) | set(s0c)):
        if address.startswith("data."):
            continue
        theirs, ours = terraform.get(address, "no-op"), s0c.get(address, "no-op")
        if theirs != ours:
            out[(case, address)] = (theirs, ours)
    return out


def test_an_unchanged_poc_plans_to_nothing(oracle) -> None:
    # Refreshed from moto: what was applied reads back the same (tests/tfplan.py's shim), so
    # the other plans can skip the refresh.
    plan = oracle.plan_details(compile_text(POC).files)
    assert {a: c.action for a, c in plan.items() if c.action not in ("no-op", "read")} == {}
    assert predicted(POC) == {}


@pytest.mark.parametrize("case", sorted(CASES))
def test_s0c_diff_agrees_with_terraform_plan(oracle, case: str) -> None:
    new_text = variant(CASES[case])
    result = compile_text(new_text)
    assert result.ok, result.diagnostics
    terraform = {a: action for a, action in oracle.plan(result.files, refresh=False).items()
                 if action != "read"}
    found = disagreements(case, terraform, predicted(new_text))
    expected = {key: value[:2] for key, value in KNOWN.items() if key[0] == case}
    assert found == expected
