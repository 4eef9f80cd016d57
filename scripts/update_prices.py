#!/usr/bin/env python3
"""Regenerate the instance / class / node categories of cost/data/prices.json from AWS's Price
List bulk offer files, for whoever has a route to AWS:

    https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/{AmazonEC2,AmazonRDS,AmazonElastiCache}/current/{region}/index.json

    python scripts/update_prices.py                      # download the ten regions
    python scripts/update_prices.py --offers DIR         # DIR/{service}/{region}/index.json
    python scripts/update_prices.py --regions us-east-1 --dry-run

The filters: on-demand terms only; EC2: Linux, Shared tenancy, no pre-installed software,
capacity status Used; RDS: PostgreSQL, Single-AZ and Multi-AZ (one standby; the
readable-standby cluster deployments are left out); ElastiCache: Redis (Valkey kept apart). Only
the families and sizes the build script selects are written, every figure read (any ``derived``
entry of a rewritten region is dropped), with the offer's publication date as ``as_of``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_prices_from_public_copies import (  # noqa: E402
    CACHE_FAMILIES, EC2_FAMILIES, RDS_FAMILIES, REGIONS, TABLE, wanted)

OFFER_URL = ("https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/{service}/current/"
             "{region}/index.json")


def _on_demand_usd(offer: dict, sku: str) -> float | None:
    """The hourly USD price of a SKU's on-demand term (None if it has none or it is 0)."""
    for term in offer.get("terms", {}).get("OnDemand", {}).get(sku, {}).values():
        for dimension in term.get("priceDimensions", {}).values():
            if dimension.get("unit", "Hrs").lower() in ("hrs", "hours", "hour"):
                usd = float(dimension["pricePerUnit"]["USD"])
                if usd > 0:
                    return usd
    return None


def ec2_prices(offer: dict) -> dict[str, float]:
    found = {}
    for sku, product in offer.get("products", {}).items():
        a = product.get("attributes", {})
        if (product.get("productFamily") == "Compute Instance"
                and a.get("operatingSystem") == "Linux" and a.get("tenancy") == "Shared"
                and a.get("preInstalledSw") == "NA" and a.get("capacitystatus") == "Used"
                and a.get("licenseModel", "No License required") == "No License required"
                and wanted(a.get("instanceType", ""), EC2_FAMILIES)):
            usd = _on_demand_usd(offer, sku)
            if usd is not None:
                found[a["instanceType"]] = usd
    return found


def rds_prices(offer: dict) -> dict[str, dict[str, float]]:
    found: dict[str, dict[str, float]] = {"Single-AZ": {}, "Multi-AZ": {}}
    for sku, product in offer.get("products", {}).items():
        a = product.get("attributes", {})
        deployment = a.get("deploymentOption")
        if (product.get("productFamily") == "Database Instance"
                and a.get("databaseEngine") == "PostgreSQL" and deployment in found
                and wanted(a.get("instanceType", ""), RDS_FAMILIES, "db.")):
            usd = _on_demand_usd(offer, sku)
            if usd is not None:
                found[deployment][a["instanceType"]] = usd
    return found


def elasticache_prices(offer: dict, engine: str = "Redis") -> dict[str, float]:
    found = {}
    for sku, product in offer.get("products", {}).items():
        a = product.get("attributes", {})
        if (product.get("productFamily") == "Cache Instance"
                and a.get("cacheEngine") == engine
                and wanted(a.get("instanceType", ""), CACHE_FAMILIES, "cache.")):
            usd = _on_demand_usd(offer, sku)
            if usd is not None:
                found[a["instanceType"]] = usd
    return found


def load_offer(service: str, region: str, offers: Path | None) -> dict:
    if offers is not None:
        return json.loads((offers / service / region / "index.json").read_text("utf-8"))
    with urllib.request.urlopen(OFFER_URL.format(service=service, region=region),
                                timeout=600) as response:
        return json.load(response)


def _offer_date(offer: dict) -> str:
    published = offer.get("publicationDate", "")
    return published[:10] if published else datetime.date.today().isoformat()


def update(table: dict, regions: list[str], offers: Path | None) -> dict[str, int]:
    """Rewrite the four instance categories for ``regions``; returns figures written."""
    prices, counts, dates = table["prices"], {}, {}
    plan = [("ec2_instance", "AmazonEC2", lambda o: ec2_prices(o)),
            ("rds_postgres_instance", "AmazonRDS", lambda o: rds_prices(o)["Single-AZ"]),
            ("rds_postgres_instance_multi_az", "AmazonRDS",
             lambda o: rds_prices(o)["Multi-AZ"]),
            ("elasticache_redis_node", "AmazonElastiCache", lambda o: elasticache_prices(o))]
    cache: dict[tuple[str, str], dict] = {}
    for category, service, pick in plan:
        entry = prices[category]
        for region in regions:
            if (service, region) not in cache:
                cache[(service, region)] = load_offer(service, region, offers)
            offer = cache[(service, region)]
            found = pick(offer)
            if not found:
                print(f"{category} {region}: nothing in the offer file; left as it was",
                      file=sys.stderr)
                continue
            entry["regions"][region] = dict(sorted(found.items()))
            entry.get("derived", {}).pop(region, None)
            counts[category] = counts.get(category, 0) + len(found)
            dates.setdefault(category, set()).add(_offer_date(offer))
        if category in dates:
            if not entry.get("derived"):
                entry.pop("derived", None)
            newest = min(dates[category])
            untouched = set(entry["regions"]) - set(regions)
            # as_of is the oldest data in the category: regions not rewritten keep theirs
            entry["as_of"] = min(newest, entry["as_of"]) if untouched else newest
            service_url = OFFER_URL.format(service=service, region="{region}")
            entry["sources"] = [s for s in entry.get("sources", [])
                                if s.get("repository") is not None or s.get("path") !=
                                service_url] + [{
                                    "repository": None, "path": service_url, "commit": None,
                                    "data_date": newest,
                                    "gave": f"on-demand prices for {', '.join(regions)} (read"
                                            " by scripts/update_prices.py)"}]
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--regions", nargs="+", default=REGIONS)
    parser.add_argument("--offers", type=Path, help="offer files already downloaded:"
                        " DIR/{service}/{region}/index.json")
    parser.add_argument("--table", type=Path, default=TABLE)
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()
    table = json.loads(args.table.read_text(encoding="utf-8"))
    counts = update(table, args.regions, args.offers)
    print(json.dumps(counts, sort_keys=True))
    if not args.dry_run:
        args.table.write_text(json.dumps(table, indent=2, sort_keys=True) + "\n",
                              encoding="utf-8")


if __name__ == "__main__":
    main()
