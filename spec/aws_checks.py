"""Values AWS would refuse, found before anything is compiled (the issue "Fail closed").

Each check reads :mod:`s0c.spec.aws_values` (botocore's and cfn-lint's data, extracted by
``scripts/update_aws_values.py``) or a limit AWS documents, and points at the offending field.
Codes, one family:

- ``S0C-AWS-REGION``  unknown region; a service s0c needs is missing there
- ``S0C-AWS-TYPE``    EC2 instance type, RDS instance class, ElastiCache node type: unknown, not
  offered in the region, or not offered for the engine version
- ``S0C-AWS-VERSION`` PostgreSQL or Redis version RDS / ElastiCache does not offer for new resources
- ``S0C-AWS-ARN``     the certificate ARN is in another partition or region
- ``S0C-AWS-LIMIT``   a documented limit: tags per resource, health check path length, the
  certificate's domain name length
- ``S0C-AWS-POLICY``  duplicate statement ids in the host's extra IAM policy
- ``S0C-AWS-NAME``    an S3 bucket name S3 refuses
- ``S0C-AWS-CIDR``    a VPC range that is not usable (not unicast, or the host's Docker bridge)
"""

from __future__ import annotations

import ipaddress
import re

from . import aws_values as values
from .diagnostics import Diagnostic, error
from .models import Spec

# What each botocore endpoint prefix is, and what in the spec needs it.
_SERVICE_NAMES = {
    "acm": "ACM (the load balancer's certificate)",
    "budgets": "AWS Budgets (the spec's budget)",
    "ec2": "EC2 (the VPC and the host)",
    "elasticache": "ElastiCache (the cache)",
    "elasticloadbalancing": "Elastic Load Balancing (the load balancer)",
    "iam": "IAM (the host's role)",
    "logs": "CloudWatch Logs (flow logs)",
    "monitoring": "CloudWatch (alarms and the dashboard)",
    "rds": "RDS (the database)",
    "s3": "S3 (buckets)",
    "secretsmanager": "Secrets Manager (the database password)",
    "sns": "SNS (alarm notifications)",
    "ssm": "Systems Manager (the AMI parameter and Session Manager)",
    "sts": "STS (the account id)",
}

# Tags s0c sets on every taggable resource besides the spec's own: Name (compiler/naming.py
# Context.tags) and, in the boto3 plan, s0c:environment and s0c:logical-id (backends/boto3_plan.py).
# CloudFormation's aws:cloudformation:* tags do not count against the limit.
OWN_TAGS = ("Name", "s0c:environment", "s0c:logical-id")

# S3 general purpose bucket naming rules:
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
_BUCKET_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_BUCKET_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
_BUCKET_CHARS = re.compile(r"[a-z0-9][a-z0-9.-]*[a-z0-9]")

# IPv4 ranges that cannot hold a VPC: not unicast, or not routable inside one.
_UNUSABLE = (
    (ipaddress.IPv4Network("0.0.0.0/8"), "'this network' (RFC 1122)"),
    (ipaddress.IPv4Network("127.0.0.0/8"), "loopback"),
    (ipaddress.IPv4Network("169.254.0.0/16"), "link-local (the instance metadata service lives"
                                              " there)"),
    (ipaddress.IPv4Network("224.0.0.0/4"), "multicast"),
    (ipaddress.IPv4Network("240.0.0.0/4"), "reserved (RFC 1112) and broadcast"),
)
# The VPC user guide (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html):
# "Some AWS services use the 172.17.0.0/16 CIDR range ... don't use this range when creating your
# VPC". It is also Docker's default bridge, which the s0c host runs: the host would route the
# database and cache addresses to its containers.
_DOCKER_BRIDGE = ipaddress.IPv4Network("172.17.0.0/16")


def _region(spec: Spec) -> list[Diagnostic]:
    entry = values.region(spec.region)
    if entry is None:
        return [error("S0C-AWS-REGION", f"unknown AWS region {spec.region!r}"
                      f"{values.suggest(spec.region, values.regions())}", ("region",))]
    out = []
    part = entry["partition"]
    for service in values.missing_services(spec.region):
        name = _SERVICE_NAMES.get(service, service)
        out.append(error("S0C-AWS-REGION", f"{name} is not available in {spec.region} (partition"
                         f" {part}): botocore lists no '{service}' endpoint there", ("region",)))
    return out


def _not_in(what: str, value: str, choices: list[str], where: str) -> str:
    return f"{value!r} is not {what}{where}{values.suggest(value, choices)}"


def _types(spec: Spec, region_known: bool) -> list[Diagnostic]:
    out = []
    region = spec.region
    in_region = f" offered in {region}"

    instance_type = spec.compute.instance_type
    path = ("compute", "instance_type")
    if instance_type not in values.instance_types():
        out.append(error("S0C-AWS-TYPE", _not_in("an EC2 instance type", instance_type,
                                                 values.instance_types(), ""), path))
    elif region_known and (offered := values.instance_types_in(region)) is not None \
            and instance_type not in offered:
        out.append(error("S0C-AWS-TYPE", _not_in("an EC2 instance type", instance_type, offered,
                                                 in_region), path))

    db = spec.database
    path = ("database", "instance_class")
    if db.instance_class not in values.rds_classes():
        out.append(error("S0C-AWS-TYPE", _not_in("an RDS instance class for PostgreSQL",
                                                 db.instance_class, values.rds_classes(), ""),
                         path))
    else:
        offered = values.rds_classes_in(region) if region_known else None
        for_version = values.rds_classes_for_version(db.version)
        if offered is not None and db.instance_class not in offered:
            out.append(error("S0C-AWS-TYPE", _not_in("an RDS instance class for PostgreSQL",
                                                     db.instance_class, offered, in_region), path))
        elif for_version is not None and db.instance_class not in for_version:
            out.append(error("S0C-AWS-TYPE", _not_in(
                f"an RDS instance class for PostgreSQL {db.version}", db.instance_class,
                for_version, ""), path))

    cache = spec.cache
    path = ("cache", "node_type")
    if cache.node_type not in values.node_types():
        out.append(error("S0C-AWS-TYPE", _not_in("an ElastiCache node type", cache.node_type,
                                                 values.node_types(), ""), path))
    elif region_known and (offered := values.node_types_in(region)) is not None \
            and cache.node_type not in offered:
        out.append(error("S0C-AWS-TYPE", _not_in("an ElastiCache node type", cache.node_type,
                                                 offered, in_region), path))
    return out


def _versions(spec: Spec) -> list[Diagnostic]:
    out = []
    version = spec.database.version
    if not values.postgres_version_ok(version):
        major = version.split(".")[0]
        in_major = values.postgres_offered_in_major(major)
        if in_major:
            hint = f"RDS offers {', '.join(in_major)}, or \"{major}\" for its default {major}.x"
        else:
            hint = (f"supported major versions: {', '.join(values.postgres_majors())}"
                    " (e.g. \"16\" or a minor version RDS offers)")
        out.append(error("S0C-AWS-VERSION", f"PostgreSQL {version} is not a version RDS offers for"
                         f" new instances: {hint}", ("database", "version")))
    cache = spec.cache
    offered = values.cache_versions(cache.engine)
    if cache.version not in offered:
        out.append(error("S0C-AWS-VERSION", f"{cache.engine} {cache.version} is not an ElastiCache"
                         f" {cache.engine} version (ElastiCache offers {', '.join(offered)})"
                         f"{values.suggest(cache.version, offered)}", ("cache", "version")))
    return out


_ARN = re.compile(r"arn:(?P<partition>[a-z-]+):acm:(?P<region>[a-z0-9-]+):[0-9]{12}:certificate/.+")


def _certificate(spec: Spec) -> list[Diagnostic]:
    lb = spec.load_balancer
    out = []
    if lb.certificate_arn is not None:
        match = _ARN.fullmatch(lb.certificate_arn)
        path = ("load_balancer", "certificate_arn")
        if match is not None:
            want = values.partition(spec.region)
            if want is not None and match["partition"] != want:
                out.append(error("S0C-AWS-ARN", f"the certificate is in partition"
                                 f" {match['partition']}, the region {spec.region} in {want}",
                                 path))
            elif match["region"] != spec.region:
                out.append(error("S0C-AWS-ARN", f"the certificate is in {match['region']}: a load"
                                 f" balancer in {spec.region} can only use an ACM certificate from"
                                 f" {spec.region}", path))
        return out
    # s0c requests a certificate for <domain> (its Common Name) and *.<domain> (a SAN):
    # compiler/edge.py.
    common_name_max = values.limit("acm_common_name_max")
    if len(lb.domain) > common_name_max:
        out.append(error("S0C-AWS-LIMIT", f"domain is {len(lb.domain)} characters: the certificate"
                         f" s0c requests names it as its Common Name, which ACM limits to"
                         f" {common_name_max} (give certificate_arn for an existing certificate)",
                         ("load_balancer", "domain")))
    wildcard = f"*.{lb.domain}"
    name_max = values.limit("acm_domain_name_max")
    if len(wildcard) > name_max:
        out.append(error("S0C-AWS-LIMIT", f"{wildcard!r} is {len(wildcard)} characters; ACM names"
                         f" are at most {name_max}", ("load_balancer", "domain")))
    return out


def _limits(spec: Spec) -> list[Diagnostic]:
    out = []
    tag_max = values.limit("tags_per_resource")
    room = tag_max - len(OWN_TAGS)
    if len(spec.tags) > room:
        out.append(error("S0C-AWS-LIMIT", f"{len(spec.tags)} tags: AWS allows {tag_max} per"
                         f" resource and s0c adds {len(OWN_TAGS)} ({', '.join(OWN_TAGS)}), so at"
                         f" most {room}", ("tags",), on_key=True))
    path_max = values.limit("health_check_path_max")
    for index, app in enumerate(spec.apps):
        for field in ("health_path", "web_health_path"):
            value = getattr(app, field)
            if len(value) > path_max:
                out.append(error("S0C-AWS-LIMIT", f"{field} is {len(value)} characters; a target"
                                 f" group's health check path is at most {path_max}",
                                 ("apps", index, field)))
    seen: dict[str, int] = {}
    for index, statement in enumerate(spec.compute.iam_statements):
        if statement.sid is None:
            continue
        if statement.sid in seen:
            out.append(error("S0C-AWS-POLICY", f"sid {statement.sid!r} is already used by"
                             f" iam_statements[{seen[statement.sid]}]; IAM refuses a policy whose"
                             " statement ids are not unique", ("compute", "iam_statements", index,
                                                              "sid")))
        seen.setdefault(statement.sid, index)
    return out


def bucket_name_problem(name: str) -> str | None:
    """Why S3 refuses ``name`` as a general purpose bucket name, or None."""
    if not 3 <= len(name) <= 63:
        return f"is {len(name)} characters (3 to 63)"
    if not _BUCKET_CHARS.fullmatch(name):
        return "may hold only lowercase letters, digits, '.' and '-', and must start and end" \
               " with a letter or digit"
    if ".." in name:
        return "holds '..'"
    try:
        ipaddress.IPv4Address(name)
    except ValueError:
        pass
    else:
        return "is formatted as an IP address"
    for prefix in _BUCKET_PREFIXES:
        if name.startswith(prefix):
            return f"starts with {prefix!r}, which S3 reserves"
    for suffix in _BUCKET_SUFFIXES:
        if name.endswith(suffix):
            return f"ends with {suffix!r}, which S3 reserves"
    return None


def _buckets(spec: Spec) -> list[Diagnostic]:
    out = []
    for index, bucket in enumerate(spec.buckets):
        # compiler/storage.py: bucket_name() is <environment name>-<name>.
        full = f"{spec.name}-{bucket.name}"
        problem = bucket_name_problem(full)
        if problem is not None:
            out.append(error("S0C-AWS-NAME", f"the bucket would be named {full!r}, which {problem}"
                             " (S3 bucket naming rules)", ("buckets", index, "name")))
    return out


def _cidr(spec: Spec) -> list[Diagnostic]:
    vpc = ipaddress.IPv4Network(spec.network.cidr)
    for network, what in _UNUSABLE:
        if vpc.overlaps(network):
            return [error("S0C-AWS-CIDR", f"{vpc} is in {network}, {what}: not usable for a VPC"
                          " (use a private range such as 10.0.0.0/16)", ("network", "cidr"))]
    if vpc.overlaps(_DOCKER_BRIDGE):
        return [error("S0C-AWS-CIDR", f"{vpc} overlaps {_DOCKER_BRIDGE}, which the VPC user guide"
                      " says not to use and which is Docker's default bridge on the host: the"
                      " host could not reach the database or cache", ("network", "cidr"))]
    return []


def check_aws_values(spec: Spec) -> list[Diagnostic]:
    region = _region(spec)
    region_known = values.region(spec.region) is not None
    return (region + _types(spec, region_known) + _versions(spec) + _certificate(spec)
            + _limits(spec) + _buckets(spec) + _cidr(spec))
