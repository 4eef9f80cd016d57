"""Terraform, CloudFormation and the boto3 plan describe the same AWS resources.

Each backend's output is read back as its consumer would read it (python-hcl2, cfn-lint's
template decoder, the plan's JSON), mapped to kinds through the one table every backend uses
(``s0c.catalogue``), and compared by logical id, with the key properties of each kind.
"""

from __future__ import annotations

import json
import re
from typing import Any

import jmespath
from hypothesis import Phase, given, settings

from s0c.catalogue import KINDS, by_cloudformation_type, by_terraform_type
from s0c.catalogue.model import CfnFold, CfnResource
from s0c.compiler.naming import logical_ids
from tests import tfcheck
from tests.specs import compile_data, poc_data
from tests.strategies import valid_specs

# kind -> graph attributes compared across backends. Plain fields are located through the
# catalogue's spellings (one table for all backends); the shapes a catalogue function builds are
# located by the explicit paths below, as (Terraform, CloudFormation, boto3 params) JMESPath.
KEY_ATTRS: dict[str, tuple[str, ...]] = {
    "vpc": ("cidr_block",),
    "subnet": ("cidr_block",),
    "security_group": ("name",),
    "db_instance": ("instance_class", "engine", "engine_version", "storage_encrypted",
                    "allocated_storage", "multi_az", "publicly_accessible",
                    "manage_master_user_password", "deletion_protection"),
    "cache_replication_group": ("node_type", "engine_version", "num_cache_clusters",
                                "at_rest_encryption_enabled", "transit_encryption_enabled"),
    "load_balancer": ("name",),
    "target_group": ("port", "protocol"),
    "listener": ("port", "protocol"),
    "listener_rule": ("priority",),
    "metric_alarm": ("metric_name", "threshold"),
    "key_pair": ("key_name",),
    "bucket": ("bucket",),
    "log_group": ("name",),  # (the API sets the retention in a follow-up call)
    "flow_log": ("traffic_type", "log_destination_type", "max_aggregation_interval"),
}
_RULE_SHAPES = {"from": ("from_port", "FromPort", "IpPermissions[0].FromPort"),
                "to": ("to_port", "ToPort", "IpPermissions[0].ToPort"),
                "protocol": ("ip_protocol", "IpProtocol", "IpPermissions[0].IpProtocol"),
                "cidr": ("cidr_ipv4", "CidrIp", "IpPermissions[0].IpRanges[0].CidrIp")}
SHAPES: dict[str, dict[str, tuple[str, str, str]]] = {
    "security_group_ingress": _RULE_SHAPES,
    "security_group_egress": _RULE_SHAPES,
    "instance": {
        "type": ("instance_type", "InstanceType", "InstanceType"),
        "volume": ("root_block_device[0].volume_size", "BlockDeviceMappings[0].Ebs.VolumeSize",
                   "BlockDeviceMappings[0].Ebs.VolumeSize"),
        "volume_encrypted": ("root_block_device[0].encrypted",
                             "BlockDeviceMappings[0].Ebs.Encrypted",
                             "BlockDeviceMappings[0].Ebs.Encrypted"),
        "imdsv2": ("metadata_options[0].http_tokens", "MetadataOptions.HttpTokens",
                   "MetadataOptions.HttpTokens")},
    "target_group": {"health": ("health_check[0].path", "HealthCheckPath", "HealthCheckPath")},
    "listener_rule": {"hosts": ("condition[0].host_header[0].values",
                                "Conditions[0].HostHeaderConfig.Values",
                                "Conditions[0].HostHeaderConfig.Values")},
    "budget": {"limit": ("limit_amount", "Budget.BudgetLimit.Amount",
                         "Budget.BudgetLimit.Amount")},
}


def _paths(kind: str) -> dict[str, tuple[str, str, str]]:
    fields = KINDS[kind].fields
    cfn, api = fields.spelling("cfn"), fields.spelling("api")
    out = {attr: (attr, cfn[attr], api[attr]) for attr in KEY_ATTRS.get(kind, ())}
    out.update(SHAPES.get(kind, {}))
    return out


KEY_PROPS = {kind: _paths(kind) for kind in sorted(set(KEY_ATTRS) | set(SHAPES))}
_APP_DB = re.compile(r"# ([a-z0-9-]+): Redis DB \d+.*?env_line REDIS_DB '?(\d+)'?", re.S)


COMPANIONS = {k.cloudformation.companion.type for k in KINDS.values()
              if isinstance(k.cloudformation, CfnResource) and k.cloudformation.companion}


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
        if (section, rtype) == ("data", "aws_partition"):
            continue  # how Terraform says the partition (graph.Pseudo), not a graph node
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
                                              if KINDS[n.kind].cfn_type]).items()}
    table = by_cloudformation_type()
    out, dbs, raw = {}, [], {}
    for logical, resource in template["Resources"].items():
        if resource["Type"] in COMPANIONS:  # part of the resource it accompanies
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
        assert kind.api.call == f"{step['service']}:{step['operation']}", step["id"]
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
        k: v for k, v in expected.items() if KINDS[v].cfn_type}
    # ... with the same key properties, which are the spec's.
    for nid, (kind, props) in terraform.items():
        assert boto3[nid][1] == props, (nid, boto3[nid][1], props)
        if nid in cloudformation:
            assert cloudformation[nid][1] == props, (nid, cloudformation[nid][1], props)
    db = terraform["db"][1]
    assert (db["instance_class"], db["engine_version"], db["storage_encrypted"]) == (
        data["database"]["instance_class"], data["database"]["version"],
        str(data["database"]["encrypted"]).lower())
    assert terraform["host"][1]["type"] == data["compute"]["instance_type"]
    # Kinds CloudFormation folds into another resource are in the property the catalogue names.
    for nid, node in graph.nodes.items():
        fold = KINDS[node.kind].cloudformation
        if isinstance(fold, CfnFold):
            parent = cfn_raw[node.props[fold.parent].node]
            assert fold.property in parent, (nid, fold.property)
            if fold.many:
                assert len(parent[fold.property]) == sum(
                    1 for n in graph.nodes.values() if n.kind == node.kind
                    and n.props[fold.parent] == node.props[fold.parent]), (nid, fold.property)
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
