"""Fail closed: a charge s0c cannot price is "unknown", the total "at least", and with a budget the
cost rule cannot pass. A price file from `s0c prices refresh` fills the gap."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from s0c.cli.main import cli
from s0c.compiler.pipeline import lint_spec
from s0c.cost.price_file import FORMAT
from tests.policies.specs import TODAY
from tests.specs import EXAMPLES, dump, poc_data

UNPRICED_TYPE = "x2iedn.xlarge"  # a real EC2 type outside the families s0c's table covers


def _spec(tmp_path: Path, data: dict, name: str = "spec.yaml") -> str:
    pair = data["compute"]["key_pair"]
    if pair["public_key_file"] != "key.pub":
        (tmp_path / "key.pub").write_text((EXAMPLES / pair["public_key_file"]).read_text())
        pair["public_key_file"] = "key.pub"
    path = tmp_path / name
    path.write_text(dump(data))
    return str(path)


def _run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_an_unpriced_type_reads_unknown_and_the_total_at_least(tmp_path):
    data = poc_data()
    data["compute"]["instance_type"] = UNPRICED_TYPE
    spec = _spec(tmp_path, data)
    text = _run("cost", spec).output
    host = next(line for line in text.splitlines() if f"EC2 {UNPRICED_TYPE}" in line)
    assert host.split()[-1] == "unknown"
    assert "total (at least)" in text and "at least" in text and "cannot be proved" in text
    document = json.loads(_run("cost", spec, "--format", "json").output)
    assert document["total"]["complete"] is False
    unknown = [u for u in document["unpriced"] if u["resource"] == "host"]
    assert unknown and unknown[0]["monthly"] is None
    # $0 is never what an unknown adds up to: the PoC's other figures remain, the host does not.
    assert document["total"]["monthly"] == round(246.98 - 121.47, 2)
    assert "| **total (at least)** |" in _run("cost", spec, "--format", "markdown").output


def test_with_a_budget_an_unpriced_resource_is_a_lint_error_unless_suppressed(tmp_path):
    data = poc_data()
    data["compute"]["instance_type"] = UNPRICED_TYPE
    result = _run("lint", _spec(tmp_path, data), "--format", "json")
    assert result.exit_code == 1
    findings = json.loads(result.output)["files"][0]["findings"]
    cost = [f for f in findings if f["rule"] == "S0C-COST-003"]
    assert cost and cost[0]["severity"] == "error" and cost[0]["path"] == "compute.instance_type"
    data = poc_data()
    data["compute"]["instance_type"] = UNPRICED_TYPE
    data["policies"]["suppress"].append({
        "rule": "S0C-COST-003", "resource": "host",
        "reason": "priced by hand at $0.834/h from the console on 2026-11-24"})
    assert _run("lint", _spec(tmp_path, data, "suppressed.yaml")).exit_code == 0


def test_a_region_without_prices_is_one_error_on_the_region():
    data = poc_data()
    data["region"] = "af-south-1"
    report = lint_spec("spec.yaml", today=TODAY, text=dump(data), base_dir=str(EXAMPLES)).report
    cost = [d for d in report.findings if d.code == "S0C-COST-003"]
    assert len(cost) == 1 and cost[0].path == ("region",)
    assert "af-south-1" in cost[0].message and "cannot be proved" in cost[0].message


def test_the_near_ceiling_rule_says_at_least_when_some_charges_are_unknown():
    data = poc_data()
    data["compute"]["instance_type"] = UNPRICED_TYPE
    data["budget"]["monthly_usd"] = 140
    report = lint_spec("spec.yaml", today=TODAY, text=dump(data), base_dir=str(EXAMPLES)).report
    near = [d for d in report.findings if d.code == "S0C-COST-002"]
    assert near and "at least $" in near[0].message


def _price_file(tmp_path: Path, prices: dict) -> str:
    path = tmp_path / "prices.json"
    path.write_text(json.dumps({"format": FORMAT, "currency": "USD", "prices": prices}))
    return str(path)


def test_a_price_file_prices_what_the_table_lacks_from_the_cli_or_the_spec(tmp_path):
    prices = _price_file(tmp_path, {"ec2_instance": {
        "as_of": "2026-11-24", "source": "AWS Price List Query API (test figure)",
        "regions": {"us-east-1": {UNPRICED_TYPE: 0.834}}}})
    data = poc_data()
    data["compute"]["instance_type"] = UNPRICED_TYPE
    spec = _spec(tmp_path, data)
    for args in (("cost", spec, "--format", "json", "--prices", prices),):
        document = json.loads(_run(*args).output)
        assert document["total"]["complete"] is True
        host = next(i for i in document["items"] if i["description"] == f"EC2 {UNPRICED_TYPE}")
        assert host["monthly"] == round(0.834 * 730, 2) and "price file" in host["price"]["source"]
    linted = json.loads(_run("lint", spec, "--prices", prices, "--format", "json").output)
    rules = {f["rule"] for f in linted["files"][0]["findings"]}
    # Priced now: the ceiling is provable, and the bigger host is over it.
    assert "S0C-COST-003" not in rules and "S0C-COST-001" in rules
    data["cost"] = {"prices": "prices.json"}
    in_spec = _spec(tmp_path, data, "with-prices.yaml")
    assert json.loads(_run("cost", in_spec, "--format", "json").output)["total"]["complete"]


def test_a_bad_price_file_is_refused_with_exit_2(tmp_path):
    spec = str(EXAMPLES / "poc.yaml")
    bad = tmp_path / "bad.json"
    for text, words in [("{", "not JSON"), ("[]", "not a JSON object"),
                        (json.dumps({"format": FORMAT, "prices": {"ec2_instance": {
                            "as_of": "2026-11-24", "source": "x",
                            "regions": {"us-east-1": {"t3.micro": "cheap"}}}}}),
                         "is not a price"),
                        (json.dumps({"format": FORMAT, "prices": {"gpu": {}}}),
                         "unknown category")]:
        bad.write_text(text)
        result = _run("cost", spec, "--prices", str(bad))
        assert result.exit_code == 2 and words in result.output, result.output
    data = poc_data()
    data["cost"] = {"prices": "missing.json"}
    outcome = CliRunner().invoke(cli, ["validate", _spec(tmp_path, data)])
    assert outcome.exit_code == 2 and "S0C-PRICES" in outcome.output


def test_a_derived_price_is_labelled_in_every_output(tmp_path):
    data = poc_data()
    data["database"]["multi_az"] = True  # Multi-AZ figures are 2 x Single-AZ: derived
    spec = _spec(tmp_path, data)
    document = json.loads(_run("cost", spec, "--format", "json").output)
    db = next(i for i in document["items"] if i["description"].startswith("RDS PostgreSQL"))
    assert "Multi-AZ" in db["description"] and "2 x Single-AZ" in db["price"]["derived"]
    assert db["monthly"] == round(2 * 0.036 * 730, 2)
    text = _run("cost", spec).output
    assert any(line.startswith("db ") and line.rstrip().endswith("*")
               for line in text.splitlines() if "RDS PostgreSQL" in line)
    assert "* derived price: RDS PostgreSQL db.t3.small (Multi-AZ): 2 x Single-AZ" in \
        " ".join(text.split())
    markdown = _run("cost", spec, "--format", "markdown").output
    assert "(derived)" in markdown and "derived price" in markdown
    assert "(derived)" in _run("cost", spec, "--wide").output
