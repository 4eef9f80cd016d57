"""The boto3 plan: every call checked by botocore's own models before it is written."""

from __future__ import annotations

import json

import pytest

from s0c.backends.boto3_plan import Boto3Backend, build_plan
from s0c.backends.plan_check import check_call, check_plan, operation, waiter_names
from tests.specs import compile_data, poc_data


def poc_plan() -> dict:
    result = compile_data(poc_data(), "boto3")
    assert result.ok, result.diagnostics
    return json.loads(result.files["plan.json"])


def test_every_call_waiter_and_reference_of_the_poc_checks_out() -> None:
    plan = poc_plan()
    assert check_plan(plan) == []
    for step in plan["steps"]:
        for item in [step] + [step[k] for k in ("find", "read", "undo") if k in step]:
            assert operation(step["service"], item["operation"]).name == item["operation"]
        for wait in [step.get("wait"), step.get("undo", {}).get("wait")]:
            if wait:
                assert wait["waiter"] in waiter_names(step["service"])


def test_the_plan_orders_steps_so_references_point_backwards() -> None:
    plan = poc_plan()
    ids = [s["id"] for s in plan["steps"]]
    assert ids.index("vpc") < ids.index("public_a") < ids.index("nat_a") < ids.index("host")
    assert ids.index("db") < ids.index("host_secrets") < ids.index("host")
    assert ids.index("cert_validation") < ids.index("https")
    # waits where AWS needs them before anything may use the resource
    waits = {s["id"]: s["wait"]["waiter"] for s in plan["steps"] if "wait" in s}
    assert waits["nat_a"] == "NatGatewayAvailable" and waits["db"] == "DBInstanceAvailable"
    assert waits["cache"] == "ReplicationGroupAvailable" and waits["host"] == "InstanceRunning"


def test_botocore_shape_errors_are_caught() -> None:
    assert check_call("ec2", "CreateVpc", {"CidrBlock": "10.0.0.0/16"}) == []
    assert any("CidrBlok" in p for p in check_call("ec2", "CreateVpc", {"CidrBlok": "x"}))
    assert any("Missing required parameter" in p and "MinCount" in p
               for p in check_call("ec2", "RunInstances", {"MaxCount": 1}))
    assert any("Invalid type for parameter AllocatedStorage" in p for p in check_call("rds", "CreateDBInstance", {
        "DBInstanceIdentifier": "x", "DBInstanceClass": "db.t3.small", "Engine": "postgres",
        "AllocatedStorage": "50"}))
    assert check_call("ec2", "CreateVpcc", {}) == ["ec2 has no operation 'CreateVpcc'"]


def test_enum_values_botocore_skips_are_checked() -> None:
    problems = check_call("ec2", "RunInstances", {"MinCount": 1, "MaxCount": 1,
                                                  "InstanceType": "t3.xlrge"})
    assert problems and "InstanceType: 't3.xlrge' is not one of" in problems[0]
    assert check_call("elbv2", "CreateLoadBalancer", {"Name": "x", "Scheme": "public"})


def test_a_graph_value_aws_would_reject_stops_the_compile() -> None:
    from s0c.compiler.pipeline import build_graph
    from tests.specs import EXAMPLES, dump

    result = build_graph("poc.yaml", text=dump(poc_data()), base_dir=str(EXAMPLES))
    result.graph.nodes["host"].props["instance_type"] = "t3.xlrge"
    files, problems = Boto3Backend().emit(result.graph)
    assert files == {}
    assert any("host ec2:RunInstances: InstanceType: 't3.xlrge'" in p.message for p in problems)


def test_deploy_time_values_become_references_not_guesses() -> None:
    plan = poc_plan()
    host = next(s for s in plan["steps"] if s["id"] == "host")
    assert host["params"]["SubnetId"] == {"s0c:ref": "private_a.id"}
    assert host["params"]["ImageId"] == {"s0c:ref": "ami.value"}
    assert "s0c:join" in host["params"]["UserData"]
    ami = next(s for s in plan["steps"] if s["id"] == "ami")
    assert ami["params"]["Name"] == {"s0c:input": "ami_parameter"}
    assert plan["inputs"]["ami_parameter"].startswith("/aws/service/ami-amazon-linux-latest/")


def test_no_secret_in_the_plan() -> None:
    text = json.dumps(poc_plan())
    assert "\"MasterUserPassword\"" not in text and "\"Password\"" not in text
    db = next(s for s in poc_plan()["steps"] if s["id"] == "db")
    assert db["params"]["ManageMasterUserPassword"] is True


@pytest.mark.parametrize("kind_of_change", ["find", "undo"])
def test_undo_and_find_are_checked_too(kind_of_change: str) -> None:
    from s0c.compiler.pipeline import build_graph
    from tests.specs import EXAMPLES, dump

    graph = build_graph("poc.yaml", text=dump(poc_data()), base_dir=str(EXAMPLES)).graph
    plan = build_plan(graph)
    vpc = next(s for s in plan["steps"] if s["id"] == "vpc")
    vpc[kind_of_change]["params"]["Bogus"] = 1
    assert any(f"vpc {kind_of_change}" in p and "Bogus" in p for _, p in check_plan(plan))
