"""Reachability: data stores stay private, span two AZs, and the host can reach what it needs."""

from __future__ import annotations

import ipaddress

from s0c.compiler.graph import Node, Ref
from s0c.spec.diagnostics import Severity

from .rule import Context, rule

# Ranges the internet cannot route to: RFC 1918, carrier-grade NAT (VPN pools), IPv6 ULA.
PRIVATE = tuple(ipaddress.ip_network(cidr) for cidr in (
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7"))

# kind -> the property listing its security groups, and the one naming its subnet group
DATA_STORES = {"db_instance": ("vpc_security_group_ids", "db_subnet_group_name"),
               "cache_replication_group": ("security_group_ids", "subnet_group_name")}


def _public_subnets(ctx: Context) -> set[str]:
    """Subnets whose route table sends traffic to an internet gateway."""
    igw_tables = set()
    for route in ctx.nodes("route"):
        table, gateway = ctx.target(route.props.get("route_table_id")), \
            ctx.target(route.props.get("gateway_id"))
        if table is not None and gateway is not None and gateway.kind == "internet_gateway":
            igw_tables.add(table.id)
    public = set()
    for association in ctx.nodes("route_table_association"):
        table, subnet = ctx.target(association.props.get("route_table_id")), \
            ctx.target(association.props.get("subnet_id"))
        if table is not None and subnet is not None and table.id in igw_tables:
            public.add(subnet.id)
    return public


def _private(cidr: str) -> bool:
    network = ipaddress.ip_network(cidr, strict=False)
    return any(network.version == block.version and network.subnet_of(block) for block in PRIVATE)


def _refs(value) -> list[Ref]:
    values = value if isinstance(value, list) else [value]
    return [item for item in values if isinstance(item, Ref)]


def _what(node: Node) -> str:
    return "the database" if node.kind == "db_instance" else "the cache"


@rule("S0C-NET-010", "The database and cache are not reachable from the internet", Severity.ERROR,
      """PostgreSQL and Redis hold the trading state and accept passwords (or nothing) as their
      only defence; they must sit in private subnets behind security groups that admit only
      private networks.""",
      """Keep database.allowed_cidrs and cache.allowed_cidrs to private ranges (a VPN, a peered
      VPC) and reach them from outside through SSM port forwarding.""", "network")
def data_private(ctx: Context):
    public_subnets = _public_subnets(ctx)
    for store in ctx.nodes(*DATA_STORES):
        groups_key, subnet_group_key = DATA_STORES[store.kind]
        if store.props.get("publicly_accessible") is True:
            yield data_private.finding(f"{_what(store)} is publicly accessible",
                                       ctx.origin(store), resource=store.id)
        groups = {ref.node for ref in _refs(store.props.get(groups_key))}
        for rule_node in ctx.nodes("security_group_ingress"):
            group = rule_node.props.get("security_group_id")
            if not isinstance(group, Ref) or group.node not in groups:
                continue
            for key in ("cidr_ipv4", "cidr_ipv6"):
                cidr = rule_node.props.get(key)
                if isinstance(cidr, str) and not _private(cidr):
                    yield data_private.finding(f"{_what(store)} admits {cidr}, a public range",
                                               ctx.origin(rule_node), resource=rule_node.id)
        subnet_group = ctx.target(store.props.get(subnet_group_key))
        if subnet_group is not None:
            exposed = sorted(ref.node for ref in _refs(subnet_group.props.get("subnet_ids"))
                             if ref.node in public_subnets)
            if exposed:
                yield data_private.finding(f"{_what(store)}'s subnet group includes public"
                                           f" subnets: {', '.join(exposed)}",
                                           ctx.origin(subnet_group), resource=subnet_group.id)


def _zones(ctx: Context, subnet_refs) -> set:
    zones = set()
    for ref in _refs(subnet_refs):
        subnet = ctx.graph.nodes.get(ref.node)
        if subnet is not None:
            zone = subnet.props.get("availability_zone")
            zones.add((zone.node, zone.attr, zone.index) if isinstance(zone, Ref) else zone)
    return zones


@rule("S0C-NET-011", "The database subnet group and load balancer span two AZs", Severity.ERROR,
      """RDS refuses a subnet group that covers fewer than two AZs, and so does an Application
      Load Balancer; a one-AZ design fails at deploy time.""",
      "Set network.availability_zones to 2 or more, with one subnet per AZ.", "network")
def two_zones(ctx: Context):
    for node in ctx.nodes("db_subnet_group", "load_balancer"):
        zones = _zones(ctx, node.props.get("subnet_ids", node.props.get("subnets")))
        if len(zones) < 2:
            what = "database subnet group" if node.kind == "db_subnet_group" else "load balancer"
            yield two_zones.finding(f"the {what} spans {len(zones)} availability zone(s)",
                                    ("network", "availability_zones"), resource=node.id)


@rule("S0C-NET-012", "The host can reach the internet", Severity.WARNING,
      """With nat: none the host's private subnet has no route out: its boot script cannot
      install Docker, clone the apps or reach market-data APIs.""",
      "Use nat: single (or per_az), or bake an AMI with everything the apps need.", "network")
def host_egress(ctx: Context):
    if ctx.spec.network.nat == "none":
        yield host_egress.finding("nat: none leaves the app host without internet access",
                                  ("network", "nat"))


RULES = [data_private, two_zones, host_egress]
