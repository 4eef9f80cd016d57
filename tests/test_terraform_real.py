"""Terraform itself on s0c's Terraform: ``fmt -check``, ``validate`` and ``plan``.

The other Terraform checks (tests/tfcheck.py) parse and compare with the provider schema; these
run the real binary with the real hashicorp/aws provider (5.100, from a filesystem mirror found
on the machine, see tests/tfplan.py), offline:

* ``terraform fmt -check`` on both goldens and on generated specs: one process for all. This is
  the suite's one fmt check.
* ``terraform validate`` (types, arguments, references, expressions) on the same
  configurations, in ONE init and ONE validate: each is a child module of a scratch root, with
  only the provider pin relaxed (an override file; s0c's files are unchanged).
* ``terraform plan`` of the PoC against the session's moto server: Terraform reads its data
  sources from moto and plans to create exactly the graph's resources.

Every test skips, saying why, when terraform or the mirror is missing (`.ci/run` prints whether
they ran). The session shares one ``TerraformSetup`` (CLI configuration and a plugin cache that
links to the mirror: no init copies the 675 MB provider).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from tests.specs import compile_data, compile_text
from tests.strategies import valid_specs
from tests.tfplan import (TerraformOracle, TerraformSetup, fmt_check, terraform_available,
                          validate_many)

UNAVAILABLE = terraform_available()
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(UNAVAILABLE is not None,
                                 reason=f"real Terraform unavailable: {UNAVAILABLE}")]

GOLDENS = Path(__file__).parent / "golden"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
GENERATED = 4  # specs drawn (derandomized) from tests/strategies.valid_specs

def _golden(name: str) -> dict[str, str]:
    directory = GOLDENS / name / "expected" / "terraform"
    return {p.name: p.read_text() for p in sorted(directory.glob("*.tf"))}


def _generated() -> list[dict[str, str]]:
    """GENERATED distinct specs from valid_specs (nasty strings and template markers included),
    drawn the same way every run, compiled to Terraform."""
    drawn: list[dict] = []

    @settings(max_examples=GENERATED * 3, derandomize=True, database=None, deadline=None,
              phases=[Phase.generate], suppress_health_check=list(HealthCheck))
    @given(valid_specs(templates=True))
    def draw(data: dict) -> None:
        if len(drawn) < GENERATED:
            drawn.append(data)

    draw()
    out = []
    for data in drawn:
        result = compile_data(data)
        assert result.ok, result.diagnostics
        out.append(result.files)
    return out


@pytest.fixture(scope="session")
def tf_setup(tmp_path_factory) -> TerraformSetup:
    return TerraformSetup(tmp_path_factory.mktemp("terraform-setup"))


@pytest.fixture(scope="module")
def configurations() -> dict[str, dict[str, str]]:
    configs = {"golden_poc": _golden("poc"), "golden_live_3az": _golden("live_3az")}
    assert all(configs.values()), "no golden Terraform found under tests/golden/*/expected"
    configs.update({f"generated_{i}": files for i, files in enumerate(_generated(), 1)})
    return configs


@pytest.fixture(scope="module")
def validated(configurations, tf_setup, tmp_path_factory) -> dict[str, list[str]]:
    return validate_many(configurations, tmp_path_factory.mktemp("validate"), tf_setup)


def test_fmt_check(configurations, tf_setup, tmp_path: Path) -> None:
    for name, files in configurations.items():
        (tmp_path / name).mkdir()
        for file_name, text in files.items():
            (tmp_path / name / file_name).write_text(text)
    unformatted = fmt_check(tmp_path, tf_setup)
    # The heredoc alignment of `user_data = <<EOT` among its neighbours was the last case.
    assert unformatted == [], f"terraform fmt would rewrite {unformatted}"


@pytest.mark.parametrize("name", ["golden_poc", "golden_live_3az",
                                  *(f"generated_{i}" for i in range(1, GENERATED + 1))])
def test_validate(validated, name: str) -> None:
    assert validated[""] == []  # the scratch root itself
    assert validated[name] == []


def test_plan_poc_against_moto(moto_server, tf_setup, tmp_path: Path) -> None:
    result = compile_text((EXAMPLES / "poc.yaml").read_text(), name="poc.yaml")
    assert result.ok and result.graph is not None
    resources, lookups = result.graph.counts()
    moto_server.reset()
    with TerraformOracle(moto_server.endpoint, tmp_path, setup=tf_setup) as tf:
        plan = tf.plan(result.files)
    creates = {address for address, action in plan.items() if action == "create"}
    assert len(creates) == resources, sorted(plan)
    assert set(plan.values()) <= {"create", "read"}, plan
    assert "aws_instance.host" in creates and "aws_db_instance.db" in creates
