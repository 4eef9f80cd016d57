#!/usr/bin/env python3
"""Regenerate spec/data/aws_values.json: the AWS values a spec may name (regions and the services
in each, EC2 instance types, RDS PostgreSQL versions and instance classes, ElastiCache versions and
node types) and the AWS limits s0c checks at validation time.

Sources, both read from the installed packages' own data files (never a download cache, never the
network), so the output depends on the two package versions alone:

- botocore: data/endpoints.json (partitions, regions, which services each region has) and the EC2,
  ELBv2, ACM, IAM and CloudWatch Logs service models (instance types, length and tag limits);
- cfn-lint: data/schemas/extensions/... (the per-region instance type, DB instance class and cache
  node type lists behind rules E3628, E3025 and E3647; the engine versions behind E3691, W3691,
  E3062 and E3695) and data/schemas/providers/<region>.json (which CloudFormation types each region
  has: E3006).

Usage, from the repository root:

    .venv/bin/python scripts/update_aws_values.py [--output PATH]

spec/data/aws_values.md says what the keys mean and where they come from. The spec validator reads
the JSON only: neither botocore nor cfn-lint is imported when a spec is validated.
"""

from __future__ import annotations

import argparse
import json
import re
from importlib.metadata import version
from pathlib import Path
from typing import Any

import botocore
import botocore.session
import cfnlint

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "spec" / "data" / "aws_values.json"

# The botocore endpoint prefixes of the services s0c's output calls (compiler/*.py, catalogue/*.py).
# "monitoring" is CloudWatch, "elasticloadbalancing" serves ELBv2 too.
SERVICES: tuple[str, ...] = (
    "acm", "budgets", "ec2", "elasticache", "elasticloadbalancing", "iam", "logs", "monitoring",
    "rds", "s3", "secretsmanager", "sns", "ssm", "sts",
)

# The CloudFormation types s0c emits (the list scripts/update_cfn_update_facts.py keeps).
CFN_TYPES: tuple[str, ...] = (
    "AWS::CertificateManager::Certificate", "AWS::Budgets::Budget", "AWS::CloudWatch::Alarm",
    "AWS::CloudWatch::Dashboard", "AWS::EC2::EIP", "AWS::EC2::FlowLog", "AWS::EC2::Instance",
    "AWS::EC2::InternetGateway", "AWS::EC2::KeyPair", "AWS::EC2::NatGateway", "AWS::EC2::Route",
    "AWS::EC2::RouteTable", "AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupEgress",
    "AWS::EC2::SecurityGroupIngress", "AWS::EC2::Subnet", "AWS::EC2::SubnetRouteTableAssociation",
    "AWS::EC2::VPC", "AWS::EC2::VPCGatewayAttachment", "AWS::ElastiCache::ReplicationGroup",
    "AWS::ElastiCache::SubnetGroup", "AWS::ElasticLoadBalancingV2::Listener",
    "AWS::ElasticLoadBalancingV2::ListenerRule", "AWS::ElasticLoadBalancingV2::LoadBalancer",
    "AWS::ElasticLoadBalancingV2::TargetGroup", "AWS::IAM::InstanceProfile", "AWS::IAM::Role",
    "AWS::IAM::RolePolicy", "AWS::Logs::LogGroup", "AWS::RDS::DBInstance",
    "AWS::RDS::DBSubnetGroup", "AWS::S3::Bucket", "AWS::SNS::Subscription", "AWS::SNS::Topic",
)

# Tag list shapes whose service model states a maximum: the smallest is the per-resource limit
# (EC2, RDS, ElastiCache, ... state the same 50 in their user guides, not in their models).
TAG_LIMIT_SHAPES: tuple[tuple[str, str], ...] = (
    ("acm", "TagList"), ("iam", "tagListType"), ("logs", "Tags"),
)


def load_json(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


def rel(path: Path, package: Path) -> str:
    """A data path relative to site-packages (an absolute path would differ per machine)."""
    return str(path.relative_to(package.parent))


def partitions(endpoints: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    parts: dict[str, Any] = {}
    regions: dict[str, Any] = {}
    for part in endpoints["partitions"]:
        name = part["partition"]
        parts[name] = {"dns_suffix": part["dnsSuffix"], "region_regex": part["regionRegex"],
                       "regions": sorted(part["regions"])}
        for region in part["regions"]:
            present = []
            for service in SERVICES:
                entry = part["services"].get(service)
                if entry is None:
                    continue
                if entry.get("isRegionalized", True) is False:
                    # A global service (IAM, Budgets): one endpoint serves every region of its
                    # partition.
                    present.append(service)
                    continue
                endpoint = entry.get("endpoints", {}).get(region)
                if endpoint is not None and not endpoint.get("deprecated", False):
                    present.append(service)
            regions[region] = {"partition": name, "services": sorted(present)}
    return parts, regions


def regional_enum(data: dict[str, Any]) -> dict[str, list[str]]:
    """cfn-lint's {region: {"enum": [...]}} files (E3628, E3647), minus 'all' and 'description'."""
    out = {}
    for region, schema in data.items():
        if region in ("all", "description"):
            continue
        out[region] = sorted(set(schema["enum"]))
    return out


def engine_block(data: dict[str, Any], engine: str) -> list[dict[str, Any]]:
    return [b for b in data["allOf"]
            if b["if"].get("properties", {}).get("Engine", {}).get("const") == engine]


def engine_versions(data: dict[str, Any], engine: str) -> list[str]:
    blocks = engine_block(data, engine)
    if len(blocks) != 1:
        raise SystemExit(f"expected one version list for {engine}, found {len(blocks)}")
    block = blocks[0]
    if block["then"] is False:  # engine_version_deprecated.json: the versions sit in the "if"
        values = block["if"]["properties"]["EngineVersion"]["enum"]
    else:
        values = block["then"]["properties"]["EngineVersion"]["enum"]
    return sorted(set(str(v) for v in values), key=version_key)


def version_key(text: str) -> tuple:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[.-]", text))


_VERSION_PATTERN = re.compile(r"\^\((?P<prefix>[0-9A-Za-z\\.-]+)\\\.\.\+\|(?P=prefix)\)\$")


def classes_by_version(data: dict[str, Any], engine: str) -> dict[str, list[str]]:
    """E3062's data: for an EngineVersion matching ^(X\\.Y\\..+|X\\.Y)$, the classes it allows."""
    out: dict[str, list[str]] = {}
    for block in engine_block(data, engine):
        pattern = block["if"]["properties"]["EngineVersion"]["pattern"]
        match = _VERSION_PATTERN.fullmatch(pattern)
        if match is None:
            raise SystemExit(f"unexpected EngineVersion pattern {pattern!r} for {engine}")
        prefix = match["prefix"].replace("\\.", ".")
        out[prefix] = sorted(set(block["then"]["properties"]["DBInstanceClass"]["enum"]))
    return dict(sorted(out.items(), key=lambda item: version_key(item[0])))


def classes_by_region(data: dict[str, Any], engine: str) -> dict[str, list[str]]:
    """E3025's data: per region, the classes RDS offers for the engine (any license model)."""
    out = {}
    for region, schema in data.items():
        classes: set[str] = set()
        for block in engine_block(schema, engine):
            classes.update(block["then"]["properties"]["DBInstanceClass"]["enum"])
        out[region] = sorted(classes)
    return out


def shape_max(session: botocore.session.Session, service: str, shape: str) -> int:
    return int(session.get_service_model(service).shape_for(shape).metadata["max"])


def acm_common_name_max(session: botocore.session.Session) -> int:
    """RequestCertificate's DomainName becomes the certificate's Common Name; its documentation
    states the RFC 5280 limit, which the shape's max (253, any SAN) does not."""
    member = session.get_service_model("acm").operation_model(
        "RequestCertificate").input_shape.members["DomainName"]
    match = re.search(r"cannot exceed (\d+) octets", member.documentation)
    if match is None:
        raise SystemExit("ACM RequestCertificate.DomainName no longer documents the CN limit")
    return int(match[1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=TARGET,
                        help="where to write (default: spec/data/aws_values.json)")
    target: Path = parser.parse_args(argv).output
    boto_dir = Path(botocore.__file__).resolve().parent
    lint_dir = Path(cfnlint.__file__).resolve().parent
    endpoints_path = boto_dir / "data" / "endpoints.json"
    ext = lint_dir / "data" / "schemas" / "extensions"
    providers_dir = lint_dir / "data" / "schemas" / "providers"
    files = {
        "ec2_types": ext / "aws_ec2_instance" / "instancetype_enum.json",
        "rds_versions": ext / "aws_rds_dbinstance" / "engine_version.json",
        "rds_deprecated": ext / "aws_rds_dbinstance" / "engine_version_deprecated.json",
        "rds_classes_region": ext / "aws_rds_dbinstance" / "dbinstanceclass_enum.json",
        "rds_classes_version": ext / "aws_rds_dbinstance" / "db_instance_class.json",
        "cache_types": ext / "aws_elasticache_cachecluster" / "cachenodetype_enum.json",
        "cache_versions": ext / "aws_elasticache_cachecluster" / "engine_version.json",
    }
    session = botocore.session.get_session()

    parts, regions = partitions(load_json(endpoints_path))
    for region, entry in regions.items():
        provider = providers_dir / f"{region}.json"
        if provider.exists():
            types = load_json(provider)
            entry["cfn_types_missing"] = sorted(t for t in CFN_TYPES if t not in types)

    ec2_enum = sorted(session.get_service_model("ec2").shape_for("InstanceType").enum)
    rds_classes_region = classes_by_region(load_json(files["rds_classes_region"]), "postgres")
    out: dict[str, Any] = {
        "_source": {
            "generated_by": "scripts/update_aws_values.py",
            "botocore": {
                "version": version("botocore"),
                "files": [rel(endpoints_path, boto_dir),
                          "botocore/data/{acm,ec2,elbv2,iam,logs}/*/service-2.json.gz"],
            },
            "cfn-lint": {
                "version": version("cfn-lint"),
                "schema_date": load_json(lint_dir / "data" / "schemas" / "version.json")[
                    "schema_date"],
                "files": sorted([rel(p, lint_dir) for p in files.values()]
                                + ["cfnlint/data/schemas/providers/<region>.json"]),
            },
        },
        "services": list(SERVICES),
        "partitions": parts,
        "regions": dict(sorted(regions.items())),
        "ec2": {
            "instance_types": ec2_enum,
            "instance_types_by_region": regional_enum(load_json(files["ec2_types"])),
        },
        "rds": {
            "postgres": {
                "versions": engine_versions(load_json(files["rds_versions"]), "postgres"),
                "deprecated": engine_versions(load_json(files["rds_deprecated"]), "postgres"),
                "instance_classes": sorted(set().union(*rds_classes_region.values())),
                "instance_classes_by_region": rds_classes_region,
                "instance_classes_by_version": classes_by_version(
                    load_json(files["rds_classes_version"]), "postgres"),
            },
        },
        "elasticache": {
            "versions": {engine: engine_versions(load_json(files["cache_versions"]), engine)
                         for engine in ("redis", "valkey")},
            "node_types_by_region": regional_enum(load_json(files["cache_types"])),
        },
        "limits": {
            "acm_common_name_max": acm_common_name_max(session),
            "acm_domain_name_max": shape_max(session, "acm", "DomainNameString"),
            "health_check_path_max": shape_max(session, "elbv2", "Path"),
            "tags_per_resource": min(shape_max(session, s, shape) for s, shape in TAG_LIMIT_SHAPES),
        },
    }
    cache_types = out["elasticache"]["node_types_by_region"]
    out["elasticache"]["node_types"] = sorted(set().union(*cache_types.values()))

    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(dumps(out).encode("utf-8"))
    pg = out["rds"]["postgres"]
    print(f"wrote {target}: {len(regions)} regions, {len(ec2_enum)} instance"
          f" types, {len(pg['instance_classes'])} RDS classes, {len(pg['versions'])} PostgreSQL"
          f" versions ({len(pg['deprecated'])} deprecated), {len(out['elasticache']['node_types'])}"
          f" node types; botocore {version('botocore')}, cfn-lint {version('cfn-lint')}")


def dumps(value: Any) -> str:
    """Sorted JSON with one key per line and lists of strings on one line: reviewable diffs
    (a new instance type changes one line per region) at a third of indent-everything's size."""
    def render(item: Any, depth: int) -> str:
        pad = " " * depth
        if isinstance(item, dict):
            if not item:
                return "{}"
            body = ",\n".join(f"{pad} {json.dumps(k)}: {render(item[k], depth + 1)}"
                              for k in sorted(item))
            return "{\n" + body + "\n" + pad + "}"
        if isinstance(item, list) and all(not isinstance(i, (dict, list)) for i in item):
            return json.dumps(item, ensure_ascii=False)
        if isinstance(item, list):
            return "[\n" + ",\n".join(f"{pad} {render(i, depth + 1)}" for i in item) + \
                "\n" + pad + "]"
        return json.dumps(item, ensure_ascii=False)
    return render(value, 0) + "\n"


if __name__ == "__main__":
    main()
