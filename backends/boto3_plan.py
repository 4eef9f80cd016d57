"""boto3 backend: the resource graph as an ordered plan of AWS API calls (``plan.json``).

Each step is ``{id, node, kind, service, operation, params, outputs}`` plus what makes apply
safe to repeat: ``find`` (a read call that adopts a resource an interrupted run created),
``wait`` (a botocore waiter), ``read`` (outputs only known once the resource is ready),
``undo`` (the call ``s0c destroy`` makes) and ``tolerate`` (error codes that mean "already
done"). Every call's params are checked against botocore's service model before the plan is
written (see :mod:`.plan_check`).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Callable

from s0c.compiler.graph import Graph, Node
from s0c.compiler.hookspecs import hookimpl
from s0c.compiler.host import ROOT_DEVICE
from s0c.compiler.naming import partition
from s0c.spec.diagnostics import Diagnostic, error

from . import aws_fields as fields
from .plan_values import JOIN, REF, encode

FORMAT = "s0c.boto3-plan/1"
ENV_TAG, ID_TAG = "s0c:environment", "s0c:logical-id"
ACCOUNT_STEP = "_account"  # node ids never start with "_": a step the graph does not name


def _ref(node_id: str, attr: str) -> dict[str, str]:
    return {REF: f"{node_id}.{attr}"}


class _Builder:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    # -- helpers ------------------------------------------------------------------------------

    def v(self, value: Any) -> Any:
        return encode(value)

    def tag_list(self, node: Node) -> list[dict[str, str]]:
        tags = dict(node.props.get("tags", {}))
        tags[ENV_TAG] = self.graph.name
        tags[ID_TAG] = node.id
        return [{"Key": k, "Value": v} for k, v in tags.items()]

    def tag_spec(self, node: Node, *types: str) -> list[dict[str, Any]]:
        return [{"ResourceType": t, "Tags": self.tag_list(node)} for t in types]

    def tag_filters(self, node: Node) -> list[dict[str, Any]]:
        return [{"Name": f"tag:{ENV_TAG}", "Values": [self.graph.name]},
                {"Name": f"tag:{ID_TAG}", "Values": [node.id]}]

    def token(self, node: Node, size: int = 64) -> str:
        """An idempotency token that is the same on every run of this plan."""
        return hashlib.sha256(f"{self.graph.name}/{node.id}".encode()).hexdigest()[:size]

    def pick(self, props: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
        return {api: self.v(props[tf]) for tf, api in names.items() if tf in props}


def step(node: Node, service: str, operation: str, params: dict[str, Any],
         outputs: dict[str, Any] | None = None, *, suffix: str = "", **extra: Any) -> dict:
    out = {"id": node.id + (f"/{suffix}" if suffix else ""), "node": node.id, "kind": node.kind,
           "service": service, "operation": operation, "params": params,
           "outputs": outputs or {}}
    out.update({k: v for k, v in extra.items() if v is not None})
    return out


def call(operation: str, params: dict[str, Any], outputs: dict[str, Any] | None = None,
         **extra: Any) -> dict:
    out: dict[str, Any] = {"operation": operation, "params": params}
    if outputs:
        out["outputs"] = outputs
    out.update({k: v for k, v in extra.items() if v is not None})
    return out


def waiter(name: str, params: dict[str, Any]) -> dict:
    return {"waiter": name, "params": params}


# -- one builder per kind: (builder, node) -> steps ---------------------------------------------

def _azs(b, n):
    filters = [{"Name": "state", "Values": [n.props.get("state", "available")]}]
    return [step(n, "ec2", "DescribeAvailabilityZones", {"Filters": filters},
                 {"names": "sort(AvailabilityZones[].ZoneName)"})]


def _ssm_parameter(b, n):
    return [step(n, "ssm", "GetParameter", {"Name": b.v(n.props["name"])},
                 {"value": "Parameter.Value"})]


def _caller_identity(b, n):
    return [step(n, "sts", "GetCallerIdentity", {}, {"account_id": "Account"})]


def _ec2_find(b, n, operation: str, path: str, *, attr: str = "id",
              filter_key: str = "Filters", extra_filters: list | None = None) -> dict:
    return call(operation, {filter_key: b.tag_filters(n) + (extra_filters or [])},
                {attr: path})


def _vpc(b, n):
    vpc = _ref(n.id, "id")
    steps = [step(n, "ec2", "CreateVpc",
                  {"CidrBlock": n.props["cidr_block"],
                   "TagSpecifications": b.tag_spec(n, "vpc")},
                  {"id": "Vpc.VpcId"},
                  find=_ec2_find(b, n, "DescribeVpcs", "Vpcs[0].VpcId"),
                  wait=waiter("VpcAvailable", {"VpcIds": [vpc]}),
                  undo=call("DeleteVpc", {"VpcId": vpc}))]
    # EC2 takes one VPC attribute per call.
    for prop, api in (("enable_dns_support", "EnableDnsSupport"),
                      ("enable_dns_hostnames", "EnableDnsHostnames")):
        if prop in n.props:
            steps.append(step(n, "ec2", "ModifyVpcAttribute",
                              {"VpcId": vpc, api: {"Value": n.props[prop]}},
                              suffix=prop.removeprefix("enable_")))
    return steps


def _subnet(b, n):
    subnet = _ref(n.id, "id")
    steps = [step(n, "ec2", "CreateSubnet",
                  {**b.pick(n.props, {"vpc_id": "VpcId", "cidr_block": "CidrBlock",
                                      "availability_zone": "AvailabilityZone"}),
                   "TagSpecifications": b.tag_spec(n, "subnet")},
                  {"id": "Subnet.SubnetId"},
                  find=_ec2_find(b, n, "DescribeSubnets", "Subnets[0].SubnetId"),
                  wait=waiter("SubnetAvailable", {"SubnetIds": [subnet]}),
                  undo=call("DeleteSubnet", {"SubnetId": subnet}))]
    if n.props.get("map_public_ip_on_launch"):
        steps.append(step(n, "ec2", "ModifySubnetAttribute",
                          {"SubnetId": subnet, "MapPublicIpOnLaunch": {"Value": True}},
                          suffix="public_ip"))
    return steps


def _igw(b, n):
    igw = _ref(n.id, "id")
    vpc = b.v(n.props["vpc_id"])
    return [
        step(n, "ec2", "CreateInternetGateway",
             {"TagSpecifications": b.tag_spec(n, "internet-gateway")},
             {"id": "InternetGateway.InternetGatewayId"},
             find=_ec2_find(b, n, "DescribeInternetGateways",
                            "InternetGateways[0].InternetGatewayId"),
             undo=call("DeleteInternetGateway", {"InternetGatewayId": igw})),
        step(n, "ec2", "AttachInternetGateway", {"InternetGatewayId": igw, "VpcId": vpc},
             suffix="attach",
             find=call("DescribeInternetGateways",
                       {"InternetGatewayIds": [igw],
                        "Filters": [{"Name": "attachment.vpc-id", "Values": [vpc]}]},
                       {"_attached": "InternetGateways[0].InternetGatewayId"}),
             undo=call("DetachInternetGateway", {"InternetGatewayId": igw, "VpcId": vpc})),
    ]


def _eip(b, n):
    return [step(n, "ec2", "AllocateAddress",
                 {"Domain": n.props.get("domain", "vpc"),
                  "TagSpecifications": b.tag_spec(n, "elastic-ip")},
                 {"id": "AllocationId", "public_ip": "PublicIp"},
                 find=call("DescribeAddresses", {"Filters": b.tag_filters(n)},
                           {"id": "Addresses[0].AllocationId",
                            "public_ip": "Addresses[0].PublicIp"}),
                 undo=call("ReleaseAddress", {"AllocationId": _ref(n.id, "id")}))]


def _nat(b, n):
    nat = _ref(n.id, "id")
    live = [{"Name": "state", "Values": ["pending", "available"]}]
    return [step(n, "ec2", "CreateNatGateway",
                 {**b.pick(n.props, {"subnet_id": "SubnetId", "allocation_id": "AllocationId"}),
                  "ClientToken": b.token(n),
                  "TagSpecifications": b.tag_spec(n, "natgateway")},
                 {"id": "NatGateway.NatGatewayId"},
                 find=_ec2_find(b, n, "DescribeNatGateways", "NatGateways[0].NatGatewayId",
                                filter_key="Filter", extra_filters=live),
                 wait=waiter("NatGatewayAvailable", {"NatGatewayIds": [nat]}),
                 undo=call("DeleteNatGateway", {"NatGatewayId": nat},
                           wait=waiter("NatGatewayDeleted", {"NatGatewayIds": [nat]})))]


def _route_table(b, n):
    return [step(n, "ec2", "CreateRouteTable",
                 {"VpcId": b.v(n.props["vpc_id"]),
                  "TagSpecifications": b.tag_spec(n, "route-table")},
                 {"id": "RouteTable.RouteTableId"},
                 find=_ec2_find(b, n, "DescribeRouteTables", "RouteTables[0].RouteTableId"),
                 undo=call("DeleteRouteTable", {"RouteTableId": _ref(n.id, "id")}))]


def _route(b, n):
    params = b.pick(n.props, {"route_table_id": "RouteTableId",
                              "destination_cidr_block": "DestinationCidrBlock",
                              "gateway_id": "GatewayId", "nat_gateway_id": "NatGatewayId"})
    cidr = n.props["destination_cidr_block"]
    key = {"RouteTableId": params["RouteTableId"], "DestinationCidrBlock": cidr}
    return [step(n, "ec2", "CreateRoute", params,
                 find=call("DescribeRouteTables", {"RouteTableIds": [params["RouteTableId"]]},
                           {"_route": f"RouteTables[0].Routes[?DestinationCidrBlock=='{cidr}']"
                                      " | [0].DestinationCidrBlock"}),
                 undo=call("DeleteRoute", key))]


def _rta(b, n):
    subnet = b.v(n.props["subnet_id"])
    path = {JOIN: ["RouteTables[].Associations[] | [?SubnetId=='", subnet,
                   "'] | [0].RouteTableAssociationId"]}
    return [step(n, "ec2", "AssociateRouteTable",
                 {"RouteTableId": b.v(n.props["route_table_id"]), "SubnetId": subnet},
                 {"id": "AssociationId"},
                 find=call("DescribeRouteTables",
                           {"Filters": [{"Name": "association.subnet-id", "Values": [subnet]}]},
                           {"id": path}),
                 undo=call("DisassociateRouteTable", {"AssociationId": _ref(n.id, "id")}))]


def _security_group(b, n):
    group = _ref(n.id, "id")
    return [
        step(n, "ec2", "CreateSecurityGroup",
             {"GroupName": n.props["name"], "Description": n.props["description"],
              "VpcId": b.v(n.props["vpc_id"]),
              "TagSpecifications": b.tag_spec(n, "security-group")},
             {"id": "GroupId"},
             find=_ec2_find(b, n, "DescribeSecurityGroups", "SecurityGroups[0].GroupId"),
             undo=call("DeleteSecurityGroup", {"GroupId": group})),
        # AWS gives every new group an allow-all egress rule; s0c's design has none.
        step(n, "ec2", "RevokeSecurityGroupEgress",
             {"GroupId": group,
              "IpPermissions": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]},
             suffix="no_default_egress", tolerate=["InvalidPermission.NotFound"]),
    ]


def _permission(b, p: dict[str, Any]) -> dict[str, Any]:
    perm: dict[str, Any] = {"IpProtocol": p["ip_protocol"]}
    if p["ip_protocol"] != "-1":
        perm.update({"FromPort": p["from_port"], "ToPort": p["to_port"]})
    described = {"Description": p["description"]} if "description" in p else {}
    if "cidr_ipv4" in p:
        perm["IpRanges"] = [{"CidrIp": p["cidr_ipv4"], **described}]
    if "cidr_ipv6" in p:
        perm["Ipv6Ranges"] = [{"CidrIpv6": p["cidr_ipv6"], **described}]
    if "referenced_security_group_id" in p:
        perm["UserIdGroupPairs"] = [{"GroupId": b.v(p["referenced_security_group_id"]),
                                     **described}]
    return perm


def _sg_rule(direction: str) -> Callable[[_Builder, Node], list[dict]]:
    def build(b, n):
        group = b.v(n.props["security_group_id"])
        return [step(n, "ec2", f"AuthorizeSecurityGroup{direction}",
                     {"GroupId": group, "IpPermissions": [_permission(b, n.props)],
                      "TagSpecifications": b.tag_spec(n, "security-group-rule")},
                     {"id": "SecurityGroupRules[0].SecurityGroupRuleId"},
                     find=_ec2_find(b, n, "DescribeSecurityGroupRules",
                                    "SecurityGroupRules[0].SecurityGroupRuleId"),
                     undo=call(f"RevokeSecurityGroup{direction}",
                               {"GroupId": group, "SecurityGroupRuleIds": [_ref(n.id, "id")]}))]
    return build


def _db_subnet_group(b, n):
    name = n.props["name"]
    return [step(n, "rds", "CreateDBSubnetGroup",
                 {"DBSubnetGroupName": name, "DBSubnetGroupDescription": n.props["description"],
                  "SubnetIds": b.v(n.props["subnet_ids"]), "Tags": b.tag_list(n)},
                 {"name": "DBSubnetGroup.DBSubnetGroupName"},
                 find=call("DescribeDBSubnetGroups", {"DBSubnetGroupName": name},
                           {"name": "DBSubnetGroups[0].DBSubnetGroupName"},
                           missing=["DBSubnetGroupNotFoundFault"]),
                 undo=call("DeleteDBSubnetGroup", {"DBSubnetGroupName": name}))]


def _db_instance(b, n):
    p = n.props
    identifier = p["identifier"]
    params = b.pick(p, {**fields.DB_INSTANCE, "vpc_security_group_ids": "VpcSecurityGroupIds"})
    params["Tags"] = b.tag_list(n)
    outputs = {"identifier": "DBInstances[0].DBInstanceIdentifier",
               "address": "DBInstances[0].Endpoint.Address",
               "port": "DBInstances[0].Endpoint.Port",
               "master_user_secret_arn": "DBInstances[0].MasterUserSecret.SecretArn"}
    delete: dict[str, Any] = {"DBInstanceIdentifier": identifier}
    if p.get("skip_final_snapshot", True):
        delete["SkipFinalSnapshot"] = True
    else:
        delete.update({"SkipFinalSnapshot": False,
                       "FinalDBSnapshotIdentifier": p["final_snapshot_identifier"]})
    by_id = {"DBInstanceIdentifier": identifier}
    return [step(n, "rds", "CreateDBInstance", params,
                 {"identifier": "DBInstance.DBInstanceIdentifier"},
                 find=call("DescribeDBInstances", by_id,
                           {"identifier": outputs["identifier"]},
                           missing=["DBInstanceNotFound", "DBInstanceNotFoundFault"]),
                 wait=waiter("DBInstanceAvailable", by_id),
                 read=call("DescribeDBInstances", by_id, outputs),
                 undo=call("DeleteDBInstance", delete,
                           wait=waiter("DBInstanceDeleted", by_id)))]


def _cache_subnet_group(b, n):
    name = n.props["name"]
    return [step(n, "elasticache", "CreateCacheSubnetGroup",
                 {"CacheSubnetGroupName": name,
                  "CacheSubnetGroupDescription": n.props["description"],
                  "SubnetIds": b.v(n.props["subnet_ids"]), "Tags": b.tag_list(n)},
                 {"name": "CacheSubnetGroup.CacheSubnetGroupName"},
                 find=call("DescribeCacheSubnetGroups", {"CacheSubnetGroupName": name},
                           {"name": "CacheSubnetGroups[0].CacheSubnetGroupName"},
                           missing=["CacheSubnetGroupNotFoundFault"]),
                 undo=call("DeleteCacheSubnetGroup", {"CacheSubnetGroupName": name}))]


def _replication_group(b, n):
    p = n.props
    group_id = p["replication_group_id"]
    params = b.pick(p, fields.REPLICATION_GROUP)
    params["Tags"] = b.tag_list(n)
    by_id = {"ReplicationGroupId": group_id}
    return [step(n, "elasticache", "CreateReplicationGroup", params,
                 {"id": "ReplicationGroup.ReplicationGroupId"},
                 find=call("DescribeReplicationGroups", by_id,
                           {"id": "ReplicationGroups[0].ReplicationGroupId"},
                           missing=["ReplicationGroupNotFoundFault"]),
                 wait=waiter("ReplicationGroupAvailable", by_id),
                 read=call("DescribeReplicationGroups", by_id, {
                     "primary_endpoint": "ReplicationGroups[0].NodeGroups[0]"
                                         ".PrimaryEndpoint.Address"}),
                 undo=call("DeleteReplicationGroup", by_id,
                           wait=waiter("ReplicationGroupDeleted", by_id)))]


def _iam_role(b, n):
    name = n.props["name"]
    params = {"RoleName": name, "Description": n.props["description"],
              "AssumeRolePolicyDocument": b.v(n.props["assume_role_policy"]),
              "Tags": b.tag_list(n)}
    return [step(n, "iam", "CreateRole", params, {"name": "Role.RoleName", "arn": "Role.Arn"},
                 find=call("GetRole", {"RoleName": name},
                           {"name": "Role.RoleName", "arn": "Role.Arn"},
                           missing=["NoSuchEntity"]),
                 undo=call("DeleteRole", {"RoleName": name}))]


def _policy_attachment(b, n):
    params = {"RoleName": b.v(n.props["role"]), "PolicyArn": n.props["policy_arn"]}
    return [step(n, "iam", "AttachRolePolicy", params,
                 undo=call("DetachRolePolicy", params, gone=["NoSuchEntity"]))]


def _role_policy(b, n):
    role = b.v(n.props["role"])
    return [step(n, "iam", "PutRolePolicy",
                 {"RoleName": role, "PolicyName": n.props["name"],
                  "PolicyDocument": b.v(n.props["policy"])},
                 undo=call("DeleteRolePolicy", {"RoleName": role,
                                                "PolicyName": n.props["name"]},
                           gone=["NoSuchEntity"]))]


def _instance_profile(b, n):
    name = n.props["name"]
    role = b.v(n.props["role"])
    outputs = {"name": "InstanceProfile.InstanceProfileName", "arn": "InstanceProfile.Arn"}
    return [
        step(n, "iam", "CreateInstanceProfile", {"InstanceProfileName": name,
                                                 "Tags": b.tag_list(n)}, outputs,
             find=call("GetInstanceProfile", {"InstanceProfileName": name}, outputs,
                       missing=["NoSuchEntity"]),
             undo=call("DeleteInstanceProfile", {"InstanceProfileName": name})),
        step(n, "iam", "AddRoleToInstanceProfile", {"InstanceProfileName": name, "RoleName": role},
             suffix="role",
             find=call("GetInstanceProfile", {"InstanceProfileName": name},
                       {"_role": {JOIN: ["InstanceProfile.Roles[?RoleName=='", role,
                                         "'] | [0].RoleName"]}}),
             wait=waiter("InstanceProfileExists", {"InstanceProfileName": name}),
             undo=call("RemoveRoleFromInstanceProfile",
                       {"InstanceProfileName": name, "RoleName": role}, gone=["NoSuchEntity"])),
    ]


def _key_pair(b, n):
    name = n.props["key_name"]
    return [step(n, "ec2", "ImportKeyPair",
                 {"KeyName": name, "PublicKeyMaterial": n.props["public_key"],
                  "TagSpecifications": b.tag_spec(n, "key-pair")},
                 {"key_name": "KeyName"},
                 find=call("DescribeKeyPairs", {"KeyNames": [name]},
                           {"key_name": "KeyPairs[0].KeyName"},
                           missing=["InvalidKeyPair.NotFound"]),
                 undo=call("DeleteKeyPair", {"KeyName": name}))]


def _instance(b, n):
    p = n.props
    params: dict[str, Any] = {"ImageId": b.v(p["ami"]), "InstanceType": p["instance_type"],
                              "MinCount": 1, "MaxCount": 1}
    if p.get("associate_public_ip_address"):
        params["NetworkInterfaces"] = [{"DeviceIndex": 0, "AssociatePublicIpAddress": True,
                                        "SubnetId": b.v(p["subnet_id"]),
                                        "Groups": b.v(p["vpc_security_group_ids"])}]
    else:
        params["SubnetId"] = b.v(p["subnet_id"])
        params["SecurityGroupIds"] = b.v(p["vpc_security_group_ids"])
    if "iam_instance_profile" in p:
        params["IamInstanceProfile"] = {"Name": b.v(p["iam_instance_profile"])}
    params.update(b.pick(p, {"key_name": "KeyName", "ebs_optimized": "EbsOptimized"}))
    if "monitoring" in p:
        params["Monitoring"] = {"Enabled": p["monitoring"]}
    if "metadata_options" in p:
        params["MetadataOptions"] = b.pick(p["metadata_options"], fields.METADATA_OPTIONS)
    if "root_block_device" in p:
        params["BlockDeviceMappings"] = [{"DeviceName": ROOT_DEVICE,
                                          "Ebs": b.pick(p["root_block_device"], fields.ROOT_VOLUME)}]
    if "user_data" in p:
        params["UserData"] = b.v(p["user_data"])  # boto3 base64-encodes it
    params["ClientToken"] = b.token(n)
    params["TagSpecifications"] = b.tag_spec(n, "instance", "volume")
    instance = _ref(n.id, "id")
    alive = [{"Name": "instance-state-name",
              "Values": ["pending", "running", "stopping", "stopped"]}]
    return [step(n, "ec2", "RunInstances", params,
                 {"id": "Instances[0].InstanceId", "private_ip": "Instances[0].PrivateIpAddress"},
                 find=_ec2_find(b, n, "DescribeInstances", "Reservations[0].Instances[0]"
                                ".InstanceId", extra_filters=alive),
                 wait=waiter("InstanceRunning", {"InstanceIds": [instance]}),
                 read=call("DescribeInstances", {"InstanceIds": [instance]},
                           {"private_ip": "Reservations[0].Instances[0].PrivateIpAddress"}),
                 # A new instance profile takes a few seconds to be usable by EC2.
                 retry={"errors": ["InvalidParameterValue"], "attempts": 10, "delay": 6},
                 undo=call("TerminateInstances", {"InstanceIds": [instance]},
                           wait=waiter("InstanceTerminated", {"InstanceIds": [instance]})))]


def _load_balancer(b, n):
    p = n.props
    name = p["name"]
    arn = _ref(n.id, "arn")
    params = b.pick(p, {"name": "Name", "subnets": "Subnets",
                        "security_groups": "SecurityGroups", "load_balancer_type": "Type"})
    params["Scheme"] = "internal" if p.get("internal") else "internet-facing"
    params["Tags"] = b.tag_list(n)
    outputs = {"arn": "LoadBalancers[0].LoadBalancerArn",
               "dns_name": "LoadBalancers[0].DNSName",
               "zone_id": "LoadBalancers[0].CanonicalHostedZoneId",
               "arn_suffix": {"path": "LoadBalancers[0].LoadBalancerArn",
                              "match": ":loadbalancer/(.+)$"}}
    attributes = fields.load_balancer_attributes(p)
    steps = [step(n, "elbv2", "CreateLoadBalancer", params, outputs,
                  find=call("DescribeLoadBalancers", {"Names": [name]}, outputs,
                            missing=["LoadBalancerNotFound"]),
                  wait=waiter("LoadBalancerAvailable", {"LoadBalancerArns": [arn]}),
                  undo=call("DeleteLoadBalancer", {"LoadBalancerArn": arn},
                            wait=waiter("LoadBalancersDeleted", {"LoadBalancerArns": [arn]})))]
    if attributes:
        steps.append(step(n, "elbv2", "ModifyLoadBalancerAttributes",
                          {"LoadBalancerArn": arn, "Attributes": attributes},
                          suffix="attributes"))
    return steps


def _target_group(b, n):
    p = n.props
    name = p["name"]
    arn = _ref(n.id, "arn")
    params = b.pick(p, fields.TARGET_GROUP)
    health = p.get("health_check", {})
    params.update(b.pick(health, fields.HEALTH_CHECK))
    if "matcher" in health:
        params["Matcher"] = {"HttpCode": health["matcher"]}
    params["Tags"] = b.tag_list(n)
    outputs = {"arn": "TargetGroups[0].TargetGroupArn",
               "arn_suffix": {"path": "TargetGroups[0].TargetGroupArn",
                              "match": ":(targetgroup/.+)$"}}
    steps = [step(n, "elbv2", "CreateTargetGroup", params, outputs,
                  find=call("DescribeTargetGroups", {"Names": [name]}, outputs,
                            missing=["TargetGroupNotFound"]),
                  undo=call("DeleteTargetGroup", {"TargetGroupArn": arn}))]
    if fields.target_group_attributes(p):
        steps.append(step(n, "elbv2", "ModifyTargetGroupAttributes",
                          {"TargetGroupArn": arn,
                           "Attributes": fields.target_group_attributes(p)},
                          suffix="attributes"))
    return steps


def _tg_attachment(b, n):
    params = {"TargetGroupArn": b.v(n.props["target_group_arn"]),
              "Targets": [{"Id": b.v(n.props["target_id"]), "Port": n.props["port"]}]}
    return [step(n, "elbv2", "RegisterTargets", params,
                 undo=call("DeregisterTargets", params,
                           gone=["TargetGroupNotFound", "InvalidTarget"]))]


def _certificate(b, n):
    params = b.pick(n.props, {"domain_name": "DomainName",
                              "subject_alternative_names": "SubjectAlternativeNames",
                              "validation_method": "ValidationMethod"})
    # ACM returns the same certificate for the same token within an hour: a resumed run
    # does not request a second one.
    params["IdempotencyToken"] = b.token(n, 32)
    params["Tags"] = b.tag_list(n)
    return [step(n, "acm", "RequestCertificate", params, {"arn": "CertificateArn"},
                 undo=call("DeleteCertificate", {"CertificateArn": _ref(n.id, "arn")}))]


def _certificate_validation(b, n):
    arn = b.v(n.props["certificate_arn"])
    return [step(n, "acm", "DescribeCertificate", {"CertificateArn": arn},
                 {"certificate_arn": "Certificate.CertificateArn"},
                 wait=waiter("CertificateValidated", {"CertificateArn": arn}),
                 hint="waiting for ACM DNS validation: create the CNAME records that"
                      " `aws acm describe-certificate` lists for this certificate")]


def _action(b, action: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"Type": action["type"]}
    if "target_group_arn" in action:
        out["TargetGroupArn"] = b.v(action["target_group_arn"])
    if "fixed_response" in action:
        out["FixedResponseConfig"] = b.pick(action["fixed_response"], fields.FIXED_RESPONSE)
    if "redirect" in action:
        out["RedirectConfig"] = b.pick(action["redirect"], fields.REDIRECT)
    return out


def _listener(b, n):
    p = n.props
    lb = b.v(p["load_balancer_arn"])
    params = {"LoadBalancerArn": lb, "Protocol": p["protocol"], "Port": p["port"]}
    if "ssl_policy" in p:
        params["SslPolicy"] = p["ssl_policy"]
    if "certificate_arn" in p:
        params["Certificates"] = [{"CertificateArn": b.v(p["certificate_arn"])}]
    params["DefaultActions"] = [_action(b, a) for a in fields.listify(p["default_action"])]
    params["Tags"] = b.tag_list(n)
    return [step(n, "elbv2", "CreateListener", params, {"arn": "Listeners[0].ListenerArn"},
                 find=call("DescribeListeners", {"LoadBalancerArn": lb},
                           {"arn": f"Listeners[?Port==`{p['port']}`] | [0].ListenerArn"}),
                 undo=call("DeleteListener", {"ListenerArn": _ref(n.id, "arn")},
                           gone=["ListenerNotFound"]))]


def _listener_rule(b, n):
    p = n.props
    listener = b.v(p["listener_arn"])
    params = {"ListenerArn": listener, "Priority": p["priority"],
              "Conditions": fields.conditions(p["condition"]),
              "Actions": [_action(b, a) for a in fields.listify(p["action"])],
              "Tags": b.tag_list(n)}
    return [step(n, "elbv2", "CreateRule", params, {"arn": "Rules[0].RuleArn"},
                 find=call("DescribeRules", {"ListenerArn": listener},
                           {"arn": f"Rules[?Priority=='{p['priority']}'] | [0].RuleArn"}),
                 undo=call("DeleteRule", {"RuleArn": _ref(n.id, "arn")},
                           gone=["RuleNotFound"]))]


def _bucket(b, n):
    name = n.props["bucket"]
    arn = f"arn:{partition(b.graph.region)}:s3:::{name}"
    params: dict[str, Any] = {"Bucket": name}
    if b.graph.region != "us-east-1":  # S3's one region that refuses a LocationConstraint
        params["CreateBucketConfiguration"] = {"LocationConstraint": b.graph.region}
    listed = f"Buckets[?Name=='{name}'] | [0].Name"
    # A bucket's name is its id, known before it exists: the outputs are JMESPath literals.
    return [step(n, "s3", "CreateBucket", params, {"id": f"'{name}'", "arn": f"'{arn}'"},
                 find=call("ListBuckets", {"Prefix": name},
                           {"id": listed, "arn": f"{listed} && '{arn}'"}),
                 wait=waiter("BucketExists", {"Bucket": name}),
                 # A bucket that still holds objects is not deleted: the call fails and says so.
                 undo=call("DeleteBucket", {"Bucket": name}, gone=["NoSuchBucket"])),
            step(n, "s3", "PutBucketTagging",
                 {"Bucket": name, "Tagging": {"TagSet": b.tag_list(n)}}, suffix="tags")]


def _bucket_public_access(b, n):
    bucket = b.v(n.props["bucket"])
    block = b.pick(n.props, {"block_public_acls": "BlockPublicAcls",
                             "block_public_policy": "BlockPublicPolicy",
                             "ignore_public_acls": "IgnorePublicAcls",
                             "restrict_public_buckets": "RestrictPublicBuckets"})
    return [step(n, "s3", "PutPublicAccessBlock",
                 {"Bucket": bucket, "PublicAccessBlockConfiguration": block},
                 undo=call("DeletePublicAccessBlock", {"Bucket": bucket},
                           gone=["NoSuchBucket", "NoSuchPublicAccessBlockConfiguration"]))]


def _bucket_encryption(b, n):
    bucket = b.v(n.props["bucket"])
    default = n.props["rule"]["apply_server_side_encryption_by_default"]
    rules = [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": default["sse_algorithm"]}}]
    return [step(n, "s3", "PutBucketEncryption",
                 {"Bucket": bucket, "ServerSideEncryptionConfiguration": {"Rules": rules}},
                 undo=call("DeleteBucketEncryption", {"Bucket": bucket}, gone=["NoSuchBucket"]))]


def _bucket_versioning(b, n):
    status = n.props["versioning_configuration"]["status"]
    # Nothing to undo: versioning cannot be removed, only suspended, and the bucket goes next.
    return [step(n, "s3", "PutBucketVersioning",
                 {"Bucket": b.v(n.props["bucket"]), "VersioningConfiguration": {"Status": status}})]


def _dashboard(b, n):
    name = n.props["dashboard_name"]
    return [step(n, "cloudwatch", "PutDashboard",
                 {"DashboardName": name, "DashboardBody": b.v(n.props["dashboard_body"])},
                 undo=call("DeleteDashboards", {"DashboardNames": [name]},
                           gone=["ResourceNotFound"]))]


def _alarm(b, n):
    p = n.props
    params = b.pick(p, fields.METRIC_ALARM)
    params["Threshold"] = float(p["threshold"])  # a double in CloudWatch's model
    if "dimensions" in p:
        params["Dimensions"] = [{"Name": k, "Value": b.v(v)} for k, v in p["dimensions"].items()]
    params["Tags"] = b.tag_list(n)
    names = {"AlarmNames": [p["alarm_name"]]}
    return [step(n, "cloudwatch", "PutMetricAlarm", params,
                 read=call("DescribeAlarms", names, {"arn": "MetricAlarms[0].AlarmArn"}),
                 undo=call("DeleteAlarms", names))]


def _sns_topic(b, n):
    p = n.props
    params: dict[str, Any] = {"Name": p["name"]}
    if "kms_master_key_id" in p:
        params["Attributes"] = {"KmsMasterKeyId": p["kms_master_key_id"]}
    params["Tags"] = b.tag_list(n)
    # CreateTopic returns the existing topic for the same name and attributes.
    return [step(n, "sns", "CreateTopic", params, {"arn": "TopicArn"},
                 undo=call("DeleteTopic", {"TopicArn": _ref(n.id, "arn")}))]


def _sns_subscription(b, n):
    params = {**b.pick(n.props, {"topic_arn": "TopicArn", "protocol": "Protocol",
                                 "endpoint": "Endpoint"}), "ReturnSubscriptionArn": True}
    # An e-mail subscription stays "pending confirmation" until its owner confirms it; deleting
    # the topic removes it either way.
    return [step(n, "sns", "Subscribe", params, {"arn": "SubscriptionArn"},
                 undo=call("Unsubscribe", {"SubscriptionArn": _ref(n.id, "arn")},
                           gone=["NotFound", "InvalidParameter"]))]


def _budget(b, n):
    p = n.props
    account = _ref(ACCOUNT_STEP, "account_id")
    budget = {"BudgetName": p["name"],
              "BudgetLimit": {"Amount": p["limit_amount"], "Unit": p["limit_unit"]},
              "TimeUnit": p["time_unit"], "BudgetType": p["budget_type"]}
    notifications = [{
        "Notification": b.pick(item, fields.BUDGET_NOTIFICATION),
        "Subscribers": [{"SubscriptionType": "EMAIL", "Address": address}
                        for address in item.get("subscriber_email_addresses", [])],
    } for item in p.get("notification", [])]
    for item in notifications:
        item["Notification"]["Threshold"] = float(item["Notification"]["Threshold"])
    key = {"AccountId": account, "BudgetName": p["name"]}
    return [step(n, "budgets", "CreateBudget",
                 {"AccountId": account, "Budget": budget,
                  "NotificationsWithSubscribers": notifications,
                  "ResourceTags": b.tag_list(n)},
                 find=call("DescribeBudget", key, {"_budget": "Budget.BudgetName"},
                           missing=["NotFoundException"]),
                 undo=call("DeleteBudget", key, gone=["NotFoundException"]))]


BUILDERS: dict[str, Callable[[_Builder, Node], list[dict]]] = {
    "availability_zones": _azs, "ssm_parameter": _ssm_parameter,
    "caller_identity": _caller_identity, "vpc": _vpc, "subnet": _subnet,
    "internet_gateway": _igw, "eip": _eip, "nat_gateway": _nat, "route_table": _route_table,
    "route": _route, "route_table_association": _rta, "security_group": _security_group,
    "security_group_ingress": _sg_rule("Ingress"), "security_group_egress": _sg_rule("Egress"),
    "db_subnet_group": _db_subnet_group, "db_instance": _db_instance,
    "cache_subnet_group": _cache_subnet_group, "cache_replication_group": _replication_group,
    "iam_role": _iam_role, "iam_role_policy_attachment": _policy_attachment,
    "iam_role_policy": _role_policy, "iam_instance_profile": _instance_profile,
    "key_pair": _key_pair, "instance": _instance, "load_balancer": _load_balancer,
    "target_group": _target_group, "target_group_attachment": _tg_attachment,
    "certificate": _certificate, "certificate_validation": _certificate_validation,
    "listener": _listener, "listener_rule": _listener_rule, "dashboard": _dashboard,
    "metric_alarm": _alarm, "sns_topic": _sns_topic, "sns_subscription": _sns_subscription,
    "budget": _budget, "bucket": _bucket, "bucket_public_access_block": _bucket_public_access,
    "bucket_encryption": _bucket_encryption, "bucket_versioning": _bucket_versioning,
}


def build_plan(graph: Graph) -> dict[str, Any]:
    builder = _Builder(graph)
    steps: list[dict] = []
    if any(n.kind == "budget" for n in graph.nodes.values()):
        # The Budgets API wants the account id, which Terraform's provider finds by itself.
        account = Node(ACCOUNT_STEP, "caller_identity", {})
        steps += _caller_identity(builder, account)
    for node in graph.ordered():
        # Steps run one at a time in the graph's order, so depends_on needs no translation.
        steps += BUILDERS[node.kind](builder, node)
    outputs = {name: {"description": o.description, "value": encode(o.value)}
               for name, o in sorted(graph.outputs.items())}
    return {"format": FORMAT, "name": graph.name, "region": graph.region, "mode": graph.mode,
            "inputs": {name: d.default for name, d in sorted(graph.inputs.items())},
            "steps": steps, "outputs": outputs}


def render(plan: dict[str, Any]) -> str:
    return json.dumps(plan, indent=2, ensure_ascii=False) + "\n"


class Boto3Backend:
    name = "boto3"
    description = "an ordered plan of boto3 calls (plan.json) for `s0c apply`"

    def emit(self, graph: Graph) -> tuple[dict[str, str], list[Diagnostic]]:
        from .plan_check import check_plan

        missing = sorted({n.kind for n in graph.nodes.values() if n.kind not in BUILDERS})
        if missing:
            return {}, [error("S0C-BOTO3", f"no boto3 translation for {', '.join(missing)}")]
        plan = build_plan(graph)
        problems = [error("S0C-BOTO3", message, graph.nodes[node].origin
                          if node in graph.nodes else ())
                    for node, message in check_plan(plan)]
        if problems:
            return {}, problems
        return {"plan.json": render(plan)}, []


@hookimpl
def s0c_register_backends(register) -> None:
    register(Boto3Backend())

