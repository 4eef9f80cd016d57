#!/usr/bin/env python3
"""Regenerate catalogue/data/cloudformation_updates.json: per CloudFormation type s0c emits, which
properties force a replacement, what identifies the resource, and whether it holds state.

Source: the CloudFormation registry resource schemas and StatefulResources.json that the installed
cfn-lint ships (its bundled us-east-1 copy, never its download cache), so the output depends on the
cfn-lint version alone. Usage, from the repository root:

    .venv/bin/python scripts/update_cfn_update_facts.py

catalogue/data/cloudformation_updates.md says what the fields mean and where they come from.
"""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path
from typing import Any

import cfnlint

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "catalogue" / "data" / "cloudformation_updates.json"

# The schemas differ by region only where a feature is regional; us-east-1 is cfn-lint's own
# fallback region and has every type below.
REGION = "us-east-1"

# The CloudFormation types s0c emits, as listed when this file was written (catalogue/*.py is the
# authority on kinds; keep the two in step). A fixed list rather than an import of the catalogue, so
# the script runs from a bare cfn-lint virtualenv, and a type missing from the schemas fails loudly
# instead of silently dropping out of the file.
TYPES: tuple[str, ...] = (
    "AWS::EC2::VPC",
    "AWS::EC2::Subnet",
    "AWS::EC2::InternetGateway",
    "AWS::EC2::VPCGatewayAttachment",
    "AWS::EC2::EIP",
    "AWS::EC2::NatGateway",
    "AWS::EC2::RouteTable",
    "AWS::EC2::Route",
    "AWS::EC2::SubnetRouteTableAssociation",
    "AWS::EC2::SecurityGroup",
    "AWS::EC2::SecurityGroupIngress",
    "AWS::EC2::SecurityGroupEgress",
    "AWS::RDS::DBSubnetGroup",
    "AWS::RDS::DBInstance",
    "AWS::ElastiCache::SubnetGroup",
    "AWS::ElastiCache::ReplicationGroup",
    "AWS::IAM::Role",
    "AWS::IAM::RolePolicy",
    "AWS::IAM::InstanceProfile",
    "AWS::EC2::KeyPair",
    "AWS::EC2::Instance",
    "AWS::ElasticLoadBalancingV2::LoadBalancer",
    "AWS::ElasticLoadBalancingV2::TargetGroup",
    "AWS::ElasticLoadBalancingV2::Listener",
    "AWS::ElasticLoadBalancingV2::ListenerRule",
    "AWS::CertificateManager::Certificate",
    "AWS::S3::Bucket",
    "AWS::CloudWatch::Dashboard",
    "AWS::CloudWatch::Alarm",
    "AWS::SNS::Topic",
    "AWS::SNS::Subscription",
    "AWS::Budgets::Budget",
    "AWS::Logs::LogGroup",
    "AWS::EC2::FlowLog",
)

PREFIX = "/properties/"


def property_path(pointer: str) -> str:
    """'/properties/A/B' -> 'A.B': the dotted form s0c uses for nested template properties."""
    if not pointer.startswith(PREFIX):
        raise SystemExit(f"unexpected schema pointer {pointer!r}")
    return pointer[len(PREFIX):].replace("/", ".")


def load_json(path: Path) -> Any:
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


def main() -> None:
    package = Path(cfnlint.__file__).resolve().parent
    schemas = package / "data" / "schemas"
    # cfn-lint stores the schemas content-addressed: providers/<region>.json maps each type to a
    # hash and resources/<hash>.json is the schema (one file shared by every region that agrees).
    # Read the package's bundled copy directly, not through cfn-lint's loader, which prefers a
    # newer download cache in the user's home when there is one: output would depend on the machine.
    providers: dict[str, str] = load_json(schemas / "providers" / f"{REGION}.json")
    stateful: dict[str, Any] = load_json(
        package / "data" / "AdditionalSpecs" / "StatefulResources.json"
    )["ResourceTypes"]

    out: dict[str, Any] = {
        "_source": {
            "package": "cfn-lint",
            "version": version("cfn-lint"),
            # Relative to site-packages: an absolute path would differ per machine.
            "schemas": f"cfnlint/data/schemas/providers/{REGION}.json -> "
                       "cfnlint/data/schemas/resources/<hash>.json",
            "stateful": "cfnlint/data/AdditionalSpecs/StatefulResources.json",
            "generated_by": "scripts/update_cfn_update_facts.py",
        }
    }
    for type_name in TYPES:
        if type_name not in providers:
            raise SystemExit(f"{type_name} is not in cfn-lint's {REGION} schemas")
        schema = load_json(schemas / "resources" / f"{providers[type_name]}.json")
        if schema.get("typeName") != type_name:
            raise SystemExit(f"{type_name}: schema file names {schema.get('typeName')!r}")
        out[type_name] = {
            "create_only": sorted(property_path(p) for p in schema.get("createOnlyProperties", [])),
            # The registry marks these as replacing the resource only under some condition it does
            # not state (the CloudFormation docs often say "Some interruptions" for them), so "not
            # in create_only" does not mean "never replaced".
            "conditional_create_only": sorted(
                property_path(p) for p in schema.get("conditionalCreateOnlyProperties", [])
            ),
            # Order kept: a composite identifier (e.g. RoleName + PolicyName) is ordered.
            "primary_identifier": [property_path(p) for p in schema["primaryIdentifier"]],
            "stateful": type_name in stateful,
        }

    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(json.dumps(out, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}: {len(TYPES)} types, cfn-lint {version('cfn-lint')}")


if __name__ == "__main__":
    main()
