"""The CloudFormation template: cfn-lint clean, YAML that every reader types alike, !Sub escaping
that survives, and a deployment into moto that matches the boto3 plan's."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import Phase, given, settings

from s0c.backends.cfn_yaml import Fn, dump
from s0c.compiler.pipeline import compile_spec
from tests.aws import deploy_stack, inventory, template_for_moto
from tests.specs import compile_data
from tests.strategies import valid_specs

ROOT = Path(__file__).resolve().parents[2]
POC = ROOT / "examples" / "poc.yaml"
LIVE = ROOT / "tests" / "golden" / "live_3az" / "input.yaml"
# cfn-lint's list of deprecated engine versions includes the major-only alias "15", which the
# PoC uses on purpose (see examples/poc.yaml): RDS picks the newest 15.x and applies minor
# upgrades without Terraform seeing drift.
EXPLAINED_WARNINGS = {"W3691"}


def template(spec: Path) -> str:
    result = compile_spec(str(spec), "cloudformation", text=spec.read_text(),
                          base_dir=str(spec.parent))
    assert result.ok, result.diagnostics
    return result.files["template.yaml"]


def lint(text: str, region: str) -> list:
    from cfnlint.api import ManualArgs, lint as cfn_lint

    return cfn_lint(text, config=ManualArgs(regions=[region]))


@pytest.mark.parametrize("spec,region", [(POC, "us-east-1"), (LIVE, "us-west-2")])
def test_cfn_lint_reports_no_errors(spec: Path, region: str) -> None:
    matches = lint(template(spec), region)
    errors = [f"{m.rule.id} {m.message} (line {m.linenumber})" for m in matches
              if m.rule.id.startswith("E")]
    assert errors == []
    unexplained = [f"{m.rule.id} {m.message}" for m in matches
                   if m.rule.id not in EXPLAINED_WARNINGS]
    assert unexplained == []


# cfn-lint takes ~0.5 s a template: few examples, and no shrinking (it can run for minutes).
@settings(max_examples=8, phases=(Phase.explicit, Phase.reuse, Phase.generate))
@given(valid_specs())
def test_generated_specs_pass_cfn_lint(data: dict) -> None:
    result = compile_data(data, "cloudformation")
    assert result.ok, result.diagnostics
    errors = [f"{m.rule.id} {m.message} (line {m.linenumber})"
              for m in lint(result.files["template.yaml"], data["region"])
              if m.rule.id.startswith("E")]
    assert errors == []


def test_strings_stay_strings_for_yaml_1_1_and_1_2_readers() -> None:
    from cfnlint.decode import decode_str

    values = ["yes", "on", "Off", "y", "0777", "1e3", "0x1F", "null", "~", "12:30", "2012-10-17",
              "", "-", "*", "#x", "a: b", "15", ".inf"]
    text = dump({"Values": values, "Ref": Fn("Ref", "yes")})
    decoded, errors = decode_str("Resources: {}\n" + text)
    assert not errors
    assert list(decoded["Values"]) == values
    assert decoded["Ref"] == {"Ref": "yes"}


def test_user_data_sub_escapes_every_literal_dollar_brace() -> None:
    from cfnlint.decode import decode_str

    text = template(LIVE)  # its env values hold "${var}" and "$(not)"
    decoded, errors = decode_str(text)
    assert not errors
    sub = decoded["Resources"]["Host"]["Properties"]["UserData"]["Fn::Base64"]["Fn::Sub"]
    body = sub if isinstance(sub, str) else sub[0]
    assert "${!var}" in body
    names = {part.split("}")[0] for part in body.split("${")[1:] if not part.startswith("!")}
    assert names <= {"Db.Endpoint.Address", "Db.Endpoint.Port", "Db.MasterUserSecret.SecretArn",
                     "Cache.PrimaryEndPoint.Address", "AWS::Region"}, names


# Where moto's CloudFormation (5.2) falls short of CloudFormation, found by this test: what each
# kind is compared on instead of the full inventory entry (None: not modelled, not compared).
MOTO_CFN_GAPS = {
    # Tags (so the Name) are dropped for these types: compared on everything but the name.
    "internet_gateway": lambda item: item[1],
    "eip": lambda item: "",
    "nat_gateway": lambda item: item[1],
    "route_table": lambda item: "",
    "route": lambda item: item[1:],
    # AWS::EC2::SecurityGroupEgress is not modelled and the inline no-egress rule is ignored,
    # so every group keeps AWS's allow-all egress: ingress rules are compared.
    "security_group_rule": lambda item: item if item[1] == "in" else None,
    # SecurityGroupIds of AWS::EC2::Instance are ignored.
    "instance": lambda item: item[:3],
    # Not modelled at all: AWS::EC2::KeyPair, AWS::IAM::RolePolicy, the role's
    # ManagedPolicyArns, the target group's Targets; CloudFormation's subnet associations do not
    # show in DescribeRouteTables; ElastiCache, alarms and budgets are skipped.
    "key_pair": None, "iam_role_policy": None, "iam_role_policy_attachment": None,
    "target_group_attachment": None, "route_table_association": None,
    "cache_subnet_group": None, "cache_replication_group": None, "metric_alarm": None,
    "budget": None,
}


def _compared(kind: str, items: list) -> list | None:
    if kind not in MOTO_CFN_GAPS:
        return items
    project = MOTO_CFN_GAPS[kind]
    if project is None:
        return None
    return sorted((p for p in map(project, items) if p is not None), key=repr)


def test_cloudformation_into_moto_builds_what_the_boto3_plan_builds(aws, tmp_path: Path) -> None:
    from tests.deploy.test_apply import compile_plan, runner

    certificate = aws.client("acm").request_certificate(DomainName="poc.example.com")
    body, gaps = template_for_moto(template(POC), certificate["CertificateArn"])
    assert any("ElastiCache" in g for g in gaps) and "GetAtt Db.MasterUserSecret.SecretArn" in gaps
    stack = deploy_stack(aws, body)
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack.get("StackStatusReason")
    by_cloudformation = inventory(aws)

    aws.reset()
    runner(compile_plan(POC, tmp_path / "plan"), aws).apply()
    by_boto3 = inventory(aws)

    differing = {kind: (_compared(kind, by_cloudformation[kind]), _compared(kind, items))
                 for kind, items in by_boto3.items()
                 if _compared(kind, by_cloudformation[kind]) != _compared(kind, items)}
    assert differing == {}, "\n".join(f"{k}: {v}" for k, v in differing.items())
    compared = [k for k in by_boto3 if MOTO_CFN_GAPS.get(k, 0) is not None]
    assert len(compared) >= 20  # most of the environment is still compared


def _json_type(value) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    return {float: "number", str: "string", list: "array", dict: "object"}[type(value)]


def _scalar_mismatches(schema: dict, node: dict, value, path: str, out: list) -> None:
    """Where a written scalar's type is not the one the resource schema declares (an integer
    where it says string, a string where it says integer...), down every property."""
    while "$ref" in node:
        target = schema
        for part in node["$ref"].split("/")[1:]:
            target = target[part]
        node = target
    if isinstance(value, dict) and len(value) == 1 and next(iter(value)).startswith(("Fn::",
                                                                                  "Ref")):
        return  # an intrinsic: its result is typed by CloudFormation
    declared = node.get("type")
    declared = [declared] if isinstance(declared, str) else declared or []
    written = _json_type(value)
    if declared and written not in declared and not (written == "integer" and "number" in declared):
        out.append(f"{path}: {written}, schema says {'/'.join(declared)} ({value!r})")
    if isinstance(value, dict):
        for key, item in value.items():
            if key in node.get("properties", {}):
                _scalar_mismatches(schema, node["properties"][key], item, f"{path}.{key}", out)
    elif isinstance(value, list) and "items" in node:
        for item in value:
            _scalar_mismatches(schema, node["items"], item, f"{path}[]", out)


@pytest.mark.parametrize("spec", [POC, LIVE])
def test_scalars_have_the_types_the_resource_schemas_declare(spec: Path) -> None:
    """One scalar style, read from cfn-lint's copy of the registry schemas: a number where the
    schema says integer or number (Threshold: 80, never 80.0), a string where it says string
    (RDS AllocatedStorage and Port are strings there: '50', '5432')."""
    from cfnlint.decode import decode_str
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

    text = template(spec)
    decoded, errors = decode_str(text)
    assert not errors
    mismatches: list[str] = []
    for logical, resource in decoded["Resources"].items():
        schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", resource["Type"]).schema
        properties = json.loads(json.dumps(resource.get("Properties", {})))
        _scalar_mismatches(schema, {"type": "object", "properties": schema["properties"]},
                           properties, f"{logical}", mismatches)
    assert mismatches == []
    assert not re.search(r":\s-?\d+\.0\s*$", text, re.M)  # no 80.0


@pytest.mark.parametrize("spec", [POC, LIVE])
def test_every_stateful_resource_says_what_its_deletion_keeps(spec: Path) -> None:
    from cfnlint.decode import decode_str

    from s0c.catalogue import KINDS, by_cloudformation_type

    decoded, _ = decode_str(template(spec))
    table = by_cloudformation_type()
    stateful = {logical: resource for logical, resource in decoded["Resources"].items()
                if resource["Type"] in table and table[resource["Type"]].stateful}
    expected = {"Db": "Snapshot", "Cache": "Snapshot"}
    if spec == LIVE:
        expected.update({"FlowLogsGroup": "Delete", "BucketBackups": "Retain"})
    assert {k: (r.get("DeletionPolicy"), r.get("UpdateReplacePolicy"))
            for k, r in stateful.items()} == {k: (v, v) for k, v in expected.items()}
    assert all(KINDS[k].stateful is None or KINDS[k].cfn_type for k in KINDS)


def test_outputs_export_what_another_stack_builds_on() -> None:
    from cfnlint.decode import decode_str

    decoded, _ = decode_str(template(LIVE))
    exported = {name: output["Export"]["Name"] for name, output in decoded["Outputs"].items()
                if "Export" in output}
    wanted = {"VpcId", "PublicSubnetIdsA", "PublicSubnetIdsB", "PublicSubnetIdsC",
              "PrivateSubnetIdsA", "PrivateSubnetIdsB", "PrivateSubnetIdsC",
              "SecurityGroupIdsAlb", "SecurityGroupIdsApp", "SecurityGroupIdsDb",
              "SecurityGroupIdsCache", "DbAddress", "DbPort", "RedisEndpoint", "AlbDnsName",
              "AlbZoneId"}
    assert set(exported) == wanted
    for name, export in exported.items():
        assert export == {"Fn::Sub": f"${{AWS::StackName}}-{name}"}, name
    # Secrets and per-app URLs are not for other stacks.
    assert "Export" not in decoded["Outputs"]["DbMasterSecretArn"]
