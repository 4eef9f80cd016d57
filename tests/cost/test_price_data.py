"""The price table's data: every figure has a source and a date, derived figures say how, the
regions s0c claims have what the PoC needs, and the offer-file updater reads AWS's format."""

from __future__ import annotations

import datetime
import importlib.util
import json
import sys
from pathlib import Path

import pytest

from s0c.cost.prices import PriceTable, load

ROOT = Path(__file__).resolve().parents[2]
TEN = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2",
       "eu-central-1", "ap-southeast-1", "ap-southeast-2", "ap-northeast-1"]


def _script(name: str):
    sys.path.insert(0, str(ROOT / "scripts"))
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_category_has_a_unit_a_date_and_sources():
    for name, entry in load().data["prices"].items():
        assert entry["unit"] and entry["source"], name
        datetime.date.fromisoformat(entry["as_of"])
        assert entry["sources"], name
        for source in entry["sources"]:
            assert source["path"] and source["data_date"] and source["gave"], name
            if source["repository"]:
                assert len(source["commit"]) == 40, (name, source)


def test_every_figure_is_positive_and_every_derived_entry_is_labelled():
    table = load()
    for name, entry in table.data["prices"].items():
        for region, values in entry["regions"].items():
            assert all(usd > 0 for usd in values.values()), (name, region)
        for region, notes in entry.get("derived", {}).items():
            assert region in entry["regions"], (name, region)
            for key, text in notes.items():
                assert key == "*" or key in entry["regions"][region], (name, region, key)
                assert len(text) > 20, (name, region, key)


def test_price_carries_how_it_was_derived():
    table = load()
    read = table.get("ec2_instance", "us-east-1", "t3.xlarge")
    assert read is not None and read.derived is None and read.usd == 0.1664
    read_west = table.get("ec2_instance", "us-west-2", "t3.xlarge")     # skypilot row
    assert read_west.usd == 0.1664 and read_west.derived is None
    copied = table.get("ec2_instance", "us-west-2", "r5.large")
    assert copied.usd == table.get("ec2_instance", "us-east-1", "r5.large").usd
    assert "copied from us-east-1" in copied.derived
    ireland = table.get("ec2_instance", "eu-west-1", "t3.xlarge")
    assert ireland.usd == 0.1824 and ireland.derived is None
    scaled = table.get("ec2_instance", "eu-west-1", "t3.large")
    assert scaled.usd == 0.0912 and "scaled from t3." in scaled.derived
    multi = table.get("rds_postgres_instance_multi_az", "eu-west-1", "db.t3.small")
    single = table.get("rds_postgres_instance", "eu-west-1", "db.t3.small")
    assert multi.usd == 2 * single.usd and "2 x Single-AZ" in multi.derived
    assert single.derived is None
    frankfurt = table.get("ec2_instance", "eu-central-1", "m5.large")      # skypilot row
    assert frankfurt.usd == 0.115 and frankfurt.derived is None
    m5_2x = table.get("ec2_instance", "eu-central-1", "m5.2xlarge")
    assert m5_2x.usd == 0.46 and "scaled from m5.xlarge" in m5_2x.derived
    # us-east-2 c7g differs from us-east-1 in the rows read, so it is scaled, not copied
    ohio = table.get("ec2_instance", "us-east-2", "c7g.large")
    assert ohio.usd == 0.07225 and "scaled from c7g.2xlarge" in ohio.derived
    assert table.get("ec2_instance", "us-east-2", "c7g.2xlarge").usd == 0.289   # read
    assert table.get("ec2_instance", "eu-west-1", "r5.large") is None       # fail closed
    assert table.get("ec2_instance", "eu-west-2", "r7a.large") is None      # not offered there
    assert table.get("ec2_instance", "us-west-1", "m7a.large") is None      # not offered there


def test_every_ec2_figure_outside_us_east_1_is_read_or_labelled():
    build = _script("build_prices_from_public_copies")
    read = build.skypilot_prices()
    table = load()
    for region, values in table.data["prices"]["ec2_instance"]["regions"].items():
        for key, usd in values.items():
            price = table.get("ec2_instance", region, key)
            if region == "us-east-1":
                assert price.derived is None
            elif key in read.get(region, {}):
                assert price.derived is None and usd == read[region][key], (region, key)
            else:
                assert price.derived and ("copied from us-east-1" in price.derived
                                          or "scaled from" in price.derived), (region, key)


def test_non_instance_figures_beyond_us_east_1_and_us_west_2():
    table = load()
    for region in TEN:
        ipv4 = table.get("public_ipv4", region, "hour")
        assert ipv4.usd == 0.005
        assert (ipv4.derived is None) == (region in ("us-east-1", "us-west-2"))
    gp2 = table.get("ebs_volume", "eu-west-1", "gp2")
    assert gp2.usd == 0.11 and gp2.derived is None                # infracost eu-west-1 golden
    logs = table.get("cloudwatch_logs", "eu-west-1", "storage_gb_month")
    assert logs.usd == 0.03 and logs.derived is None
    assert table.get("cloudwatch_logs", "eu-west-1", "vended_ingestion_gb") is None
    rds = table.get("rds_storage", "eu-west-1", "gp2")
    assert rds.usd == 0.1265 and "half the Multi-AZ" in rds.derived
    assert table.get("ebs_volume", "eu-west-1", "gp3") is None


def test_the_copy_rule_is_only_used_for_families_that_agree():
    build = _script("build_prices_from_public_copies")
    agreement = build.copy_rule_agreement()
    assert agreement["us-west-2"][0] == agreement["us-west-2"][1] >= 50
    agree, total = agreement["us-east-2"]
    assert total >= 50 and agree == total - 2                      # c7g.2xlarge, c7g.12xlarge
    assert build.families_differing("us-east-2") == {"c7g"}
    table = load()
    for region in ("us-east-2", "us-west-2"):
        for key, note in table.data["prices"]["ec2_instance"]["derived"][region].items():
            if key.startswith("c7g.") and region == "us-east-2":
                assert note.startswith("scaled from"), key


def test_the_instance_categories_cover_the_ten_regions_where_a_source_has_them():
    table = load()
    for category in ("elasticache_redis_node", "rds_postgres_instance",
                     "rds_postgres_instance_multi_az"):
        assert set(TEN) <= set(table.data["prices"][category]["regions"]), category
    for region in TEN:
        assert table.get("elasticache_redis_node", region, "cache.t3.micro")
        assert table.get("rds_postgres_instance", region, "db.t3.small")
    ec2 = table.data["prices"]["ec2_instance"]["regions"]["us-east-1"]
    families = {key.split(".")[0] for key in ec2}
    assert {"t3", "t3a", "t4g", "m7i", "m7a", "m7g", "c7i", "c7a", "c7g", "r7i", "r7a",
            "r7g"} <= families
    assert {"t3.nano", "t3.2xlarge", "m5.large", "m5.24xlarge", "c5.9xlarge"} <= set(ec2)


# The PoC's needs, (category, key): what it prices in us-east-1.
POC_NEEDS = [("ec2_instance", "t3.xlarge"), ("rds_postgres_instance", "db.t3.small"),
             ("elasticache_redis_node", "cache.t3.micro"), ("nat_gateway", "hour"),
             ("nat_gateway", "gb"), ("load_balancer", "hour"), ("load_balancer", "lcu_hour"),
             ("ebs_volume", "gp3"), ("rds_storage", "gp3"), ("public_ipv4", "hour"),
             ("secrets_manager", "secret"), ("ec2_detailed_monitoring", "instance")]
# Regions with every PoC price; the others are named in PRICES.md and fail closed.
POC_REGIONS = ["us-east-1", "us-west-2"]


@pytest.mark.parametrize("region", POC_REGIONS)
def test_the_regions_that_price_the_poc_have_every_category_it_needs(region):
    table = load()
    missing = [need for need in POC_NEEDS if table.get(need[0], region, need[1]) is None]
    assert not missing, missing


@pytest.mark.parametrize("region", sorted(set(TEN) - set(POC_REGIONS)))
def test_the_other_regions_fail_closed_on_what_no_source_gives(region):
    table = load()
    missing = [need for need in POC_NEEDS if table.get(need[0], region, need[1]) is None]
    assert ("nat_gateway", "hour") in missing and ("load_balancer", "hour") in missing
    assert table.get("ec2_instance", region, "t3.xlarge")          # read from skypilot
    assert table.get("ec2_instance", region, "m5.large")           # read from skypilot
    if region != "us-east-2":                                      # r5: no row read outside
        assert table.get("ec2_instance", region, "r5.large") is None   # us-east-1 (fail closed)


def test_poc_total_is_unchanged():
    from tests.cost.test_estimate import priced
    from tests.specs import poc_data
    found = priced(poc_data())
    assert found.monthly == 246.98 and not found.unpriced


def test_the_table_is_what_the_build_script_makes_from_the_extracts():
    build = _script("build_prices_from_public_copies")
    table = build.build()
    check = table.pop("crosscheck")
    assert check["agree"] == check["total"] >= 20, check["lines"]
    assert table == load().data


def _offer(products: dict, prices: dict) -> dict:
    """A tiny offer file shaped like AWS's: products + terms.OnDemand with priceDimensions."""
    terms = {}
    for sku, usd in prices.items():
        terms[sku] = {f"{sku}.JRTCKXETXF": {
            "offerTermCode": "JRTCKXETXF", "sku": sku, "effectiveDate": "2026-11-01T00:00:00Z",
            "priceDimensions": {f"{sku}.JRTCKXETXF.6YS6EN2CT7": {
                "rateCode": f"{sku}.JRTCKXETXF.6YS6EN2CT7", "unit": "Hrs",
                "description": "On Demand", "pricePerUnit": {"USD": f"{usd:.10f}"}}},
            "termAttributes": {}}}
    return {"formatVersion": "v1.0", "offerCode": "X", "version": "20261101000000",
            "publicationDate": "2026-11-01T00:00:00Z", "products": products,
            "terms": {"OnDemand": terms, "Reserved": {}}}


def _ec2(sku, kind, **over):
    attributes = {"instanceType": kind, "operatingSystem": "Linux", "tenancy": "Shared",
                  "preInstalledSw": "NA", "capacitystatus": "Used",
                  "licenseModel": "No License required", "regionCode": "eu-west-1"}
    attributes.update(over)
    return sku, {"sku": sku, "productFamily": "Compute Instance", "attributes": attributes}


def test_update_prices_reads_an_offer_file(tmp_path):
    update = _script("update_prices")
    ec2 = dict([_ec2("A", "t3.xlarge"), _ec2("B", "t3.xlarge", operatingSystem="Windows"),
                _ec2("C", "t3.xlarge", tenancy="Dedicated"),
                _ec2("D", "t3.xlarge", capacitystatus="AllocatedCapacityReservation"),
                _ec2("E", "t3.xlarge", preInstalledSw="SQL Std"),
                _ec2("F", "x2iedn.xlarge"), _ec2("G", "m7i.48xlarge")])
    ec2_offer = _offer(ec2, {"A": 0.1824, "B": 0.3296, "C": 0.2, "D": 0.1824, "E": 1.0,
                             "F": 1.0, "G": 1.0})
    db = {sku: {"sku": sku, "productFamily": "Database Instance", "attributes": {
        "instanceType": "db.t3.small", "databaseEngine": engine, "deploymentOption": az}}
        for sku, engine, az in [("S", "PostgreSQL", "Single-AZ"), ("M", "PostgreSQL", "Multi-AZ"),
                                ("Y", "MySQL", "Single-AZ"),
                                ("R", "PostgreSQL", "Multi-AZ (readable standbys)")]}
    rds_offer = _offer(db, {"S": 0.04, "M": 0.08, "Y": 0.036, "R": 0.1})
    cache = {sku: {"sku": sku, "productFamily": "Cache Instance", "attributes": {
        "instanceType": "cache.t3.micro", "cacheEngine": engine}}
        for sku, engine in [("K", "Redis"), ("V", "Valkey"), ("Q", "Memcached")]}
    cache_offer = _offer(cache, {"K": 0.018, "V": 0.0144, "Q": 0.017})

    assert update.ec2_prices(ec2_offer) == {"t3.xlarge": 0.1824}
    assert update.rds_prices(rds_offer) == {"Single-AZ": {"db.t3.small": 0.04},
                                            "Multi-AZ": {"db.t3.small": 0.08}}
    assert update.elasticache_prices(cache_offer) == {"cache.t3.micro": 0.018}
    assert update.elasticache_prices(cache_offer, "Valkey") == {"cache.t3.micro": 0.0144}

    for service, offer in [("AmazonEC2", ec2_offer), ("AmazonRDS", rds_offer),
                           ("AmazonElastiCache", cache_offer)]:
        folder = tmp_path / service / "eu-west-1"
        folder.mkdir(parents=True)
        (folder / "index.json").write_text(json.dumps(offer), encoding="utf-8")
    data = json.loads(json.dumps(load().data))
    counts = update.update(data, ["eu-west-1"], tmp_path)
    assert counts == {"ec2_instance": 1, "rds_postgres_instance": 1,
                      "rds_postgres_instance_multi_az": 1, "elasticache_redis_node": 1}
    table = PriceTable(data)
    price = table.get("rds_postgres_instance_multi_az", "eu-west-1", "db.t3.small")
    assert price.usd == 0.08 and price.derived is None and price.as_of == "2021-08-03"
    assert data["prices"]["rds_postgres_instance"]["sources"][-1]["data_date"] == "2026-11-01"
    assert table.get("ec2_instance", "eu-west-1", "t3.xlarge").usd == 0.1824
    assert table.get("rds_postgres_instance", "us-east-1", "db.t3.small").usd == 0.036
    assert any("offers/v1.0" in s["path"] for s in data["prices"]["ec2_instance"]["sources"])
