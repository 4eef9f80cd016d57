"""Terraform, CloudFormation and the boto3 plan describe the same AWS resources.

Each backend's output is read back as its consumer would read it (python-hcl2, cfn-lint's
template decoder, the plan's JSON), mapped to kinds through the one table every backend uses
(``compiler/kinds.py``), and compared by logical id, with the key properties of each kind.
"""

from __future__ import annotations

import json
import re
from typing import Any

import jmespath
from hypothesis import Phase, given, settings

from s0c.compiler.kinds import KINDS, by_cloudformation_type, by_terraform_type
from s0c.compiler.naming import logical_ids
from tests import tfcheck
from tests.specs import compile_data, poc_data
from tests.strategies import valid_specs

_PORTS = {"from": ("from_port", "FromPort", "IpPermissions[0].FromPort"),
          "to": ("to_port", "ToPort", "IpPermissions[0].ToPort"),
          "protocol": ("ip_protocol", "IpProtocol", "IpPermissions[0].IpProtocol"),
          "cidr": ("cidr_ipv4", "CidrIp", "IpPermissions[0].IpRanges[0].CidrIp")}
# kind -> property -> (Terraform path, CloudFormation path, boto3 params path), as JMESPath.
KEY_PROPS: dict[str, dict[str, tuple[str, str, str]]] = {
    "vpc": {"cidr": ("cidr_block", "CidrBlock", "CidrBlock")},
    "subnet": {"cidr": ("cidr_block", "CidrBlock", "CidrBlock")},
    "security_group": {"name": ("name", "GroupName", "GroupName")},
    "security_group_ingress": _PORTS,
    "security_group_egress": _PORTS,
    "db_instance": {
        "class": ("instance_class", "DBInstanceClass", "DBInstanceClass"),
        "engine": ("engine", "Engine", "Engine"),
        "version": ("engine_version", "EngineVersion", "EngineVersion"),
        "encrypted": ("storage_encrypted", "StorageEncrypted", "StorageEncrypted"),
        "storage": ("allocated_storage", "AllocatedStorage", "AllocatedStorage"),
        "multi_az": ("multi_az", "MultiAZ", "MultiAZ"),
        "public": ("publicly_accessible", "PubliclyAccessible", "PubliclyAccessible"),
        "managed_password": ("manage_master_user_password", "ManageMasterUserPassword",
                             "ManageMasterUserPassword"),
        "deletion_protection": ("deletion_protection", "DeletionProtection",
                                "DeletionProtection")},
    "cache_replication_group": {
        "node_type": ("node_type", "CacheNodeType", "CacheNodeType"),
        "version": ("engine_version", "EngineVersion", "EngineVersion"),
        "nodes": ("num_cache_clusters", "NumCacheClusters", "NumCacheClusters"),
        "at_rest": ("at_rest_encryption_enabled", "AtRestEncryptionEnabled",
                    "AtRestEncryptionEnabled"),
        "in_transit": ("transit_encryption_enabled", "TransitEncryptionEnabled",
                       "TransitEncryptionEnabled")},
    "instance": {
        "type": ("instance_type", "InstanceType", "InstanceType"),
        "volume": ("root_block_device[0].volume_size", "BlockDeviceMappings[0].Ebs.VolumeSize",
                   "BlockDeviceMappings[0].Ebs.VolumeSize"),
        "volume_encrypted": ("root_block_device[0].encrypted",
                             "BlockDeviceMappings[0].Ebs.Encrypted",
                             "BlockDeviceMappings[0].Ebs.Encrypted"),
        "imdsv2": ("metadata_options[0].http_tokens", "MetadataOptions.HttpTokens",
                   "MetadataOptions.HttpTokens")},
    "load_balancer": {"name": ("name", "Name", "Name")},
    "target_group": {"port": ("port", "Port", "Port"),
                     "protocol": ("protocol", "Protocol", "Protocol"),
                     "health": ("health_check[0].path", "HealthCheckPath", "HealthCheckPath")},
    "listener": {"port": ("port", "Port", "Port"), "protocol": ("protocol", "Protocol",
                                                                 "Protocol")},
    "listener_rule": {"priority": ("priority", "Priority", "Priority"),
                      "hosts": ("condition[0].host_header[0].values",
                                "Conditions[0].HostHeaderConfig.Values",
                                "Conditions[0].HostHeaderConfig.Values")},
    "metric_alarm": {"metric": ("metric_name", "MetricName", "MetricName"),
                     "threshold": ("threshold", "Threshold", "Threshold")},
    "budget": {"limit": ("limit_amount", "Budget.BudgetLimit.Amount",
                         "Budget.BudgetLimit.Amount")},
    "key_pair": {"name": ("key_name", "KeyName", "KeyName")},
    "bucket": {"name": ("bucket", "BucketName", "Bucket")},
}
_APP_DB = re.compile(r"# ([a-z0-9-]+): Redis DB \d+.*?env_line REDIS_DB '?(\d+)'?", re.S)


def _norm(value: Any) -> Any:
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]  # python-hcl2 keeps string literals' quotes
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return f"{float(value):g}"
    if isinstance(value, str) and re.fullmatch(r"-?\d+(\.\d+)?", value):
        return f"{float(value):g}"
    if isinstance(value, list):
        return tuple(_norm(v) for v in value)
    return value


def _props(kind: str, body: dict, column: int) -> dict[str, Any]:
    return {name: _norm(jmespath.search(paths[column], body))
            for name, paths in KEY_PROPS.get(kind, {}).items()}


def _app_dbs(script: str) -> list[tuple[str, str]]:
    return _APP_DB.findall(script)


def read_terraform(files: dict[str, str]) -> tuple[dict, list]:
    out, dbs = {}, []
    table = by_terraform_type()
    for section, rtype, name, body in tfcheck.resources(tfcheck.parse_files(files)):
        kind = table[rtype]
        assert kind.lookup == (section == "data"), (rtype, section)
        out[name] = (kind.name, _props(kind.name, body, 0))
        if kind.name == "instance":
            dbs = _app_dbs(body["user_data"])
    return out, dbs


def read_cloudformation(text: str, graph) -> tuple[dict, list, dict]:
    from cfnlint.decode import decode_str

    template, errors = decode_str(text)
    assert not errors
    node_of = {v: k for k, v in logical_ids([n.id for n in graph.nodes.values()
                                              if KINDS[n.kind].cloudformation]).items()}
    table = by_cloudformation_type()
    out, dbs, raw = {}, [], {}
    for logical, resource in template["Resources"].items():
        if resource["Type"] == "AWS::EC2::VPCGatewayAttachment":  # part of the gateway
            continue
        kind, node = table[resource["Type"]], node_of[logical]
        properties = json.loads(json.dumps(resource.get("Properties", {})))
        out[node] = (kind.name, _props(kind.name, properties, 1))
        raw[node] = properties
        if kind.name == "instance":
            sub = properties["UserData"]["Fn::Base64"]["Fn::Sub"]
            dbs = _app_dbs(sub if isinstance(sub, str) else sub[0])
    return out, dbs, raw


def read_boto3(text: str) -> tuple[dict, list]:
    plan = json.loads(text)
    out, dbs = {}, []
    for step in plan["steps"]:
        if step["id"] != step["node"] or step["node"].startswith("_"):
            continue  # a follow-up call of a resource, or the plan's own account lookup
        kind = KINDS[step["kind"]]
        assert kind.boto3 == f"{step['service']}:{step['operation']}", step["id"]
        out[step["node"]] = (kind.name, _props(kind.name, step["params"], 2))
        if kind.name == "instance":
            parts = step["params"]["UserData"]["s0c:join"]
            dbs = _app_dbs("".join(p if isinstance(p, str) else "?" for p in parts))
    return out, dbs


def assert_equivalent(data: dict) -> None:
    results = {b: compile_data(data, b) for b in ("terraform", "cloudformation", "boto3")}
    for backend, result in results.items():
        assert result.ok, (backend, result.diagnostics)  # boto3: every call botocore-checked
        if backend != "terraform":  # (tests/test_properties.py covers Terraform's)
            assert compile_data(data, backend).files == result.files  # byte for byte
    graph = results["terraform"].graph
    terraform, tf_dbs = read_terraform(results["terraform"].files)
    cloudformation, cfn_dbs, cfn_raw = read_cloudformation(
        results["cloudformation"].files["template.yaml"], graph)
    boto3, b3_dbs = read_boto3(results["boto3"].files["plan.json"])

    # The same resources, by logical id and kind.
    expected = {nid: node.kind for nid, node in graph.nodes.items()}
    assert {k: v[0] for k, v in terraform.items()} == expected
    assert {k: v[0] for k, v in boto3.items()} == expected
    assert {k: v[0] for k, v in cloudformation.items()} == {
        k: v for k, v in expected.items() if KINDS[v].cloudformation}
    # ... with the same key properties, which are the spec's.
    for nid, (kind, props) in terraform.items():
        assert boto3[nid][1] == props, (nid, boto3[nid][1], props)
        if nid in cloudformation:
            assert cloudformation[nid][1] == props, (nid, cloudformation[nid][1], props)
    db = terraform["db"][1]
    assert (db["class"], db["version"], db["encrypted"]) == (
        data["database"]["instance_class"], data["database"]["version"],
        str(data["database"]["encrypted"]).lower())
    assert terraform["host"][1]["type"] == data["compute"]["instance_type"]
    # Kinds CloudFormation has no resource for are in the resource the kinds table names.
    for nid, node in graph.nodes.items():
        if node.kind == "iam_role_policy_attachment":
            role = cfn_raw[node.props["role"].node]
            assert node.props["policy_arn"] in role["ManagedPolicyArns"]
        elif node.kind == "target_group_attachment":
            group = cfn_raw[node.props["target_group_arn"].node]
            assert node.props["port"] in [t["Port"] for t in group["Targets"]]
        elif node.kind.startswith("bucket_"):
            bucket = cfn_raw[node.props["bucket"].node]
            folded = {"bucket_public_access_block": "PublicAccessBlockConfiguration",
                      "bucket_encryption": "BucketEncryption",
                      "bucket_versioning": "VersioningConfiguration"}[node.kind]
            assert folded in bucket, (nid, folded)
    for index, bucket in enumerate(data.get("buckets", [])):
        properties = cfn_raw[f"bucket_{bucket['name']}"]
        assert ("BucketEncryption" in properties) == bucket.get("encrypted", True), index
    # Each app on its own Redis DB, the same in all three boot scripts.
    spec_dbs = [(app["name"], str(app["redis_db"])) for app in data["apps"]]
    assert tf_dbs == cfn_dbs == b3_dbs == spec_dbs


def test_the_poc_is_the_same_environment_in_all_three_backends() -> None:
    assert_equivalent(poc_data())


# Three compiles and three parses per example: few examples, no shrinking (minutes here).
@settings(max_examples=15, phases=(Phase.explicit, Phase.reuse, Phase.generate))
@given(valid_specs())
def test_every_backend_describes_the_same_resources(data: dict) -> None:
    assert_equivalent(data)
