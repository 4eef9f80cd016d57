"""The one table of resource kinds that every backend (and the equivalence tests) share.

A kind is s0c's canonical name for an AWS resource. For each kind: its Terraform type, its
CloudFormation type (None where CloudFormation has no resource for it), the concern it belongs
to (which file a backend puts it in), whether it takes tags, whether it is a read-only lookup
(a Terraform data source), and the attributes other nodes may reference, with their Terraform
spelling.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Kind:
    name: str
    terraform: str
    cloudformation: str | None
    concern: str
    taggable: bool = True
    lookup: bool = False
    # canonical attribute -> Terraform attribute expression (after "<type>.<name>.")
    attrs: dict[str, str] = field(default_factory=dict)


def _attrs(*names: str, **renamed: str) -> dict[str, str]:
    table = {name: name for name in names}
    table.update(renamed)
    return table


_TABLE = [
    Kind("availability_zones", "aws_availability_zones", None, "network", taggable=False,
         lookup=True, attrs=_attrs("names")),
    Kind("ssm_parameter", "aws_ssm_parameter", None, "compute", taggable=False, lookup=True,
         attrs=_attrs("value")),
    Kind("caller_identity", "aws_caller_identity", None, "iam", taggable=False, lookup=True,
         attrs=_attrs("account_id")),
    Kind("vpc", "aws_vpc", "AWS::EC2::VPC", "network", attrs=_attrs("id")),
    Kind("subnet", "aws_subnet", "AWS::EC2::Subnet", "network", attrs=_attrs("id")),
    Kind("internet_gateway", "aws_internet_gateway", "AWS::EC2::InternetGateway", "network",
         attrs=_attrs("id")),
    Kind("eip", "aws_eip", "AWS::EC2::EIP", "network", attrs=_attrs("id", "public_ip")),
    Kind("nat_gateway", "aws_nat_gateway", "AWS::EC2::NatGateway", "network", attrs=_attrs("id")),
    Kind("route_table", "aws_route_table", "AWS::EC2::RouteTable", "network", attrs=_attrs("id")),
    Kind("route", "aws_route", "AWS::EC2::Route", "network", taggable=False, attrs=_attrs("id")),
    Kind("route_table_association", "aws_route_table_association",
         "AWS::EC2::SubnetRouteTableAssociation", "network", taggable=False, attrs=_attrs("id")),
    Kind("security_group", "aws_security_group", "AWS::EC2::SecurityGroup", "security",
         attrs=_attrs("id")),
    Kind("security_group_ingress", "aws_vpc_security_group_ingress_rule",
         "AWS::EC2::SecurityGroupIngress", "security", attrs=_attrs("id")),
    Kind("security_group_egress", "aws_vpc_security_group_egress_rule",
         "AWS::EC2::SecurityGroupEgress", "security", attrs=_attrs("id")),
    Kind("db_subnet_group", "aws_db_subnet_group", "AWS::RDS::DBSubnetGroup", "database",
         attrs=_attrs("name")),
    Kind("db_instance", "aws_db_instance", "AWS::RDS::DBInstance", "database",
         attrs=_attrs("address", "port", "identifier",
                      master_user_secret_arn="master_user_secret[0].secret_arn")),
    Kind("cache_subnet_group", "aws_elasticache_subnet_group",
         "AWS::ElastiCache::SubnetGroup", "cache", attrs=_attrs("name")),
    Kind("cache_replication_group", "aws_elasticache_replication_group",
         "AWS::ElastiCache::ReplicationGroup", "cache",
         attrs=_attrs("id", primary_endpoint="primary_endpoint_address")),
    Kind("iam_role", "aws_iam_role", "AWS::IAM::Role", "iam", attrs=_attrs("name", "arn")),
    Kind("iam_role_policy", "aws_iam_role_policy", "AWS::IAM::RolePolicy", "iam", taggable=False,
         attrs=_attrs("id")),
    Kind("iam_role_policy_attachment", "aws_iam_role_policy_attachment", None, "iam",
         taggable=False, attrs=_attrs("id")),
    Kind("iam_instance_profile", "aws_iam_instance_profile", "AWS::IAM::InstanceProfile", "iam",
         attrs=_attrs("name", "arn")),
    Kind("key_pair", "aws_key_pair", "AWS::EC2::KeyPair", "compute", attrs=_attrs("key_name")),
    Kind("instance", "aws_instance", "AWS::EC2::Instance", "compute",
         attrs=_attrs("id", "private_ip")),
    Kind("load_balancer", "aws_lb", "AWS::ElasticLoadBalancingV2::LoadBalancer", "load_balancer",
         attrs=_attrs("arn", "dns_name", "zone_id", "arn_suffix")),
    Kind("target_group", "aws_lb_target_group", "AWS::ElasticLoadBalancingV2::TargetGroup",
         "load_balancer", attrs=_attrs("arn", "arn_suffix")),
    Kind("target_group_attachment", "aws_lb_target_group_attachment", None, "load_balancer",
         taggable=False, attrs=_attrs("id")),
    Kind("listener", "aws_lb_listener", "AWS::ElasticLoadBalancingV2::Listener", "load_balancer",
         attrs=_attrs("arn")),
    Kind("listener_rule", "aws_lb_listener_rule", "AWS::ElasticLoadBalancingV2::ListenerRule",
         "load_balancer", attrs=_attrs("arn")),
    Kind("certificate", "aws_acm_certificate", "AWS::CertificateManager::Certificate",
         "load_balancer", attrs=_attrs("arn")),
    Kind("certificate_validation", "aws_acm_certificate_validation", None, "load_balancer",
         taggable=False, attrs=_attrs("certificate_arn")),
    Kind("dashboard", "aws_cloudwatch_dashboard", "AWS::CloudWatch::Dashboard", "monitoring",
         taggable=False, attrs=_attrs("dashboard_arn")),
    Kind("metric_alarm", "aws_cloudwatch_metric_alarm", "AWS::CloudWatch::Alarm", "monitoring",
         attrs=_attrs("arn")),
    Kind("sns_topic", "aws_sns_topic", "AWS::SNS::Topic", "monitoring", attrs=_attrs("arn")),
    Kind("sns_subscription", "aws_sns_topic_subscription", "AWS::SNS::Subscription",
         "monitoring", taggable=False, attrs=_attrs("arn")),
    Kind("budget", "aws_budgets_budget", "AWS::Budgets::Budget", "budget", attrs=_attrs("id")),
]

KINDS: dict[str, Kind] = {kind.name: kind for kind in _TABLE}
