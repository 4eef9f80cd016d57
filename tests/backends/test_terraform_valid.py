"""Generated Terraform parses (python-hcl2 and HashiCorp's parser), matches the AWS provider v6
schema, and every reference resolves. The guide's hand-written Terraform, run through the same
checks, is the counter-example these checks exist for."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from s0c.backends.provider_schema import provider_schema
from s0c.catalogue import KINDS
from tests import tfcheck
from tests.specs import compile_data, poc_data

REQUIRED_TYPES = {
    "aws_vpc", "aws_subnet", "aws_internet_gateway", "aws_eip", "aws_nat_gateway",
    "aws_route_table", "aws_route", "aws_route_table_association", "aws_security_group",
    "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule",
    "aws_db_subnet_group", "aws_db_instance", "aws_elasticache_subnet_group",
    "aws_elasticache_replication_group", "aws_instance", "aws_iam_role",
    "aws_iam_instance_profile", "aws_iam_role_policy_attachment", "aws_lb", "aws_lb_target_group",
    "aws_lb_target_group_attachment", "aws_lb_listener", "aws_lb_listener_rule",
    "aws_acm_certificate", "aws_cloudwatch_dashboard", "aws_cloudwatch_metric_alarm",
    "aws_budgets_budget", "aws_key_pair",
}


@pytest.fixture(scope="module")
def poc_files() -> dict[str, str]:
    result = compile_data(poc_data())
    assert result.ok, result.diagnostics
    return result.files


@pytest.fixture(scope="module")
def poc_parsed(poc_files: dict[str, str]) -> dict[str, dict]:
    return tfcheck.parse_files(poc_files)


def test_poc_is_complete(poc_parsed: dict[str, dict]) -> None:
    types = Counter(t for section, t, _, _ in tfcheck.resources(poc_parsed) if section == "resource")
    assert sum(types.values()) >= 35
    assert REQUIRED_TYPES <= set(types), REQUIRED_TYPES - set(types)
    assert types["aws_subnet"] == 4 and types["aws_lb_target_group"] == 4
    assert types["aws_route_table_association"] == 4
    assert types["aws_lb_listener"] == 2  # HTTPS plus the HTTP->HTTPS redirect


def test_poc_matches_provider_schema(poc_parsed: dict[str, dict]) -> None:
    assert tfcheck.schema_problems(poc_parsed) == []


def test_poc_references_resolve(poc_parsed: dict[str, dict]) -> None:
    assert tfcheck.unresolved_references(poc_parsed) == []
    refs = tfcheck.references([d.get("resource", []) + d.get("data", []) for d in poc_parsed.values()])
    assert {"aws_security_group.sg_alb", "data.aws_ssm_parameter.ami", "var.ami_parameter"} <= refs


def test_versions_pin_provider_v6(poc_parsed: dict[str, dict]) -> None:
    versions = poc_parsed["versions.tf"]["terraform"][0]["required_providers"][0]["aws"]
    assert versions["source"] == '"hashicorp/aws"' and versions["version"] == '"~> 6.0"'


def test_least_privilege_security_groups(poc_parsed: dict[str, dict]) -> None:
    rules = {name: body for section, t, name, body in tfcheck.resources(poc_parsed)
             if t.startswith("aws_vpc_security_group_")}
    world = {n for n, b in rules.items() if b.get("cidr_ipv4") == '"0.0.0.0/0"'}
    assert world == {"alb_in_https", "alb_in_http", "app_out_https"}
    ssh = [b for b in rules.values() if b["from_port"] == 22]
    assert [b["cidr_ipv4"] for b in ssh] == ['"203.0.113.10/32"']
    for port, group in ((5432, "sg_db"), (6379, "sg_cache")):
        ingress = [b for n, b in rules.items() if b["from_port"] == port and n.endswith("_in_app")]
        assert len(ingress) == 1
        assert ingress[0]["security_group_id"] == f"${{aws_security_group.{group}.id}}"
        assert ingress[0]["referenced_security_group_id"] == "${aws_security_group.sg_app.id}"
    app_ports = {b["from_port"] for n, b in rules.items() if n.startswith("app_in_")} - {22}
    assert app_ports == {8000, 8001, 3000, 3001}
    for n, b in rules.items():
        if n.startswith("app_in_") and b["from_port"] != 22:
            assert b["referenced_security_group_id"] == "${aws_security_group.sg_alb.id}"


def test_host_is_private_hardened_and_gets_no_secret(poc_files: dict[str, str],
                                                     poc_parsed: dict[str, dict]) -> None:
    host = next(b for _, t, _, b in tfcheck.resources(poc_parsed) if t == "aws_instance")
    assert host["subnet_id"] == "${aws_subnet.private_a.id}"
    assert host["associate_public_ip_address"] is False
    assert host["metadata_options"][0]["http_tokens"] == '"required"'
    assert host["root_block_device"][0]["encrypted"] is True
    db = next(b for _, t, _, b in tfcheck.resources(poc_parsed) if t == "aws_db_instance")
    assert db["manage_master_user_password"] is True and "password" not in db
    assert db["storage_encrypted"] is True and db["publicly_accessible"] is False
    text = "".join(poc_files.values())
    assert not re.search(r"(?m)^\s*password\s*=", text) and "DATABASE_PASSWORD=" not in text


def test_provider_schema_copy_covers_every_kind() -> None:
    schema = provider_schema()
    emitted = {k.terraform for k in KINDS.values() if not k.lookup}
    assert emitted == set(schema) - {"_blocks"}


def test_hashicorp_parser_accepts_output(tmp_path: Path, poc_files: dict[str, str]) -> None:
    for name, text in poc_files.items():
        (tmp_path / name).write_text(text)
    parsed = tfcheck.hashicorp_parse(tmp_path)
    assert sorted(parsed) == sorted(poc_files)
    host = parsed["compute.tf"]["resource"]["aws_instance"]["host"][0]
    assert host["user_data"].startswith("#!/bin/bash\n")


GUIDE_TF = '''
resource "aws_db_subnet_group" "poc" {
  name       = "smart-0dte-poc-subnet-group"
  subnet_ids = [aws_subnet.private.id, aws_subnet.private_b.id]
}
resource "aws_instance" "app" {
  ami                    = data.aws_ami.amazon_linux.id
  instance_type          = "t3.xlarge"
  key_name               = var.key_pair_name
  subnet_id              = aws_subnet.private.id
  vpc_security_group_ids = [aws_security_group.app.id]
}
resource "aws_subnet" "private" {
  vpc_id     = aws_vpc.poc.id
  cidr_block = "10.0.2.0/24"
}
resource "aws_eip" "nat" {
  vpc = true
}
'''


def test_checks_catch_the_guides_mistakes() -> None:
    """The same checks reject what the guide's hand-written Terraform gets wrong."""
    parsed = tfcheck.parse_files({"guide.tf": GUIDE_TF})
    missing = set(tfcheck.unresolved_references(parsed))
    assert {"aws_subnet.private_b", "data.aws_ami.amazon_linux", "var.key_pair_name",
            "aws_security_group.app", "aws_vpc.poc"} <= {".".join(m.split(".")[:3]) if
                                                        m.startswith("data.") else m for m in missing}
    assert any("'vpc'" in p for p in tfcheck.schema_problems(parsed))


GOLDEN = Path(__file__).resolve().parents[1] / "golden"


def test_heredoc_aligns_with_its_neighbours() -> None:
    from s0c.backends import hcl

    block = hcl.Block("resource", ("aws_instance", "x"))
    block.attr("ami", "a")
    block.attr("user_data", hcl.Raw("<<EOT\nhello\nEOT"))
    block.attr("user_data_replace_on_change", True)
    block.attr("tags", {"Name": "x"})
    assert hcl.render_block(block).splitlines()[1:4] == [
        '  ami                         = "a"',
        "  user_data                   = <<EOT",
        "hello"]


def test_tags_once_through_default_tags(poc_parsed: dict[str, dict]) -> None:
    provider = poc_parsed["versions.tf"]["provider"][0]["\"aws\""]
    assert provider["region"] == "${var.region}"
    defaults = provider["default_tags"][0]["tags"]
    assert defaults == {"Environment": '"poc"', "Project": '"smart-0dte-system"'}
    tagged = 0
    for section, rtype, name, body in tfcheck.resources(poc_parsed):
        if "tags" in body:
            tagged += 1
            # Only what differs from the defaults (the Name): a repeated key is the provider's
            # perpetual-diff case.
            assert set(body["tags"]) == {"Name"}, (rtype, name, body["tags"])
    assert tagged >= 50
    variables = poc_parsed["variables.tf"]["variable"]
    region = next(v['"region"'] for v in variables if '"region"' in v)
    assert region["default"] == '"us-east-1"'


def test_final_snapshots_are_unique_per_creation(poc_files: dict[str, str]) -> None:
    stamp = '${formatdate("-YYYYMMDDhhmmss", plantimestamp())}'
    assert (f'final_snapshot_identifier   = "smart-0dte-poc-postgres-final{stamp}"'
            in poc_files["database.tf"])
    assert (f'final_snapshot_identifier  = "smart-0dte-poc-redis-final{stamp}"'
            in poc_files["cache.tf"])
    for name in ("database.tf", "cache.tf"):
        # Fixed once created: the same spec plans no change, a destroy uses the creation's name.
        assert "ignore_changes = [final_snapshot_identifier]" in poc_files[name]


def test_ami_is_read_as_insecure_value(poc_files: dict[str, str]) -> None:
    assert "ami                         = data.aws_ssm_parameter.ami.insecure_value" in (
        poc_files["compute.tf"])
    assert ".ami.value" not in poc_files["compute.tf"]
