"""Security group kinds: groups and their ingress / egress rules."""

from __future__ import annotations

from typing import Any

from .model import (Api, CfnResource, Call, Encoder, FollowUp, Kind, Props, TagFind, TagSpec,
                    fields)

# AWS gives every new VPC security group an allow-all egress rule; s0c's design has none.
# Terraform removes that rule by itself; CloudFormation keeps it unless the group declares some
# egress, so it gets the one rule CloudFormation accepts that matches nothing; the API revokes it.
CFN_NO_EGRESS = {"CidrIp": "255.255.255.255/32", "Description": "no default egress",
                 "IpProtocol": "icmp", "FromPort": 252, "ToPort": 86}
DEFAULT_EGRESS = {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}


def permission(p: Props, v: Encoder) -> dict[str, Any]:
    """One rule as the EC2 API's IpPermission."""
    perm: dict[str, Any] = {"IpProtocol": p["ip_protocol"]}
    if p["ip_protocol"] != "-1":
        perm.update({"FromPort": p["from_port"], "ToPort": p["to_port"]})
    described = {"Description": p["description"]} if "description" in p else {}
    if "cidr_ipv4" in p:
        perm["IpRanges"] = [{"CidrIp": p["cidr_ipv4"], **described}]
    if "cidr_ipv6" in p:
        perm["Ipv6Ranges"] = [{"CidrIpv6": p["cidr_ipv6"], **described}]
    if "referenced_security_group_id" in p:
        perm["UserIdGroupPairs"] = [{"GroupId": v(p["referenced_security_group_id"]),
                                     **described}]
    return perm


def _rule_extra(p: Props, v: Encoder) -> dict[str, Any]:
    return {"IpPermissions": [permission(p, v)]} if v.target == "api" else {}


def _rule(direction: str, peer: str) -> Kind:
    name = f"security_group_{direction.lower()}"
    terraform = f"aws_vpc_security_group_{direction.lower()}_rule"
    rule_fields = ("description", "ip_protocol", "from_port", "to_port", "cidr_ipv4", "cidr_ipv6",
                   "referenced_security_group_id")
    return Kind(
        name, "security", terraform,
        CfnResource(f"AWS::EC2::SecurityGroup{direction}", {"id": "Ref"}, tags=None),
        Api("ec2", f"AuthorizeSecurityGroup{direction}",
            {"id": "SecurityGroupRules[0].SecurityGroupRuleId"}, TagSpec(("security-group-rule",)),
            find=TagFind("DescribeSecurityGroupRules",
                         {"id": "SecurityGroupRules[0].SecurityGroupRuleId"}),
            undo=Call(f"RevokeSecurityGroup{direction}",
                      {"GroupId": "=security_group_id", "SecurityGroupRuleIds": ["@id"]})),
        fields("security_group_id", *rule_fields, security_group_id="GroupId",
               cidr_ipv4="CidrIp", cidr_ipv6="CidrIpv6", referenced_security_group_id=peer,
               api={name: None for name in rule_fields}),
        # The API takes the whole rule as one IpPermission.
        attrs={"id": "id"}, extra=_rule_extra)


KINDS = [
    Kind("security_group", "security", "aws_security_group",
         CfnResource("AWS::EC2::SecurityGroup", {"id": "GroupId"},
                     fixed={"SecurityGroupEgress": [CFN_NO_EGRESS]}),
         Api("ec2", "CreateSecurityGroup", {"id": "GroupId"}, TagSpec(("security-group",)),
             find=TagFind("DescribeSecurityGroups", {"id": "SecurityGroups[0].GroupId"}),
             undo=Call("DeleteSecurityGroup", {"GroupId": "@id"}),
             follow=(FollowUp("no_default_egress", "RevokeSecurityGroupEgress",
                              {"GroupId": "@id", "IpPermissions": [DEFAULT_EGRESS]},
                              tolerate=("InvalidPermission.NotFound",)),)),
         fields("name", "description", "vpc_id", name="GroupName",
                cfn={"description": "GroupDescription"}),
         attrs={"id": "id"}),
    _rule("Ingress", "SourceSecurityGroupId"),
    _rule("Egress", "DestinationSecurityGroupId"),
]
