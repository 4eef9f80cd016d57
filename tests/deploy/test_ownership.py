"""`s0c apply` adopts only what is provably this environment's, `s0c destroy` deletes only what
s0c created, an unreadable journal is a usage error, and a plan that cannot be filled in fails a
named step - on a moto server, with plans cut down to the steps a test needs (fast)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from s0c.cli.main import cli
from s0c.runner.apply import Journal, Runner, load_plan
from s0c.runner.ownership import fingerprints
from tests.aws import REGION
from tests.deploy.test_apply import POC, compile_plan, plan_from_text

ENV = "smart-0dte-poc"
LAMBDA_TRUST = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
    "Action": "sts:AssumeRole"}]}
OTHER_KEY = ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGLs3v2nwahzi6lxna6JC5ny3wlh2/MvdDi5McAbP0Zf"
             " someone-else")


def s0c(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False,
                                env={"NO_COLOR": "1", "COLUMNS": "400"})
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def full_plan(tmp_path_factory) -> dict:
    return load_plan(compile_plan(POC, tmp_path_factory.mktemp("poc")))


def cut(plan: dict, directory: Path, *ids: str) -> Path:
    """The plan with only these steps (those that reference nothing outside them)."""
    directory.mkdir(parents=True, exist_ok=True)
    kept = {**plan, "steps": [s for s in plan["steps"] if s["id"] in ids], "outputs": {}}
    (directory / "plan.json").write_text(json.dumps(kept))
    return directory


def step_of(plan: dict, sid: str) -> dict:
    return next(s for s in plan["steps"] if s["id"] == sid)


def spec_trust(plan: dict) -> dict:
    return step_of(plan, "host_role")["params"]["AssumeRolePolicyDocument"]["s0c:json"]


def spec_key(plan: dict) -> str:
    return step_of(plan, "key")["params"]["PublicKeyMaterial"]


def make_role(aws, document: dict, tags=()) -> None:
    aws.client("iam").create_role(RoleName=f"{ENV}-host", AssumeRolePolicyDocument=json.dumps(
        document), Tags=[{"Key": k, "Value": v} for k, v in tags])


def make_key(aws, public_key: str) -> None:
    aws.client("ec2").import_key_pair(KeyName=f"{ENV}-key", PublicKeyMaterial=public_key)


def roles_and_keys(aws) -> tuple[list[str], list[str]]:
    return ([r["RoleName"] for r in aws.client("iam").list_roles()["Roles"]],
            [k["KeyName"] for k in aws.client("ec2").describe_key_pairs()["KeyPairs"]])


# -- look-alikes made by hand ----------------------------------------------------------------------

def test_hand_made_look_alikes_are_refused_even_with_adopt_and_survive_destroy(
        aws, full_plan, tmp_path: Path) -> None:
    make_role(aws, LAMBDA_TRUST)  # trusts Lambda: EC2 could never assume it
    make_key(aws, OTHER_KEY)      # another public key under the spec's key name
    directory = cut(full_plan, tmp_path / "plan", "host_role", "key")
    for extra in ((), ("--adopt", "host_role", "--adopt", "key")):
        code, _, err = s0c("apply", str(directory), "--endpoint-url", aws.endpoint, *extra)
        assert code == 1, err
        assert ("step host_role (iam GetRole) failed: NotTheSpecs: found iam role"
                f" {ENV}-host") in err
        assert "lambda.amazonaws.com" in err and "delete or rename it" in err
    # with the role out of the way the key is refused the same way, naming its fingerprint
    directory = cut(full_plan, tmp_path / "key", "key")
    code, _, err = s0c("apply", str(directory), "--endpoint-url", aws.endpoint, "--adopt", "key")
    assert code == 1 and "step key (ec2 DescribeKeyPairs) failed: NotTheSpecs" in err
    assert "its public key (fingerprint" in err and "is not the spec's" in err
    code, out, _ = s0c("destroy", str(directory), "--endpoint-url", aws.endpoint, "--yes")
    assert code == 0 and "nothing to destroy" in out
    assert roles_and_keys(aws) == ([f"{ENV}-host"], [f"{ENV}-key"])
    document = aws.client("iam").get_role(RoleName=f"{ENV}-host")["Role"][
        "AssumeRolePolicyDocument"]
    assert document == LAMBDA_TRUST  # untouched


def test_a_matching_untagged_resource_is_adopted_only_with_adopt_and_destroy_leaves_it(
        aws, full_plan, tmp_path: Path) -> None:
    make_role(aws, spec_trust(full_plan))
    make_key(aws, spec_key(full_plan))
    directory = cut(full_plan, tmp_path / "plan", "host_role", "key")
    code, _, err = s0c("apply", str(directory), "--endpoint-url", aws.endpoint)
    assert code == 1
    assert ("step host_role (iam GetRole) failed: NotOwned: found iam role"
            f" {ENV}-host") in err
    assert "it has no s0c:environment / s0c:logical-id tags" in err
    assert f"tag it s0c:environment={ENV} and s0c:logical-id=host_role" in err
    assert "--adopt host_role" in err
    code, out, err = s0c("apply", str(directory), "--endpoint-url", aws.endpoint,
                         "--adopt", "host_role", "--adopt", "key")
    assert code == 0, err
    assert "0 run, 2 adopted" in out and "adopted as told (--adopt host_role)" in err
    journal = json.loads((directory / "journal.json").read_text())
    assert journal["version"] == 2
    assert {sid: e["origin"] for sid, e in journal["steps"].items()} == {
        "host_role": "adopted", "key": "adopted"}
    code, out, _ = s0c("destroy", str(directory), "--endpoint-url", aws.endpoint, "--yes")
    assert code == 0 and "left in place (2;" in out
    assert "host_role (iam CreateRole)" in out and "nothing deleted" in out
    assert roles_and_keys(aws) == ([f"{ENV}-host"], [f"{ENV}-key"])
    code, out, _ = s0c("destroy", str(directory), "--endpoint-url", aws.endpoint, "--yes",
                       "--include-adopted")
    assert code == 0 and "2 deleted" in out
    assert roles_and_keys(aws) == ([], [])


def test_another_environments_tags_are_not_this_ones(aws, full_plan, tmp_path: Path) -> None:
    make_role(aws, spec_trust(full_plan),
              tags=[("s0c:environment", "staging"), ("s0c:logical-id", "host_role")])
    directory = cut(full_plan, tmp_path / "plan", "host_role")
    code, _, err = s0c("apply", str(directory), "--endpoint-url", aws.endpoint)
    assert code == 1
    assert "its tags say s0c:environment=staging, s0c:logical-id=host_role" in err


def test_a_created_resource_is_destroyed_and_a_tagged_one_is_adopted(
        aws, full_plan, tmp_path: Path) -> None:
    directory = cut(full_plan, tmp_path / "plan", "host_role", "key")
    code, out, err = s0c("apply", str(directory), "--endpoint-url", aws.endpoint)
    assert code == 0 and "2 run, 0 adopted" in out, err
    (directory / "journal.json").unlink()  # lost: the tags prove they are this environment's
    code, out, err = s0c("apply", str(directory), "--endpoint-url", aws.endpoint)
    assert code == 0 and "0 run, 2 adopted" in out, err
    assert "tagged as this environment's (adopted)" in err


# -- finds never trust a server-side tag filter --------------------------------------------------

def test_a_find_keeps_only_items_tagged_for_this_environment_and_logical_id(full_plan) -> None:
    """What moto does on DescribeNatGateways: the tag filter is ignored and every NAT gateway
    comes back; the live spec's nat_b and nat_c must not adopt nat_a's."""
    step = {**step_of(full_plan, "nat_a"), "id": "nat_b", "node": "nat_b"}
    step["find"] = json.loads(json.dumps(step["find"]).replace('"nat_a"', '"nat_b"'))

    def tags(env, logical):
        return [{"Key": "s0c:environment", "Value": env}, {"Key": "s0c:logical-id",
                                                            "Value": logical}]

    class Fake(Runner):
        answer: dict = {}

        def call(self, step, operation, params, **kwargs):
            return self.answer

    fake = Fake(full_plan, Journal.new(Path("/nonexistent/journal.json"), ENV, REGION), REGION)
    fake.answer = {"NatGateways": [{"NatGatewayId": "nat-a", "Tags": tags(ENV, "nat_a")},
                                   {"NatGatewayId": "nat-x"},
                                   {"NatGatewayId": "nat-o", "Tags": tags("other", "nat_b")}]}
    assert fake.look(step) is None
    fake.answer["NatGateways"].append({"NatGatewayId": "nat-b", "Tags": tags(ENV, "nat_b")})
    assert fake.look(step).outputs == {"id": "nat-b"}


def test_an_untagged_nat_gateway_in_moto_is_not_adopted(aws, full_plan) -> None:
    ec2 = aws.client("ec2")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.9.0.0/24")["Subnet"]["SubnetId"]
    eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    ec2.create_nat_gateway(SubnetId=subnet, AllocationId=eip)
    plan = full_plan
    runner = Runner(plan, Journal.new(Path("/nonexistent/journal.json"), ENV, REGION), REGION,
                    aws.endpoint)
    assert runner.look(step_of(plan, "nat_a")) is None


# -- journals ------------------------------------------------------------------------------------

def _v2(**changes) -> str:
    data = {"format": "s0c.journal", "version": 2, "name": ENV, "region": REGION,
            "steps": {}, "outputs": {}}
    data.update(changes)
    return json.dumps(data)


@pytest.mark.parametrize("content, reason", [
    (b"\xff\xfe{}", "not UTF-8"),
    (b"{not json", "not JSON"),
    (b"[]", "expected a JSON object, found list"),
    (b"42", "expected a JSON object, found int"),
    (b"null", "expected a JSON object, found null"),
    (_v2(steps=None).replace('"steps": null, ', "").encode(), "steps: Field required"),
    (_v2(steps=[]).encode(), "steps: Input should be a valid dictionary"),
    (_v2(steps={"vpc": "vpc-1"}).encode(), "steps.vpc: Input should be a valid dictionary"),
    (_v2(steps={"vpc": {"node": "vpc", "status": "done", "origin": "mine", "outputs": {}}})
     .encode(), "steps.vpc.origin"),
    (_v2(version=3).encode(), "version 3 was written by a newer s0c"),
    (_v2(version="2").encode(), "version '2' is not one this s0c reads"),
    (json.dumps({"format": "s0c.journal/1", "name": ENV, "region": REGION,
                 "steps": {"vpc": {"node": "vpc", "status": "done", "outputs": []}}}).encode(),
     "version 1 journal: steps.vpc.outputs"),
])
def test_an_unreadable_journal_is_a_usage_error_in_apply_and_destroy(
        full_plan, tmp_path: Path, content: bytes, reason: str) -> None:
    directory = cut(full_plan, tmp_path / "plan", "vpc")
    (directory / "journal.json").write_bytes(content)
    for command in (["apply", "--endpoint-url", "http://127.0.0.1:9"], ["destroy", "--yes"]):
        code, _, err = s0c(command[0], str(directory), *command[1:])
        assert code == 2, err
        assert f"s0c: unreadable journal: {directory / 'journal.json'}: " in err
        assert reason in err


def test_a_version_1_journal_is_read_and_destroy_leaves_what_it_cannot_tell_apart(
        full_plan, tmp_path: Path) -> None:
    directory = cut(full_plan, tmp_path / "plan", "vpc")
    (directory / "journal.json").write_text(json.dumps({
        "format": "s0c.journal/1", "name": ENV, "region": REGION, "outputs": {},
        "steps": {"vpc": {"node": "vpc", "status": "done", "outputs": {"id": "vpc-1"},
                          "params": "0123456789abcdef"}}}))
    code, out, err = s0c("destroy", str(directory), "--yes", "--endpoint-url", "http://127.0.0.1:9")
    assert code == 0, err
    assert "journal version 1" in err and "--include-adopted" in err
    assert "vpc (ec2 CreateVpc): vpc-1 (recorded by an earlier s0c" in out


def test_a_recorded_resource_aws_no_longer_has_is_created_again_and_said(
        aws, full_plan, tmp_path: Path) -> None:
    directory = cut(full_plan, tmp_path / "plan", "vpc", "vpc/dns_support", "vpc/dns_hostnames",
                    "igw", "igw/attach")
    assert s0c("apply", str(directory), "--endpoint-url", aws.endpoint)[0] == 0
    first = json.loads((directory / "journal.json").read_text())["steps"]["vpc"]["outputs"]["id"]
    aws.reset()  # everything the journal records is gone
    code, out, err = s0c("apply", str(directory), "--endpoint-url", aws.endpoint)
    assert code == 0, err
    assert f"! vpc: AWS no longer has the recorded vpc {first}; creating it again" in err
    assert "! igw/attach: it depends on igw, vpc, which is re-created" in err
    assert "5 run, 0 adopted, 0 resumed, 0 already applied, 5 recorded but gone" in out
    vpcs = [v["VpcId"] for v in aws.client("ec2").describe_vpcs()["Vpcs"] if not v["IsDefault"]]
    recorded = json.loads((directory / "journal.json").read_text())["steps"]["vpc"]["outputs"]
    assert vpcs == [recorded["id"]] and recorded["id"] != first


# -- plans that cannot be filled in --------------------------------------------------------------

def test_more_availability_zones_than_the_region_has_fail_before_anything_is_created(
        aws, tmp_path: Path) -> None:
    text = POC.read_text().replace("region: us-east-1", "region: us-west-1").replace(
        "availability_zones: 2", "availability_zones: 3").replace(
        "10.0.3.0/24]", "10.0.3.0/24, 10.0.5.0/24]").replace("10.0.4.0/24]",
                                                            "10.0.4.0/24, 10.0.6.0/24]")
    directory = plan_from_text(text, tmp_path / "plan")
    code, _, err = s0c("apply", str(directory), "--endpoint-url", aws.endpoint)
    assert code == 1, err
    assert ("step azs (ec2 DescribeAvailabilityZones) failed: NotEnoughItems: the region"
            " us-west-1 has 2 availability zones (us-west-1a, us-west-1b); the spec asks for 3")\
        in err
    ec2 = aws.client("ec2")
    assert [v for v in ec2.describe_vpcs()["Vpcs"] if not v["IsDefault"]] == []


def test_a_reference_the_plan_cannot_fill_in_is_a_named_step_failure(
        aws, full_plan, tmp_path: Path) -> None:
    directory = cut(full_plan, tmp_path / "plan", "vpc", "vpc/dns_support")
    plan = json.loads((directory / "plan.json").read_text())
    plan["steps"][1]["params"]["VpcId"] = {"s0c:ref": "vpc.arn"}
    (directory / "plan.json").write_text(json.dumps(plan))
    code, _, err = s0c("apply", str(directory), "--endpoint-url", aws.endpoint)
    assert code == 1, err
    assert ("step vpc/dns_support (ec2 ModifyVpcAttribute) failed: UnresolvedReference:"
            " vpc.arn: no step recorded this output") in err
    # an item past the end of a list fails the step that makes the list, before it is used
    plan["steps"][1]["params"]["VpcId"] = {"s0c:ref": "vpc.id", "index": 4}
    (directory / "plan.json").write_text(json.dumps(plan))
    (directory / "journal.json").unlink()
    code, _, err = s0c("apply", str(directory), "--endpoint-url", aws.endpoint)
    assert code == 1 and ("step vpc (ec2 CreateVpc) failed: NotEnoughItems: vpc.id has 0"
                          " items; the plan asks for item 4 (steps vpc/dns_support)") in err


RSA_KEY = ("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQC0uV1EgatckSsus73UglAI9L1Rnw7CbJRZwqxHhQDttWb"
           "kZFUYDg9jN0ds+eAG1avaVDduqLft3hzPeXBmxhzcp2HyxpHuyVrKKtk+tojya5SvIq9555SjVizmUSeN+XXW"
           "l+LtmTfWY8/Oh+wyrhrubpwafqulakbAa6FucL8tOQ==")


def test_fingerprints_follow_ec2s_rule_for_imported_keys(aws, full_plan) -> None:
    """RSA: MD5 of the DER SubjectPublicKeyInfo (the rule AWS documents; moto computes the
    same); ED25519: SHA-256 (AWS's base64 of the key blob's digest and moto's hex form)."""
    ec2 = aws.client("ec2")
    for name, key in (("rsa", RSA_KEY), ("ed", spec_key(full_plan)), ("other", OTHER_KEY)):
        reported = ec2.import_key_pair(KeyName=name, PublicKeyMaterial=key)["KeyFingerprint"]
        assert reported in fingerprints(key)
    assert next(iter(fingerprints(RSA_KEY))).count(":") == 15  # 16 bytes of MD5
    assert not fingerprints(OTHER_KEY) & fingerprints(spec_key(full_plan))
