"""A moto server on 127.0.0.1 standing in for AWS, and an inventory of what it holds.

The inventory names resources by what the spec decides (names, CIDRs, ports, types), never by
the ids AWS picks, so two deployments of one spec - by two backends, or by an interrupted and an
uninterrupted apply - compare equal exactly when they built the same environment.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import boto3

REGION = "us-east-1"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
               "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": REGION}
MOTO_ENV = {
    # AWS-managed policies (AmazonSSMManagedInstanceCore) exist only when moto loads them.
    "MOTO_IAM_LOAD_MANAGED_POLICIES": "true",
    # ACM certificates are "issued" at once instead of after 60 s.
    "MOTO_ACM_VALIDATION_WAIT": "0",
}


_RUNNING_ON = re.compile(r"Running on http://127\.0\.0\.1:(\d+)")


class MotoServer:
    """A moto server on 127.0.0.1. It binds a port the kernel picks (``-p 0``) and the port is
    read from its own log: picking a free port first and passing it on races with another
    server started at the same time (two xdist workers), which would then share one moto."""

    def __init__(self) -> None:
        self.port = 0
        self.endpoint = ""
        self.log = Path(tempfile.mkstemp(prefix="moto-", suffix=".log")[1])
        self.process: subprocess.Popen | None = None

    def start(self) -> "MotoServer":
        server = Path(sys.executable).with_name("moto_server")
        self.process = subprocess.Popen(
            [str(server), "-H", "127.0.0.1", "-p", "0"],
            env={**os.environ, **MOTO_ENV, **CREDENTIALS},
            stdout=self.log.open("w"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"moto_server exited: {self.log.read_text()[-2000:]}")
            found = _RUNNING_ON.search(self.log.read_text(errors="replace"))
            if found:
                self.port = int(found.group(1))
                self.endpoint = f"http://127.0.0.1:{self.port}"
                try:
                    urllib.request.urlopen(f"{self.endpoint}/moto-api/", timeout=1)
                    return self
                except OSError:
                    pass
            time.sleep(0.1)
        raise RuntimeError("moto_server did not start within 30 s")

    def reset(self) -> None:
        request = urllib.request.Request(f"{self.endpoint}/moto-api/reset", method="POST")
        urllib.request.urlopen(request, timeout=10)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def client(self, service: str):
        return boto3.session.Session(
            aws_access_key_id="testing", aws_secret_access_key="testing",
            region_name=REGION).client(service, endpoint_url=self.endpoint)


def _name(tags: list[dict[str, str]] | None) -> str:
    return next((t["Value"] for t in tags or [] if t["Key"] == "Name"), "")


def _bucket_encryption(s3, name: str) -> str | None:
    try:
        rules = s3.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"]["Rules"]
    except s3.exceptions.ClientError:
        return None
    return rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"]


def _public_access_blocked(s3, name: str) -> bool:
    try:
        block = s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"]
    except s3.exceptions.ClientError:
        return False
    return all(block.values())


def inventory(server: MotoServer) -> dict[str, list[Any]]:
    """type -> sorted identities of everything a deployment created (defaults excluded)."""
    ec2, out = server.client("ec2"), {}
    vpcs = [v for v in ec2.describe_vpcs()["Vpcs"] if not v.get("IsDefault")]
    vpc_ids = {v["VpcId"] for v in vpcs}
    out["vpc"] = [(v["CidrBlock"], _name(v.get("Tags"))) for v in vpcs]
    subnets = {s["SubnetId"]: s for s in ec2.describe_subnets()["Subnets"]
               if s["VpcId"] in vpc_ids}
    out["subnet"] = [(s["CidrBlock"], s["AvailabilityZone"], s["MapPublicIpOnLaunch"],
                      _name(s.get("Tags"))) for s in subnets.values()]
    out["internet_gateway"] = [
        (_name(g.get("Tags")), tuple(a["VpcId"] in vpc_ids for a in g.get("Attachments", [])))
        for g in ec2.describe_internet_gateways()["InternetGateways"]
        if any(a["VpcId"] in vpc_ids for a in g.get("Attachments", []))]
    out["eip"] = [_name(a.get("Tags")) for a in ec2.describe_addresses()["Addresses"]]
    out["nat_gateway"] = [(_name(n.get("Tags")), subnets[n["SubnetId"]]["CidrBlock"])
                          for n in ec2.describe_nat_gateways()["NatGateways"]
                          if n["State"] in ("pending", "available")]
    tables = [t for t in ec2.describe_route_tables()["RouteTables"] if t["VpcId"] in vpc_ids
              and not any(a.get("Main") for a in t.get("Associations", []))]
    out["route_table"] = [_name(t.get("Tags")) for t in tables]
    out["route"] = [(_name(t.get("Tags")), r.get("DestinationCidrBlock"),
                     "nat" if r.get("NatGatewayId") else "igw")
                    for t in tables for r in t.get("Routes", [])
                    if r.get("GatewayId") != "local" and r.get("DestinationCidrBlock")]
    out["route_table_association"] = [
        (_name(t.get("Tags")), subnets[a["SubnetId"]]["CidrBlock"])
        for t in tables for a in t.get("Associations", []) if a.get("SubnetId")]
    groups = {g["GroupId"]: g for g in ec2.describe_security_groups()["SecurityGroups"]
              if g["VpcId"] in vpc_ids and g["GroupName"] != "default"}
    out["security_group"] = [(g["GroupName"], g["Description"]) for g in groups.values()]
    rules = []
    for group in groups.values():
        for direction, key in (("in", "IpPermissions"), ("out", "IpPermissionsEgress")):
            for perm in group.get(key, []):
                peers = [r["CidrIp"] for r in perm.get("IpRanges", [])
                         if r["CidrIp"] != "255.255.255.255/32"]  # CloudFormation's no-egress
                peers += [groups[p["GroupId"]]["GroupName"] if p["GroupId"] in groups
                          else p["GroupId"] for p in perm.get("UserIdGroupPairs", [])]
                for peer in peers:
                    rules.append((group["GroupName"], direction, perm["IpProtocol"],
                                  perm.get("FromPort"), perm.get("ToPort"), peer))
    out["security_group_rule"] = rules
    out["key_pair"] = [k["KeyName"] for k in ec2.describe_key_pairs()["KeyPairs"]]
    logs = server.client("logs")
    log_groups = logs.describe_log_groups()["logGroups"]
    out["log_group"] = [(g["logGroupName"], g.get("retentionInDays"),
                         logs.list_tags_log_group(logGroupName=g["logGroupName"])["tags"].get("Name"))
                        for g in log_groups]
    out["flow_log"] = [
        (_name(f.get("Tags")), f["ResourceId"] in vpc_ids, f["TrafficType"],
         f["LogDestinationType"], f.get("LogGroupName") or f.get("LogDestination", "").split(
             ":log-group:")[-1], f["DeliverLogsPermissionArn"].rsplit("/", 1)[-1])
        for f in ec2.describe_flow_logs()["FlowLogs"]]
    out["instance"] = [
        (_name(i.get("Tags")), i["InstanceType"], subnets[i["SubnetId"]]["CidrBlock"],
         tuple(sorted(groups[g["GroupId"]]["GroupName"] for g in i["SecurityGroups"])))
        for r in ec2.describe_instances()["Reservations"] for i in r["Instances"]
        if i["State"]["Name"] != "terminated"]

    rds = server.client("rds")
    out["db_subnet_group"] = [g["DBSubnetGroupName"]
                              for g in rds.describe_db_subnet_groups()["DBSubnetGroups"]]
    out["db_instance"] = [(d["DBInstanceIdentifier"], d["DBInstanceClass"], d["Engine"],
                           d["EngineVersion"], d["StorageEncrypted"], d["MultiAZ"],
                           d["DBSubnetGroup"]["DBSubnetGroupName"])
                          for d in rds.describe_db_instances()["DBInstances"]]
    cache = server.client("elasticache")
    out["cache_subnet_group"] = [g["CacheSubnetGroupName"] for g in
                                 cache.describe_cache_subnet_groups()["CacheSubnetGroups"]]
    out["cache_replication_group"] = [
        (g["ReplicationGroupId"], g.get("CacheNodeType"), g.get("AtRestEncryptionEnabled"),
         g.get("TransitEncryptionEnabled"))
        for g in cache.describe_replication_groups()["ReplicationGroups"]
        # moto keeps a deleted group in "deleting" for ever (a gap, see test_apply.py)
        if g["Status"] != "deleting"]

    iam = server.client("iam")
    roles = [r["RoleName"] for r in iam.list_roles()["Roles"]]
    out["iam_role"] = roles
    out["iam_role_policy"] = [(r, p) for r in roles
                              for p in iam.list_role_policies(RoleName=r)["PolicyNames"]]
    out["iam_role_policy_attachment"] = [
        (r, p["PolicyArn"]) for r in roles
        for p in iam.list_attached_role_policies(RoleName=r)["AttachedPolicies"]]
    out["iam_instance_profile"] = [
        (p["InstanceProfileName"], tuple(r["RoleName"] for r in p["Roles"]))
        for p in iam.list_instance_profiles()["InstanceProfiles"]]

    s3 = server.client("s3")
    out["bucket"] = [(b["Name"], _bucket_encryption(s3, b["Name"]),
                      s3.get_bucket_versioning(Bucket=b["Name"]).get("Status"),
                      _public_access_blocked(s3, b["Name"]),
                      _name(s3.get_bucket_tagging(Bucket=b["Name"])["TagSet"]))
                     for b in s3.list_buckets()["Buckets"]]

    elb = server.client("elbv2")
    lbs = elb.describe_load_balancers()["LoadBalancers"]
    out["load_balancer"] = [(lb["LoadBalancerName"], lb["Scheme"], lb["Type"]) for lb in lbs]
    tgs = {t["TargetGroupArn"]: t for t in elb.describe_target_groups()["TargetGroups"]}
    out["target_group"] = [(t["TargetGroupName"], t["Protocol"], t["Port"],
                            t.get("HealthCheckPath")) for t in tgs.values()]
    out["target_group_attachment"] = [
        (t["TargetGroupName"], d["Target"]["Port"]) for t in tgs.values()
        for d in elb.describe_target_health(TargetGroupArn=t["TargetGroupArn"])
        ["TargetHealthDescriptions"]]
    listeners, rules_out = [], []
    for lb in lbs:
        for listener in elb.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]:
            listeners.append((lb["LoadBalancerName"], listener["Port"], listener["Protocol"]))
            for rule in elb.describe_rules(ListenerArn=listener["ListenerArn"])["Rules"]:
                if rule.get("IsDefault"):
                    continue
                hosts = tuple(v for c in rule["Conditions"]
                              for v in c.get("HostHeaderConfig", {}).get("Values", []))
                targets = tuple(tgs[a["TargetGroupArn"]]["TargetGroupName"]
                                for a in rule["Actions"] if a.get("TargetGroupArn"))
                rules_out.append((listener["Port"], str(rule["Priority"]), hosts, targets))
    out["listener"], out["listener_rule"] = listeners, rules_out
    out["certificate"] = [c["DomainName"] for c in
                          server.client("acm").list_certificates()["CertificateSummaryList"]]

    cloudwatch = server.client("cloudwatch")
    out["dashboard"] = [d["DashboardName"] for d in cloudwatch.list_dashboards()["DashboardEntries"]]
    out["metric_alarm"] = [(a["AlarmName"], a["Namespace"], a["MetricName"], a["Threshold"])
                           for a in cloudwatch.describe_alarms()["MetricAlarms"]]
    sns = server.client("sns")
    out["sns_topic"] = [t["TopicArn"].rsplit(":", 1)[1] for t in sns.list_topics()["Topics"]]
    out["sns_subscription"] = [(s["TopicArn"].rsplit(":", 1)[1], s["Protocol"], s["Endpoint"])
                               for s in sns.list_subscriptions()["Subscriptions"]]
    account = server.client("sts").get_caller_identity()["Account"]
    out["budget"] = [b["BudgetName"] for b in
                     server.client("budgets").describe_budgets(AccountId=account)
                     .get("Budgets", [])]
    return {kind: sorted(items, key=repr) for kind, items in out.items()}


# -- CloudFormation into moto ---------------------------------------------------------------------

# What moto's CloudFormation cannot model (checked with moto 5.2): it skips these types, and a
# GetAtt of these attributes fails. The CloudFormation deploy test replaces them and lists them.
MOTO_CFN_SKIPS_TYPES = ("AWS::ElastiCache::", "AWS::CloudWatch::Alarm", "AWS::Budgets::Budget",
                        "AWS::CertificateManager::Certificate")
MOTO_CFN_LACKS_ATTRS = {"MasterUserSecret.SecretArn", "TargetGroupFullName"}
_SUB_VAR = re.compile(r"\$\{([A-Za-z0-9]+)(?:\.([A-Za-z0-9.]+))?\}")


def template_for_moto(text: str, certificate_arn: str) -> tuple[str, list[str]]:
    """The template with what moto cannot model taken out (returned as a list), as JSON.

    References to a removed certificate become ``certificate_arn`` (one the test requested);
    other references to what moto lacks become the literal "moto-gap". moto also splits
    ``${Db.Endpoint.Address}`` inside !Sub at every dot, so those move into !Sub's variable map
    as a long-form GetAtt, which means the same thing to CloudFormation.
    """
    from cfnlint.decode import decode_str

    template, errors = decode_str(text)
    assert not errors, errors
    template = json.loads(json.dumps(template))
    types = {k: r["Type"] for k, r in template["Resources"].items()}
    dropped = {k for k, t in types.items() if t.startswith(MOTO_CFN_SKIPS_TYPES)}
    gaps = sorted(f"{k} ({types[k]})" for k in dropped)

    def lacking(resource: str, attr: str | None) -> bool:
        if attr in MOTO_CFN_LACKS_ATTRS:
            gaps.append(f"GetAtt {resource}.{attr}")
            return True
        return resource in dropped

    def fix(value: Any) -> Any:
        if isinstance(value, list):
            return [fix(v) for v in value]
        if not isinstance(value, dict):
            return value
        if "Ref" in value and value["Ref"] in dropped:
            return (certificate_arn if types[value["Ref"]].endswith("::Certificate")
                    else "moto-gap")
        if "Fn::GetAtt" in value:
            resource, attr = value["Fn::GetAtt"]
            if lacking(resource, attr):
                return "moto-gap"
        if "Fn::Sub" in value:
            sub = value["Fn::Sub"]
            body, variables = (sub, {}) if isinstance(sub, str) else (sub[0], fix(sub[1]))

            def replace(match: re.Match) -> str:
                resource, attr = match.group(1), match.group(2)
                if resource in variables or resource.startswith("AWS"):
                    return match.group(0)
                if lacking(resource, attr):
                    return "moto-gap"
                if attr and "." in attr:
                    name = f"dotted{len(variables)}"
                    variables[name] = {"Fn::GetAtt": [resource, attr]}
                    return "${" + name + "}"
                return match.group(0)

            body = _SUB_VAR.sub(replace, body)
            return {"Fn::Sub": [body, variables] if variables else body}
        return {k: fix(v) for k, v in value.items()}

    for name in dropped:
        del template["Resources"][name]
    template["Resources"] = fix(template["Resources"])
    outputs = {}
    for name, output in template.get("Outputs", {}).items():
        value = fix(output["Value"])
        if value != "moto-gap":
            outputs[name] = {**output, "Value": value}
    template["Outputs"] = outputs
    for resource in template["Resources"].values():
        if "DependsOn" in resource:
            depends = resource["DependsOn"]
            kept = [d for d in ([depends] if isinstance(depends, str) else depends)
                    if d not in dropped]
            if kept:
                resource["DependsOn"] = kept
            else:
                del resource["DependsOn"]
    return json.dumps(template), sorted(set(gaps))


def deploy_stack(server: MotoServer, body: str, name: str = "s0c") -> dict[str, Any]:
    cfn = server.client("cloudformation")
    cfn.create_stack(StackName=name, TemplateBody=body, Capabilities=["CAPABILITY_NAMED_IAM"])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        stack = cfn.describe_stacks(StackName=name)["Stacks"][0]
        if not stack["StackStatus"].endswith("IN_PROGRESS"):
            return stack
        time.sleep(0.2)
    raise AssertionError("stack did not finish within 60 s")
