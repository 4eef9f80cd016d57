"""Graph -> priced line items. Every item says how it was priced; nothing is silently left out.

Monthly means 730 hours. Usage-based charges (NAT data, ALB capacity units) come from the spec's
``cost:`` assumptions, which every report shows next to the total.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from s0c.catalogue import KINDS
from s0c.catalogue.model import NO_CHARGE, USAGE, Usage
from s0c.compiler.graph import Graph, Node
from s0c.spec.diagnostics import SpecPath
from s0c.spec.models import Spec

from .prices import Price, PriceTable, load

# The catalogue's price keys -> the _Pricer method that prices one node of it.
PRICED = {"ec2_instance": "instance", "rds_instance": "db_instance",
          "elasticache_node": "cache_replication_group", "nat_gateway": "nat_gateway",
          "s3_storage": "bucket", "public_ipv4": "eip", "load_balancer": "load_balancer"}
# Priced per account: the free tier counts them across the account -> (table key, free key, what)
PER_ACCOUNT = {"cloudwatch_dashboard": ("dashboard", "free_dashboards", "dashboard"),
               "cloudwatch_alarm": ("alarm", "free_alarms", "alarm")}


@dataclass(frozen=True)
class LineItem:
    resource: str
    kind: str
    description: str
    monthly: float
    basis: str
    price: Price
    path: SpecPath

    def hourly(self, hours: int) -> float:
        return self.monthly / hours


@dataclass(frozen=True)
class Unpriced:
    """A charge s0c knows exists but cannot price: never $0, always listed as unknown."""

    resource: str | None
    message: str
    path: SpecPath
    description: str = ""
    kind: str = ""


@dataclass
class Estimate:
    region: str
    hours: int
    items: list[LineItem] = field(default_factory=list)
    unpriced: list[Unpriced] = field(default_factory=list)
    region_priced: bool = True  # False: the table has no prices at all for the region
    free: list[str] = field(default_factory=list)
    # name -> (value, what it means)
    assumptions: dict[str, tuple[object, str]] = field(default_factory=dict)
    sources: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def monthly(self) -> float:
        """The priced items' sum: a lower bound of the real cost when ``complete`` is False."""
        return round(sum(item.monthly for item in self.items), 2)

    @property
    def complete(self) -> bool:
        return not self.unpriced

    @property
    def hourly(self) -> float:
        return self.monthly / self.hours


class _Pricer:
    def __init__(self, spec: Spec, table: PriceTable) -> None:
        self.spec, self.table = spec, table
        self.region, self.hours = spec.region, table.hours_per_month
        self.result = Estimate(self.region, self.hours)

    def add(self, node: Node, description: str, category: str, key: str, quantity: float,
            per: str, path: SpecPath | None = None, *, hourly: bool = True,
            month_rate: bool = True) -> None:
        """``quantity`` units at the table's price; hourly prices run for the whole month."""
        price = self.table.get(category, self.region, key)
        path = tuple(node.origin) if path is None else path
        if price is None:
            where = (f"s0c's price table has no prices for {self.region}"
                     if self.region not in self.table.regions else
                     f"no {self.region} price for {key} ({category}) in s0c's price table")
            self.result.unpriced.append(Unpriced(
                node.id, f"{description}: {where}, so its cost is unknown", path, description,
                node.kind))
            return
        monthly = price.usd * quantity * (self.hours if hourly else 1)
        amount = f"{quantity:g} {per} x " if quantity != 1 else ""
        rate = "/h" if hourly else ("/GB-month" if per == "GB" and month_rate else
                                     "/GB" if per == "GB" else "/month")
        basis = f"{amount}{_money(price.usd)}{rate}" + (f" x {self.hours} h" if hourly else "")
        self.result.items.append(LineItem(node.id, node.kind, description, round(monthly, 2),
                                          basis, price, path))

    def instance(self, node: Node) -> None:
        props = node.props
        kind = props["instance_type"]
        self.add(node, f"EC2 {kind}", "ec2_instance", kind, 1, "instance",
                 tuple(node.origin) + ("instance_type",))
        root = props.get("root_block_device") or {}
        if root.get("volume_size"):
            volume = root.get("volume_type", "gp3")
            self.add(node, f"EBS {volume} root volume, {root['volume_size']} GB", "ebs_volume",
                     volume, root["volume_size"], "GB", tuple(node.origin) + ("volume_gb",),
                     hourly=False)
        if props.get("monitoring"):
            self.add(node, "EC2 detailed monitoring (1-minute metrics)",
                     "ec2_detailed_monitoring", "instance", 1, "instance",
                     tuple(node.origin) + ("detailed_monitoring",), hourly=False)

    def db_instance(self, node: Node) -> None:
        props = node.props
        copies = 2 if props.get("multi_az") else 1
        az = "Multi-AZ" if copies == 2 else "Single-AZ"
        # Multi-AZ has its own category (primary and standby in one figure, labelled derived
        # where it is 2 x Single-AZ); storage is billed for both copies.
        category = "rds_postgres_instance_multi_az" if copies == 2 else "rds_postgres_instance"
        self.add(node, f"RDS PostgreSQL {props['instance_class']} ({az})", category,
                 props["instance_class"], 1, "instance", tuple(node.origin) + ("instance_class",))
        storage = props.get("storage_type", "gp3")
        self.add(node, f"RDS {storage} storage, {props['allocated_storage']} GB ({az})",
                 "rds_storage", storage, props["allocated_storage"] * copies, "GB",
                 tuple(node.origin) + ("storage_gb",), hourly=False)
        if props.get("manage_master_user_password"):
            self.add(node, "Secrets Manager secret (RDS-managed master password)",
                     "secrets_manager", "secret", 1, "secret", hourly=False)

    def cache_replication_group(self, node: Node) -> None:
        props = node.props
        nodes = props.get("num_cache_clusters", 1)
        self.add(node, f"ElastiCache Redis {props['node_type']}", "elasticache_redis_node",
                 props["node_type"], nodes, "nodes", tuple(node.origin) + ("node_type",))

    def nat_gateway(self, node: Node) -> None:
        self.add(node, "NAT gateway", "nat_gateway", "hour", 1, "gateway")
        gb = self.spec.cost.nat_data_gb_per_month / len(self.by_kind["nat_gateway"])
        if gb:
            self.add(node, f"NAT data processing, {gb:g} GB (assumed)", "nat_gateway", "gb", gb,
                     "GB", ("cost", "nat_data_gb_per_month"), hourly=False, month_rate=False)

    def bucket(self, node: Node) -> None:
        gb = self.spec.cost.s3_storage_gb / len(self.by_kind["bucket"])
        if gb:
            self.add(node, f"S3 Standard storage, {gb:g} GB (assumed)", "s3_storage",
                     "standard", gb, "GB", ("cost", "s3_storage_gb"), hourly=False)
        else:
            self.result.free.append(f"{node.id} (empty)")

    def usage(self, node: Node, usage: Usage) -> None:
        amount = getattr(self.spec.cost, usage.assumption) / len(self.by_kind[node.kind])
        if amount:
            self.add(node, f"{usage.what}, {amount:g} GB (assumed)", usage.category, usage.key,
                     amount, "GB", ("cost", usage.assumption), hourly=False, month_rate=False)
        else:
            self.result.free.append(f"{node.id} (no {usage.what.lower()} assumed)")

    def eip(self, node: Node) -> None:
        self.add(node, "Public IPv4 address (Elastic IP)", "public_ipv4", "hour", 1, "address")

    def load_balancer(self, node: Node) -> None:
        props = node.props
        self.add(node, "Application Load Balancer", "load_balancer", "hour", 1, "ALB")
        lcus = self.spec.cost.alb_lcus
        if lcus:
            self.add(node, f"ALB capacity, {lcus:g} LCU average (assumed)", "load_balancer",
                     "lcu_hour", lcus, "LCU", ("cost", "alb_lcus"))
        if not props.get("internal"):
            subnets = len(props.get("subnets") or [])
            self.add(node, f"ALB public IPv4 addresses, one per AZ ({subnets})", "public_ipv4",
                     "hour", subnets, "addresses")

    def monitoring(self, nodes: list[Node], key: str, free_key: str, what: str) -> None:
        free = 0
        if self.spec.cost.cloudwatch_free_tier:
            allowance = self.table.get("cloudwatch", self.region, free_key)
            free = int(allowance.usd) if allowance else 0
        for index, node in enumerate(nodes):
            if index < free:
                self.result.free.append(f"{node.id} ({what} within the free tier)")
            else:
                self.add(node, f"CloudWatch {what}", "cloudwatch", key, 1, what, hourly=False)

    def run(self, graph: Graph) -> Estimate:
        # A region the table lacks is not an early return: every charge then reads "unknown"
        # on its own line, so the report still says what would cost money.
        self.result.region_priced = self.region in self.table.regions
        nodes = sorted(graph.nodes.values(), key=lambda n: n.id)
        self.by_kind: dict[str, list[Node]] = {}
        by_price: dict[str, list[Node]] = {}
        for node in nodes:
            self.by_kind.setdefault(node.kind, []).append(node)
            by_price.setdefault(KINDS[node.kind].price, []).append(node)
        for node in nodes:
            key = KINDS[node.kind].price
            if key in PER_ACCOUNT:
                continue
            if key in PRICED:
                getattr(self, PRICED[key])(node)
            elif key == USAGE and KINDS[node.kind].usage is not None:
                self.usage(node, KINDS[node.kind].usage)
            elif key == NO_CHARGE:
                self.result.free.append(node.id)
            else:
                self.result.unpriced.append(Unpriced(
                    node.id, f"s0c does not know how to price {node.kind} ({node.id}):"
                    f" no pricing for {key!r}", tuple(node.origin), node.kind, node.kind))
        for key, (table_key, free_key, what) in PER_ACCOUNT.items():
            self.monitoring(by_price.get(key, []), table_key, free_key, what)
        return self.result


def _money(usd: float) -> str:
    text = f"{usd:.4f}".rstrip("0")
    return "$" + (text + "0" if len(text.split(".")[1]) < 2 else text)


def estimate(spec: Spec, graph: Graph, table: PriceTable | None = None) -> Estimate:
    table = table or load()
    result = _Pricer(spec, table).run(graph)
    # Every assumption the spec's `cost:` section takes, with what it means (its field's text).
    result.assumptions = {"hours_per_month": (table.hours_per_month, "hours in a billed month")}
    for name, definition in type(spec.cost).model_fields.items():
        if name == "prices":  # which table, not an assumption about usage
            continue
        result.assumptions[name] = (getattr(spec.cost, name),
                                    (definition.description or name).rstrip("."))
    result.sources = table.sources()
    return result
