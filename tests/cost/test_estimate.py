"""The offline estimate: the price table's provenance, and what the PoC really costs."""

from __future__ import annotations

import datetime
import re

import pytest

from s0c.compiler.pipeline import build_graph
from s0c.cost.estimate import estimate
from s0c.cost.prices import load
from tests.specs import EXAMPLES, dump, poc_data


def priced(data: dict):
    result = build_graph("spec.yaml", text=dump(data), base_dir=str(EXAMPLES))
    assert result.ok, [d.message for d in result.diagnostics]
    return estimate(result.spec, result.graph)


def lines(found) -> dict[tuple[str, str], float]:
    return {(item.resource, item.description): item.monthly for item in found.items}


def test_every_price_has_a_unit_date_and_source_in_both_regions():
    table = load()
    assert {"us-east-1", "us-west-2"} <= set(table.regions)
    for name, entry in table.data["prices"].items():
        assert entry["unit"] and re.match(r"https://aws\.amazon\.com/", entry["source"]), name
        datetime.date.fromisoformat(entry["as_of"])
        east, west = entry["regions"]["us-east-1"], entry["regions"]["us-west-2"]
        assert set(east) == set(west) and all(v > 0 for v in east.values()), name


def test_poc_total_and_the_items_the_guide_left_out():
    found = priced(poc_data())
    items = lines(found)
    assert found.monthly == 246.98 and not found.unpriced
    forgotten = {("nat_a", "NAT gateway"): 32.85,
                 ("nat_a", "NAT data processing, 100 GB (assumed)"): 4.50,
                 ("nat_eip_a", "Public IPv4 address (Elastic IP)"): 3.65,
                 ("alb", "Application Load Balancer"): 16.43,
                 ("alb", "ALB capacity, 1 LCU average (assumed)"): 5.84,
                 ("alb", "ALB public IPv4 addresses, one per AZ (2)"): 7.30}
    assert {key: items[key] for key in forgotten} == forgotten
    assert items[("host", "EC2 t3.xlarge")] == 121.47          # 0.1664 $/h x 730 h
    assert items[("db", "RDS PostgreSQL db.t3.small (Single-AZ)")] == 26.28
    assert items[("cache", "ElastiCache Redis cache.t3.micro")] == 12.41
    assert all(abs(item.hourly(730) * 730 - item.monthly) < 0.01 for item in found.items)


def test_multi_az_doubles_the_database_and_per_az_nat_splits_the_data():
    data = poc_data()
    data["database"]["multi_az"] = True
    data["network"]["nat"] = "per_az"
    items = lines(priced(data))
    assert items[("db", "RDS PostgreSQL db.t3.small (Multi-AZ)")] == 52.56
    assert items[("db", "RDS gp3 storage, 50 GB (Multi-AZ)")] == 11.50
    assert items[("nat_a", "NAT gateway")] == items[("nat_b", "NAT gateway")] == 32.85
    assert items[("nat_b", "NAT data processing, 50 GB (assumed)")] == 2.25


def test_assumptions_are_settable_and_shown():
    data = poc_data()
    data["cost"] = {"nat_data_gb_per_month": 0, "alb_lcus": 2.5, "cloudwatch_free_tier": False}
    found = priced(data)
    items = lines(found)
    assert not any("NAT data" in description for _, description in items)
    assert items[("alb", "ALB capacity, 2.5 LCU average (assumed)")] == 14.60
    assert items[("dashboard", "CloudWatch dashboard")] == 3.00
    alarms = [key for key in items if key[1] == "CloudWatch alarm"]
    assert alarms and all(items[key] == 0.10 for key in alarms)
    assert found.assumptions["alb_lcus"][0] == 2.5


@pytest.mark.parametrize("field,value", [("instance_type", "x2iedn.xlarge")])
def test_unknown_prices_are_named_not_guessed(field, value):
    data = poc_data()
    data["compute"][field] = value
    found = priced(data)
    assert [u.resource for u in found.unpriced] == ["host"]
    assert found.unpriced[0].path == ("compute", "instance_type")
    assert "x2iedn.xlarge" in found.unpriced[0].message


def test_a_region_without_prices_leaves_every_charge_unknown_never_zero():
    data = poc_data()
    data["region"] = "af-south-1"
    found = priced(data)
    assert found.items == [] and not found.region_priced and not found.complete
    assert {u.resource for u in found.unpriced} >= {"host", "db", "cache", "nat_a", "alb"}
    assert all("no prices for af-south-1" in u.message for u in found.unpriced)


def test_flow_logs_are_priced_by_the_gb_delivered_that_the_spec_assumes():
    data = poc_data()
    data["network"]["flow_logs"] = True
    items = lines(priced(data))
    assert items[("flow_logs_group", "CloudWatch Logs delivery, 5 GB (assumed)")] == 2.50
    data["cost"] = {"flow_logs_gb_per_month": 40}
    found = priced(data)
    assert lines(found)[("flow_logs_group", "CloudWatch Logs delivery, 40 GB (assumed)")] == 20.00
    assert found.assumptions["flow_logs_gb_per_month"][0] == 40
    data["cost"] = {"flow_logs_gb_per_month": 0}
    found = priced(data)
    assert not any(key[0] == "flow_logs_group" for key in lines(found))
    assert "flow_logs_group (no cloudwatch logs delivery assumed)" in found.free
    # the delivery role and the flow log itself cost nothing
    assert {"flow_log", "flow_logs_role", "flow_logs_delivery"} <= set(found.free)
