"""The one table of resource kinds that every backend (and the equivalence tests) share.

A kind is s0c's canonical name for an AWS resource. For each kind: its Terraform type, its
CloudFormation type, the boto3 call that creates it, the concern it belongs to (which file a
backend puts it in), whether it takes tags, whether it is a read-only lookup (a Terraform data
source), and the attributes other nodes may reference, with their Terraform and CloudFormation
spelling.

CloudFormation has no resource for some kinds; ``cfn_stand_in`` says what stands in for them
(a property of another resource, a pseudo parameter, a template parameter). The equivalence
tests read the same table to map every backend's output back to kinds.
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
    # canonical attribute -> "Ref" or the Fn::GetAtt attribute name
    cfn_attrs: dict[str, str] = field(default_factory=dict)
    # "service:Operation" (botocore names) of the call that creates (or, for a lookup, reads) it
    boto3: str = ""
    cfn_stand_in: str | None = None


def _attrs(*names: str, **renamed: str) -> dict[str, str]:
    table = {name: name for name in names}
    table.update(renamed)
    return table


_REF = "Ref"

_TABLE = [
    Kind("availability_zones", "aws_availability_zones", None, "network", taggable=False,
         lookup=True, attrs=_attrs("names"), boto3="ec2:DescribeAvailabilityZones",
         cfn_stand_in="Fn::GetAZs"),
    Kind("ssm_parameter", "aws_ssm_parameter", None, "compute", taggable=False, lookup=True,
         attrs=_attrs("value"), boto3="ssm:GetParameter",
         cfn_stand_in="a template parameter of type AWS::SSM::Parameter::Value<...>"),
    Kind("caller_identity", "aws_caller_identity", None, "iam", taggable=False, lookup=True,
         attrs=_attrs("account_id"), boto3="sts:GetCallerIdentity",
         cfn_stand_in="AWS::AccountId"),
    Kind("vpc", "aws_vpc", "AWS::EC2::VPC", "network", attrs=_attrs("id"),
         cfn_attrs={"id": _REF}, boto3="ec2:CreateVpc"),
    Kind("subnet", "aws_subnet", "AWS::EC2::Subnet", "network", attrs=_attrs("id"),
         cfn_attrs={"id": _REF}, boto3="ec2:CreateSubnet"),
    Kind("internet_gateway", "aws_internet_gateway", "AWS::EC2::InternetGateway", "network",
         attrs=_attrs("id"), cfn_attrs={"id": _REF}, boto3="ec2:CreateInternetGateway"),
    Kind("eip", "aws_eip", "AWS::EC2::EIP", "network", attrs=_attrs("id", "public_ip"),
         cfn_attrs={"id": "AllocationId", "public_ip": "PublicIp"}, boto3="ec2:AllocateAddress"),
    Kind("nat_gateway", "aws_nat_gateway", "AWS::EC2::NatGateway", "network", attrs=_attrs("id"),
         cfn_attrs={"id": _REF}, boto3="ec2:CreateNatGateway"),
    Kind("route_table", "aws_route_table", "AWS::EC2::RouteTable", "network", attrs=_attrs("id"),
         cfn_attrs={"id": _REF}, boto3="ec2:CreateRouteTable"),
    Kind("route", "aws_route", "AWS::EC2::Route", "network", taggable=False, attrs=_attrs("id"),
         cfn_attrs={"id": _REF}, boto3="ec2:CreateRoute"),
    Kind("route_table_association", "aws_route_table_association",
         "AWS::EC2::SubnetRouteTableAssociation", "network", taggable=False, attrs=_attrs("id"),
         cfn_attrs={"id": _REF}, boto3="ec2:AssociateRouteTable"),
    Kind("security_group", "aws_security_group", "AWS::EC2::SecurityGroup", "security",
         attrs=_attrs("id"), cfn_attrs={"id": "GroupId"}, boto3="ec2:CreateSecurityGroup"),
    Kind("security_group_ingress", "aws_vpc_security_group_ingress_rule",
         "AWS::EC2::SecurityGroupIngress", "security", attrs=_attrs("id"),
         cfn_attrs={"id": _REF}, boto3="ec2:AuthorizeSecurityGroupIngress"),
    Kind("security_group_egress", "aws_vpc_security_group_egress_rule",
         "AWS::EC2::SecurityGroupEgress", "security", attrs=_attrs("id"),
         cfn_attrs={"id": _REF}, boto3="ec2:AuthorizeSecurityGroupEgress"),
    Kind("db_subnet_group", "aws_db_subnet_group", "AWS::RDS::DBSubnetGroup", "database",
         attrs=_attrs("name"), cfn_attrs={"name": _REF}, boto3="rds:CreateDBSubnetGroup"),
    Kind("db_instance", "aws_db_instance", "AWS::RDS::DBInstance", "database",
         attrs=_attrs("address", "port", "identifier",
                      master_user_secret_arn="master_user_secret[0].secret_arn"),
         cfn_attrs={"address": "Endpoint.Address", "port": "Endpoint.Port", "identifier": _REF,
                    "master_user_secret_arn": "MasterUserSecret.SecretArn"},
         boto3="rds:CreateDBInstance"),
    Kind("cache_subnet_group", "aws_elasticache_subnet_group",
         "AWS::ElastiCache::SubnetGroup", "cache", attrs=_attrs("name"),
         cfn_attrs={"name": _REF}, boto3="elasticache:CreateCacheSubnetGroup"),
    Kind("cache_replication_group", "aws_elasticache_replication_group",
         "AWS::ElastiCache::ReplicationGroup", "cache",
         attrs=_attrs("id", primary_endpoint="primary_endpoint_address"),
         cfn_attrs={"id": _REF, "primary_endpoint": "PrimaryEndPoint.Address"},
         boto3="elasticache:CreateReplicationGroup"),
    Kind("iam_role", "aws_iam_role", "AWS::IAM::Role", "iam", attrs=_attrs("name", "arn"),
         cfn_attrs={"name": _REF, "arn": "Arn"}, boto3="iam:CreateRole"),
    Kind("iam_role_policy", "aws_iam_role_policy", "AWS::IAM::RolePolicy", "iam", taggable=False,
         attrs=_attrs("id"), cfn_attrs={"id": _REF}, boto3="iam:PutRolePolicy"),
    Kind("iam_role_policy_attachment", "aws_iam_role_policy_attachment", None, "iam",
         taggable=False, attrs=_attrs("id"), boto3="iam:AttachRolePolicy",
         cfn_stand_in="ManagedPolicyArns of the AWS::IAM::Role"),
    Kind("iam_instance_profile", "aws_iam_instance_profile", "AWS::IAM::InstanceProfile", "iam",
         attrs=_attrs("name", "arn"), cfn_attrs={"name": _REF, "arn": "Arn"},
         boto3="iam:CreateInstanceProfile"),
    Kind("key_pair", "aws_key_pair", "AWS::EC2::KeyPair", "compute", attrs=_attrs("key_name"),
         cfn_attrs={"key_name": _REF}, boto3="ec2:ImportKeyPair"),
    Kind("instance", "aws_instance", "AWS::EC2::Instance", "compute",
         attrs=_attrs("id", "private_ip"), cfn_attrs={"id": _REF, "private_ip": "PrivateIp"},
         boto3="ec2:RunInstances"),
    Kind("load_balancer", "aws_lb", "AWS::ElasticLoadBalancingV2::LoadBalancer", "load_balancer",
         attrs=_attrs("arn", "dns_name", "zone_id", "arn_suffix"),
         cfn_attrs={"arn": _REF, "dns_name": "DNSName", "zone_id": "CanonicalHostedZoneID",
                    "arn_suffix": "LoadBalancerFullName"},
         boto3="elbv2:CreateLoadBalancer"),
    Kind("target_group", "aws_lb_target_group", "AWS::ElasticLoadBalancingV2::TargetGroup",
         "load_balancer", attrs=_attrs("arn", "arn_suffix"),
         cfn_attrs={"arn": _REF, "arn_suffix": "TargetGroupFullName"},
         boto3="elbv2:CreateTargetGroup"),
    Kind("target_group_attachment", "aws_lb_target_group_attachment", None, "load_balancer",
         taggable=False, attrs=_attrs("id"), boto3="elbv2:RegisterTargets",
         cfn_stand_in="Targets of the AWS::ElasticLoadBalancingV2::TargetGroup"),
    Kind("listener", "aws_lb_listener", "AWS::ElasticLoadBalancingV2::Listener", "load_balancer",
         attrs=_attrs("arn"), cfn_attrs={"arn": _REF}, boto3="elbv2:CreateListener"),
    Kind("listener_rule", "aws_lb_listener_rule", "AWS::ElasticLoadBalancingV2::ListenerRule",
         "load_balancer", attrs=_attrs("arn"), cfn_attrs={"arn": _REF}, boto3="elbv2:CreateRule"),
    Kind("certificate", "aws_acm_certificate", "AWS::CertificateManager::Certificate",
         "load_balancer", attrs=_attrs("arn"), cfn_attrs={"arn": _REF},
         boto3="acm:RequestCertificate"),
    # CloudFormation itself waits for DNS validation before it completes the certificate.
    Kind("certificate_validation", "aws_acm_certificate_validation", None, "load_balancer",
         taggable=False, attrs=_attrs("certificate_arn"), boto3="acm:DescribeCertificate",
         cfn_stand_in="the AWS::CertificateManager::Certificate (created once validated)"),
    Kind("bucket", "aws_s3_bucket", "AWS::S3::Bucket", "storage", attrs=_attrs("id", "arn"),
         cfn_attrs={"id": _REF, "arn": "Arn"}, boto3="s3:CreateBucket"),
    Kind("bucket_public_access_block", "aws_s3_bucket_public_access_block", None, "storage",
         taggable=False, boto3="s3:PutPublicAccessBlock",
         cfn_stand_in="PublicAccessBlockConfiguration of the AWS::S3::Bucket"),
    Kind("bucket_encryption", "aws_s3_bucket_server_side_encryption_configuration", None,
         "storage", taggable=False, boto3="s3:PutBucketEncryption",
         cfn_stand_in="BucketEncryption of the AWS::S3::Bucket"),
    Kind("bucket_versioning", "aws_s3_bucket_versioning", None, "storage", taggable=False,
         boto3="s3:PutBucketVersioning",
         cfn_stand_in="VersioningConfiguration of the AWS::S3::Bucket"),
    Kind("dashboard", "aws_cloudwatch_dashboard", "AWS::CloudWatch::Dashboard", "monitoring",
         taggable=False, attrs=_attrs("dashboard_arn"),
         boto3="cloudwatch:PutDashboard"),
    Kind("metric_alarm", "aws_cloudwatch_metric_alarm", "AWS::CloudWatch::Alarm", "monitoring",
         attrs=_attrs("arn"), cfn_attrs={"arn": "Arn"}, boto3="cloudwatch:PutMetricAlarm"),
    Kind("sns_topic", "aws_sns_topic", "AWS::SNS::Topic", "monitoring", attrs=_attrs("arn"),
         cfn_attrs={"arn": _REF}, boto3="sns:CreateTopic"),
    Kind("sns_subscription", "aws_sns_topic_subscription", "AWS::SNS::Subscription",
         "monitoring", taggable=False, attrs=_attrs("arn"), cfn_attrs={"arn": _REF},
         boto3="sns:Subscribe"),
    Kind("budget", "aws_budgets_budget", "AWS::Budgets::Budget", "budget", attrs=_attrs("id"),
         cfn_attrs={"id": _REF}, boto3="budgets:CreateBudget"),
]

KINDS: dict[str, Kind] = {kind.name: kind for kind in _TABLE}


def by_terraform_type() -> dict[str, Kind]:
    return {kind.terraform: kind for kind in _TABLE}


def by_cloudformation_type() -> dict[str, Kind]:
    return {kind.cloudformation: kind for kind in _TABLE if kind.cloudformation}
