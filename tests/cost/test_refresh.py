"""`s0c prices refresh` against botocore's Stubber: responses shaped like the Price List Query
API's (PriceList entries are JSON strings, terms.OnDemand.<offer>.priceDimensions), with a
paginated answer, a product with several price dimensions, and a figure the API lacks.

The figures are made up for the test (they only have to travel through unchanged)."""

from __future__ import annotations

import datetime
import json

import boto3
import pytest
from botocore.stub import Stubber
from click.testing import CliRunner

from s0c.cli import prices as prices_cli
from s0c.cli.main import cli
from s0c.cost.price_file import read_price_file
from s0c.cost.refresh import queries, refresh
from tests.specs import EXAMPLES, dump, poc_data

REGION = "eu-west-1"
TYPES = {"instance_types": ["t3.xlarge"], "db_classes": ["db.t3.small"],
         "node_types": ["cache.t3.micro"]}


def _dimension(usd: str, begin: str = "0", end: str = "Inf", unit: str = "Hrs") -> dict:
    return {"unit": unit, "beginRange": begin, "endRange": end, "appliesTo": [],
            "description": f"${usd} per {unit}", "pricePerUnit": {"USD": usd}}


def _product(sku: str, usage: str, *dimensions: dict, family: str = "Compute Instance") -> str:
    offer = f"{sku}.JRTCKXETXF"
    return json.dumps({
        "product": {"sku": sku, "productFamily": family,
                    "attributes": {"usagetype": usage, "regionCode": REGION}},
        "serviceCode": "Test", "version": "20261120", "publicationDate": "2026-11-20T00:00:00Z",
        "terms": {"OnDemand": {offer: {
            "offerTermCode": "JRTCKXETXF", "sku": sku, "effectiveDate": "2026-11-01T00:00:00Z",
            "termAttributes": {},
            "priceDimensions": {f"{offer}.{i}": d for i, d in enumerate(dimensions)}}}}})


# What the fake API answers per (category, key): pages of PriceList entries.
ANSWERS: dict[tuple[str, str], list[list[str]]] = {
    # Paginated, and the first page's product is the other NAT figure: it must be skipped.
    ("nat_gateway", "hour"): [[_product("NATB", "EUW1-NatGateway-Bytes", _dimension("0.0501", unit="GB"))],
                              [_product("NATH", "EUW1-NatGateway-Hours", _dimension("0.0502"))]],
    ("nat_gateway", "gb"): [[_product("NATB", "EUW1-NatGateway-Bytes", _dimension("0.0501", unit="GB"))]],
    # A free tier and a paid one: the figure is the paid rate.
    ("load_balancer", "hour"): [[_product("ALBH", "EUW1-LoadBalancerUsage",
                                          _dimension("0.0", "0", "750"),
                                          _dimension("0.0252", "750", "Inf"))]],
    ("load_balancer", "lcu_hour"): [[_product("ALBL", "EUW1-LCUUsage", _dimension("0.0081", unit="LCU-Hrs"))]],
    ("ebs_volume", "gp3"): [[_product("EBS3", "EUW1-EBS:VolumeUsage.gp3", _dimension("0.0881", unit="GB-Mo"))]],
    ("ebs_volume", "gp2"): [[_product("EBS2", "EUW1-EBS:VolumeUsage.gp2", _dimension("0.1101", unit="GB-Mo"))]],
    ("rds_storage", "gp2"): [[]],  # the API has no such product: reported, not guessed
    ("rds_storage", "gp3"): [[_product("RDS3", "EUW1-RDS:GP3-Storage", _dimension("0.1271", unit="GB-Mo"))]],
    ("public_ipv4", "hour"): [[_product("IPV4", "EUW1-PublicIPv4:InUseAddress", _dimension("0.0051"))]],
    ("secrets_manager", "secret"): [[_product("SECR", "EUW1-AWSSecretsManager-Secrets",
                                              _dimension("0.41", unit="Secrets"))]],
    # Tiered storage: three dimensions, the first tier is the figure.
    ("s3_storage", "standard"): [[_product("S3ST", "EUW1-TimedStorage-ByteHrs",
                                           _dimension("0.0231", "0", "51200", "GB-Mo"),
                                           _dimension("0.0221", "51200", "512000", "GB-Mo"),
                                           _dimension("0.0211", "512000", "Inf", "GB-Mo"))]],
    ("ec2_instance", "t3.xlarge"): [[_product("EC2X", "EUW1-BoxUsage:t3.xlarge", _dimension("0.1823"))]],
    ("rds_postgres_instance", "db.t3.small"): [[_product("RDSS", "EUW1-InstanceUsage:db.t3.small",
                                                         _dimension("0.0391"))]],
    ("elasticache_redis_node", "cache.t3.micro"): [[_product("ECTM", "EUW1-NodeUsage:cache.t3.micro",
                                                             _dimension("0.0181"))]],
}


def _stubbed_client():
    client = boto3.client("pricing", region_name="us-east-1", aws_access_key_id="testing",
                          aws_secret_access_key="testing")
    stubber = Stubber(client)
    for query in queries(REGION, **TYPES):
        pages = ANSWERS[(query.category, query.key)]
        filters = [{"Type": "TERM_MATCH", "Field": f, "Value": v} for f, v in query.filters]
        for number, page in enumerate(pages):
            expected = {"ServiceCode": query.service, "Filters": filters, "FormatVersion": "aws_v1"}
            response = {"FormatVersion": "aws_v1", "PriceList": page}
            if number:
                expected["NextToken"] = f"page-{number}"
            if number + 1 < len(pages):
                response["NextToken"] = f"page-{number + 1}"
            stubber.add_response("get_products", response, expected)
    stubber.activate()
    return client, stubber


def test_refresh_reads_paginated_multi_dimension_answers():
    client, stubber = _stubbed_client()
    document, missing = refresh(client, REGION, today=datetime.date(2026, 11, 24), **TYPES)
    stubber.assert_no_pending_responses()
    got = {(name, key): usd for name, entry in document["prices"].items()
           for key, usd in entry["regions"][REGION].items()}
    assert got[("nat_gateway", "hour")] == 0.0502 and got[("nat_gateway", "gb")] == 0.0501
    assert got[("load_balancer", "hour")] == 0.0252
    assert got[("s3_storage", "standard")] == 0.0231
    assert got[("ec2_instance", "t3.xlarge")] == 0.1823
    assert [(q.category, q.key) for q in missing] == [("rds_storage", "gp2")]
    assert all(entry["as_of"] == "2026-11-24" and "GetProducts" in entry["source"]
               for entry in document["prices"].values())
    assert document["prices"]["ec2_instance"]["skus"][REGION]["t3.xlarge"] == "EC2X (Hrs)"


def test_refresh_cli_writes_a_price_file_cost_then_uses(tmp_path, monkeypatch):
    client, stubber = _stubbed_client()
    monkeypatch.setattr(prices_cli, "_client", lambda region, url: client)
    data = poc_data()
    data["region"] = REGION
    (tmp_path / "key.pub").write_text((EXAMPLES / data["compute"]["key_pair"]
                                       ["public_key_file"]).read_text())
    data["compute"]["key_pair"]["public_key_file"] = "key.pub"
    spec = tmp_path / "eu.yaml"
    spec.write_text(dump(data))
    out = tmp_path / "prices.json"
    result = CliRunner().invoke(cli, ["prices", "refresh", str(spec), "-o", str(out)])
    stubber.assert_no_pending_responses()
    # One figure was not found: the file holds the rest, and the exit code says so.
    assert result.exit_code == 1, result.output
    assert "not found: rds_storage gp2 in eu-west-1" in result.output
    table = read_price_file(str(out))
    assert table.get("ec2_instance", REGION, "t3.xlarge").usd == 0.1823
    cost = CliRunner().invoke(cli, ["cost", str(spec), "--prices", str(out), "--format", "json"])
    document = json.loads(cost.output)
    host = next(i for i in document["items"] if i["description"] == "EC2 t3.xlarge")
    assert host["monthly"] == round(0.1823 * 730, 2)


def test_refresh_without_credentials_or_access_is_exit_2(tmp_path, monkeypatch):
    client = boto3.client("pricing", region_name="us-east-1", aws_access_key_id="testing",
                          aws_secret_access_key="testing")
    stubber = Stubber(client)
    stubber.add_client_error("get_products", "AccessDeniedException", "not authorized")
    stubber.activate()
    monkeypatch.setattr(prices_cli, "_client", lambda region, url: client)
    result = CliRunner().invoke(cli, ["prices", "refresh", str(EXAMPLES / "poc.yaml"),
                                      "-o", str(tmp_path / "p.json")])
    assert result.exit_code == 2 and "AccessDenied" in result.output
    assert not (tmp_path / "p.json").exists()


@pytest.mark.parametrize("usage,pattern,hit", [
    ("BoxUsage:t3.xlarge", r"BoxUsage:.+", True),
    ("EUW1-BoxUsage:t3.xlarge", r"BoxUsage:.+", True),
    ("EUW1-HostBoxUsage:t3.xlarge", r"BoxUsage:.+", False),
    ("USE1-RegionalNatGateway-Hours", r"NatGateway-Hours", False),
])
def test_usage_types_match_after_the_region_prefix_only(usage, pattern, hit):
    from s0c.cost.refresh import _usage_matches
    assert _usage_matches(pattern, usage) is hit
