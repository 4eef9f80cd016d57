"""`s0c prices refresh`: a price file for the specs' regions, types and classes, from the AWS
Price List API. The only s0c command besides apply/destroy that talks to AWS."""

from __future__ import annotations

import datetime
import json
import sys

import click

from .common import EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, emit, report

# The Price List Query API answers from these regions only (it is global: any one will do).
PRICING_REGIONS = ("us-east-1", "eu-central-1", "ap-south-1")


@click.group()
def prices() -> None:
    """Price files: current AWS prices for `s0c cost`, `lint` and `diff` (--prices FILE)."""


def _client(endpoint_region: str, endpoint_url: str | None):
    import boto3

    return boto3.client("pricing", region_name=endpoint_region, endpoint_url=endpoint_url)


@prices.command()
@click.argument("specs", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False),
              help="Where to write the price file (JSON).")
@click.option("--endpoint-region", type=click.Choice(PRICING_REGIONS), default="us-east-1",
              show_default=True, help="Which Price List API endpoint to ask.")
@click.option("--endpoint-url", help="Send the API calls here instead (a stand-in for AWS).")
def refresh(specs: tuple[str, ...], output: str, endpoint_region: str,
            endpoint_url: str | None) -> None:
    """Fetch current on-demand prices for SPECS' regions, instance types, DB classes and cache
    node types (plus NAT, load balancer, storage, IPv4, secret and S3 rates) into a price file.

    Needs AWS credentials allowed to call pricing:GetProducts. Exit 0 when every figure was
    found, 1 when some were not (the file still holds the rest; s0c's own table or "unknown"
    covers them), 2 on bad input or when AWS cannot be asked.
    """
    from botocore.exceptions import BotoCoreError, ClientError

    from s0c.compiler.pipeline import build_graph
    from s0c.cost.refresh import refresh as fetch_prices

    wanted: dict[str, dict[str, set[str]]] = {}
    for path in specs:
        result = build_graph(path)
        report(result.source, result.diagnostics)
        if not result.ok or result.spec is None:
            sys.exit(EXIT_BAD_INPUT)
        spec = result.spec
        region = wanted.setdefault(spec.region, {"ec2": set(), "rds": set(), "cache": set()})
        region["ec2"].add(spec.compute.instance_type)
        region["rds"].add(spec.database.instance_class)
        region["cache"].add(spec.cache.node_type)
    today = datetime.date.today()
    merged: dict = {}
    missing = []
    try:
        client = _client(endpoint_region, endpoint_url)
        for region, types in sorted(wanted.items()):
            document, gaps = fetch_prices(client, region, instance_types=types["ec2"],
                                          db_classes=types["rds"], node_types=types["cache"],
                                          today=today)
            missing += [(region, gap) for gap in gaps]
            if not merged:
                merged = document
                continue
            for name, entry in document["prices"].items():
                into = merged["prices"].setdefault(name, {**entry, "regions": {}, "skus": {}})
                into["regions"].update(entry["regions"])
                into["skus"].update(entry["skus"])
    except (BotoCoreError, ClientError) as exc:
        click.echo(f"s0c prices refresh: cannot ask the AWS Price List API: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    emit(output, json.dumps(merged, indent=2, sort_keys=True) + "\n")
    figures = sum(len(keys) for entry in merged["prices"].values()
                  for keys in entry["regions"].values())
    click.echo(f"{output}: {figures} price(s) for {', '.join(sorted(wanted))} as of {today}")
    for region, gap in missing:
        click.echo(f"not found: {gap.category} {gap.key} in {region} (s0c's own table or"
                   " 'unknown' covers it)", err=True)
    sys.exit(EXIT_FINDINGS if missing else EXIT_OK)
