"""`s0c prices refresh`: current on-demand prices from the AWS Price List API (GetProducts).

One query per figure s0c's estimate uses, written as data: the service code, the attribute
filters, and the usage type that picks the figure out of the products the filters return (the
usage type carries a region prefix such as ``EUW1-`` outside us-east-1). Products come back as
JSON strings with ``terms.OnDemand.<offer>.priceDimensions``; a product can have several
dimensions (free and paid tiers), and the figure is its lowest paid tier.

Categories without a query here (CloudWatch's free-tier counts, detailed monitoring, vended
logs) keep s0c's own table figures: the price file only ever adds or replaces figures.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass
from typing import Any, Iterable

from .price_file import FORMAT
from .prices import load

SOURCE = "AWS Price List Query API (pricing:GetProducts, on-demand terms)"


@dataclass(frozen=True)
class Query:
    category: str
    key: str
    service: str
    filters: tuple[tuple[str, str], ...]
    usage: str  # regex on the usage type, after its optional region prefix


def _fixed(region: str) -> list[Query]:
    def q(category, key, service, usage, **filters) -> Query:
        return Query(category, key, service, tuple(sorted({"regionCode": region,
                                                           **filters}.items())), usage)
    rds_storage = {"productFamily": "Database Storage", "databaseEngine": "PostgreSQL",
                   "deploymentOption": "Single-AZ"}
    return [
        q("nat_gateway", "hour", "AmazonEC2", r"NatGateway-Hours", productFamily="NAT Gateway"),
        q("nat_gateway", "gb", "AmazonEC2", r"NatGateway-Bytes", productFamily="NAT Gateway"),
        q("load_balancer", "hour", "AWSELB", r"LoadBalancerUsage",
          productFamily="Load Balancer-Application"),
        q("load_balancer", "lcu_hour", "AWSELB", r"LCUUsage",
          productFamily="Load Balancer-Application"),
        q("ebs_volume", "gp3", "AmazonEC2", r"EBS:VolumeUsage\.gp3", productFamily="Storage",
          volumeApiName="gp3"),
        q("ebs_volume", "gp2", "AmazonEC2", r"EBS:VolumeUsage\.gp2", productFamily="Storage",
          volumeApiName="gp2"),
        q("rds_storage", "gp2", "AmazonRDS", r"RDS:GP2-Storage", volumeType="General Purpose",
          **rds_storage),
        q("rds_storage", "gp3", "AmazonRDS", r"RDS:GP3-Storage",
          volumeType="General Purpose-GP3", **rds_storage),
        q("public_ipv4", "hour", "AmazonVPC", r"PublicIPv4:InUseAddress",
          group="VPCPublicIPv4Address"),
        q("secrets_manager", "secret", "AWSSecretsManager", r"AWSSecretsManager-Secrets",
          productFamily="Secret"),
        q("s3_storage", "standard", "AmazonS3", r"TimedStorage-ByteHrs", productFamily="Storage",
          volumeType="Standard", storageClass="General Purpose"),
    ]


def queries(region: str, instance_types: Iterable[str], db_classes: Iterable[str],
            node_types: Iterable[str]) -> list[Query]:
    out = _fixed(region)
    for name in sorted(set(instance_types)):
        out.append(Query("ec2_instance", name, "AmazonEC2", tuple(sorted({
            "regionCode": region, "instanceType": name, "operatingSystem": "Linux",
            "tenancy": "Shared", "preInstalledSw": "NA", "capacitystatus": "Used",
            "licenseModel": "No License required"}.items())), r"BoxUsage:.+"))
    for name in sorted(set(db_classes)):
        out.append(Query("rds_postgres_instance", name, "AmazonRDS", tuple(sorted({
            "regionCode": region, "instanceType": name, "databaseEngine": "PostgreSQL",
            "deploymentOption": "Single-AZ"}.items())), r"InstanceUsage:.+"))
    for name in sorted(set(node_types)):
        out.append(Query("elasticache_redis_node", name, "AmazonElastiCache", tuple(sorted({
            "regionCode": region, "instanceType": name, "cacheEngine": "Redis"}.items())),
            r"NodeUsage:.+"))
    return out


def _usage_matches(pattern: str, usage_type: str) -> bool:
    return re.fullmatch(rf"(?:[A-Z]{{2,4}}[0-9]*-)?(?:{pattern})", usage_type) is not None


def _rate(product: dict[str, Any]) -> tuple[float, str] | None:
    """The product's lowest paid on-demand tier: (usd, unit)."""
    tiers: list[tuple[float, float, str]] = []
    for offer in (product.get("terms", {}).get("OnDemand") or {}).values():
        for dimension in (offer.get("priceDimensions") or {}).values():
            usd = float(dimension.get("pricePerUnit", {}).get("USD", "0") or 0)
            begin = float(dimension.get("beginRange", "0") or 0)
            if usd > 0:
                tiers.append((begin, usd, dimension.get("unit", "")))
    if not tiers:
        return None
    _, usd, unit = min(tiers)
    return usd, unit


class RefreshError(Exception):
    pass


def fetch(client, query: Query) -> tuple[float, str, str] | None:
    """(usd, unit, sku) of the product the query names, or None when the API has none."""
    filters = [{"Type": "TERM_MATCH", "Field": field, "Value": value}
               for field, value in query.filters]
    found: list[tuple[str, float, str]] = []
    paginator = client.get_paginator("get_products")
    for page in paginator.paginate(ServiceCode=query.service, Filters=filters,
                                   FormatVersion="aws_v1"):
        for raw in page.get("PriceList", []):
            product = json.loads(raw) if isinstance(raw, str) else raw
            attributes = product.get("product", {}).get("attributes", {})
            if not _usage_matches(query.usage, attributes.get("usagetype", "")):
                continue
            rate = _rate(product)
            if rate is not None:
                found.append((product.get("product", {}).get("sku", ""), *rate))
    if not found:
        return None
    # Several matching products (e.g. a usage type per AZ group) are listed by SKU; the lowest
    # SKU wins so the same answer gives the same file.
    sku, usd, unit = sorted(found)[0]
    return usd, unit, sku


def refresh(client, region: str, *, instance_types: Iterable[str] = (),
            db_classes: Iterable[str] = (), node_types: Iterable[str] = (),
            today: datetime.date) -> tuple[dict, list[Query]]:
    """The price file document, and the queries the API had no product for."""
    builtin = load().data["prices"]
    prices: dict[str, dict] = {}
    missing: list[Query] = []
    for query in queries(region, instance_types, db_classes, node_types):
        answer = fetch(client, query)
        if answer is None:
            missing.append(query)
            continue
        usd, unit, sku = answer
        entry = prices.setdefault(query.category, {
            "as_of": today.isoformat(), "source": SOURCE,
            "unit": builtin[query.category]["unit"], "regions": {}, "skus": {}})
        entry["regions"].setdefault(region, {})[query.key] = usd
        entry["skus"].setdefault(region, {})[query.key] = f"{sku} ({unit})"
    document = {"format": FORMAT, "currency": "USD", "generated": today.isoformat(),
                "about": "On-demand prices fetched by `s0c prices refresh`; figures not in this"
                         " file come from s0c's own table.",
                "prices": prices}
    return document, missing
