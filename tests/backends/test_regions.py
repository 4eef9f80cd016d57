"""Region and partition: Terraform and CloudFormation say them at deploy time (var.region and
the aws_partition data source; AWS::Region and AWS::Partition), the boto3 plan writes the spec
region's own partition; a template compiled for eu-west-1 deploys there and configures the host
and the dashboard for eu-west-1."""

from __future__ import annotations

import base64
import copy
import json
import re
from pathlib import Path

import pytest

from s0c.backends.boto3_plan import Boto3Backend
from s0c.backends.cloudformation import CloudFormationBackend
from s0c.backends.terraform import TerraformBackend
from s0c.compiler.lower import lower
from s0c.compiler.naming import partition
from s0c.spec.models import Spec
from tests.specs import EXAMPLES, compile_data, poc_data

ARN = re.compile(r"arn:(?:\$\{[^}]*\}|[a-z-]*):")


@pytest.mark.parametrize("region,expected", [
    ("us-east-1", "aws"), ("eu-west-1", "aws"), ("cn-north-1", "aws-cn"),
    ("cn-northwest-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov"), ("us-iso-east-1", "aws-iso"),
    ("us-isob-east-1", "aws-iso-b"), ("eu-isoe-west-1", "aws-iso-e"),
    ("ap-southeast-7", "aws"),  # a region botocore's table may not list yet: by its pattern
])
def test_partition_of_region(region: str, expected: str) -> None:
    assert partition(region) == expected


def _files(region: str) -> dict[str, dict[str, str]]:
    """The PoC in ``region``, compiled by all three backends straight from the graph: the spec
    checks are skipped (they refuse Budgets in GovCloud; this test is about ARNs only)."""
    data = poc_data()
    data["region"] = region
    public_key = (EXAMPLES / data["compute"]["key_pair"]["public_key_file"]).read_text().strip()
    graph, problems = lower(Spec.model_validate(data), public_key)
    assert graph is not None, problems
    out = {}
    for backend in (TerraformBackend(), CloudFormationBackend(), Boto3Backend()):
        files, problems = backend.emit(graph)
        if backend.name == "cloudformation" and region.startswith("us-gov-"):
            # GovCloud's CloudFormation has no AWS::Budgets::Budget (refused, tested below):
            # the ARNs are checked on the template without the budget.
            assert ["AWS::Budgets::Budget" in p.message for p in problems] == [True]
            graph = copy.deepcopy(graph)
            graph.nodes = {k: n for k, n in graph.nodes.items() if n.kind != "budget"}
            files, problems = backend.emit(graph)
        assert problems == [], problems
        out[backend.name] = files
    return out


@pytest.mark.parametrize("region,expected", [("cn-north-1", "arn:aws-cn:"),
                                             ("us-gov-west-1", "arn:aws-us-gov:")])
def test_arns_follow_the_partition(region: str, expected: str) -> None:
    files = _files(region)
    plan = files["boto3"]["plan.json"]
    assert "AmazonSSMManagedInstanceCore" in plan
    assert set(ARN.findall(plan)) == {expected}
    terraform = "".join(files["terraform"].values())
    assert set(ARN.findall(terraform)) == {"arn:${data.aws_partition.current.partition}:"}
    assert 'data "aws_partition" "current" {}' in files["terraform"]["versions.tf"]
    template = files["cloudformation"]["template.yaml"]
    assert set(ARN.findall(template)) == {"arn:${AWS::Partition}:"}


def test_cn_north_1_through_the_compiler() -> None:
    data = poc_data()
    data["region"] = "cn-north-1"
    result = compile_data(data, "boto3")  # the spec checks included
    assert result.ok, result.diagnostics
    plan = json.loads(result.files["plan.json"])
    arns = set(ARN.findall(json.dumps(plan)))
    assert arns == {"arn:aws-cn:"}
    policies = [s["params"]["PolicyArn"] for s in plan["steps"]
                if s["operation"] == "AttachRolePolicy"]
    assert policies == ["arn:aws-cn:iam::aws:policy/AmazonSSMManagedInstanceCore"]


def test_no_region_is_written_into_terraform_or_cloudformation_resources() -> None:
    files = _files("eu-west-1")
    terraform = files["terraform"]
    assert 'region = var.region' in terraform["versions.tf"]
    assert re.search(r'variable "region" \{[^}]*default\s+= "eu-west-1"', terraform["variables.tf"])
    assert "eu-west-1" not in "".join(text for name, text in terraform.items()
                                      if name != "variables.tf")
    from cfnlint.decode import decode_str

    template, errors = decode_str(files["cloudformation"]["template.yaml"])
    assert not errors
    assert "eu-west-1" not in json.dumps(template["Resources"])
    assert "eu-west-1" not in json.dumps(template["Outputs"])


def test_cloudformation_in_eu_west_1_resolves_the_region(monkeypatch) -> None:
    """The template of a spec in eu-west-1, deployed with moto's in-process CloudFormation in
    eu-west-1: the boot script and the dashboard say eu-west-1, and the exports carry the
    stack's name."""
    from moto import mock_aws

    import boto3
    from tests.aws import template_for_moto

    region = "eu-west-1"
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": region,
                       "MOTO_ACM_VALIDATION_WAIT": "0"}.items():
        monkeypatch.setenv(key, value)
    data = poc_data()
    data["region"] = region
    result = compile_data(data, "cloudformation")
    assert result.ok, result.diagnostics
    text = result.files["template.yaml"]
    with mock_aws():
        session = boto3.session.Session(region_name=region)
        certificate = session.client("acm").request_certificate(DomainName="poc.example.com")
        body_json, _ = template_for_moto(text, certificate["CertificateArn"])
        cfn = session.client("cloudformation")
        cfn.create_stack(StackName="poc", TemplateBody=body_json,
                         Capabilities=["CAPABILITY_NAMED_IAM"])
        stack = cfn.describe_stacks(StackName="poc")["Stacks"][0]
        assert stack["StackStatus"] == "CREATE_COMPLETE", stack.get("StackStatusReason")
        resources = {r["LogicalResourceId"]: r["PhysicalResourceId"]
                     for r in cfn.list_stack_resources(StackName="poc")["StackResourceSummaries"]}

        ec2 = session.client("ec2")
        user_data = ec2.describe_instance_attribute(InstanceId=resources["Host"],
                                                    Attribute="userData")["UserData"]["Value"]
        script = base64.b64decode(user_data).decode()
        assert "\nREGION='eu-west-1'\n" in script and "${AWS::Region}" not in script

        body = json.loads(session.client("cloudwatch").get_dashboard(
            DashboardName=data["name"])["DashboardBody"])
        assert {w["properties"]["region"] for w in body["widgets"]} == {region}

        # The subnets ask for the stack's own zones (!GetAZs ''); moto 5 answers that with
        # us-east-1's zone names whatever the region (parsing.py: "or DEFAULT_REGION"), so
        # the zones are checked in the template, not in moto.
        subnet = json.loads(body_json)["Resources"]["PublicA"]["Properties"]
        assert subnet["AvailabilityZone"] == {"Fn::Select": [0, {"Fn::GetAZs": ""}]}

        exports = {e["Name"]: e["Value"] for e in cfn.list_exports()["Exports"]}
        assert exports["poc-VpcId"] == resources["Vpc"]
        assert exports["poc-PrivateSubnetIdsA"] == resources["PrivateA"]
        assert {"poc-SecurityGroupIdsApp", "poc-DbAddress", "poc-AlbDnsName"} <= set(exports)
        assert ".eu-west-1." in exports["poc-AlbDnsName"], exports["poc-AlbDnsName"]


def test_the_template_deploy_line_names_the_region() -> None:
    files = _files("eu-west-1")
    header = files["cloudformation"]["template.yaml"].split("\nAWSTemplateFormatVersion")[0]
    assert "--region eu-west-1 --capabilities CAPABILITY_NAMED_IAM" in header


def test_region_pseudo_value_survives_copies() -> None:
    import copy
    import pickle

    from s0c.compiler.graph import Pseudo

    value = Pseudo("region", "eu-west-1")
    for clone in (copy.deepcopy(value), pickle.loads(pickle.dumps(value))):
        assert isinstance(clone, Pseudo) and clone.name == "region" and clone == "eu-west-1"


def test_cloudformation_refuses_a_region_whose_registry_lacks_a_type() -> None:
    """cfn-lint's region data has no AWS::Budgets::Budget in eu-north-1: the stack would fail at
    deploy, so the backend says so at compile time (Terraform and boto3 call Budgets directly)."""
    data = poc_data()
    data["region"] = "eu-north-1"
    public_key = (EXAMPLES / data["compute"]["key_pair"]["public_key_file"]).read_text().strip()
    graph, _ = lower(Spec.model_validate(data), public_key)
    files, problems = CloudFormationBackend().emit(graph)
    assert files == {} and [p.path for p in problems] == [("region",)]
    assert "AWS::Budgets::Budget" in problems[0].message
    assert TerraformBackend().emit(graph)[1] == []
