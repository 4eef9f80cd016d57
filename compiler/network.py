"""VPC, subnets across AZs, internet and NAT gateways, route tables and their associations."""

from __future__ import annotations

from .graph import Json, Ref, Template
from .naming import Context, aws_name, az_letter


def lower_network(ctx: Context) -> None:
    net = ctx.spec.network
    name = ctx.name
    ctx.add("azs", "availability_zones", {"state": "available"}, ("network", "availability_zones"))
    ctx.add("vpc", "vpc", {"cidr_block": net.cidr, "enable_dns_support": True,
                           "enable_dns_hostnames": True}, ("network", "cidr"),
            name=aws_name(name, "vpc"))
    ctx.add("igw", "internet_gateway", {"vpc_id": Ref("vpc", "id")}, ("network",),
            name=aws_name(name, "igw"))

    for tier in ("public", "private"):
        for index, cidr in enumerate(getattr(net, f"{tier}_subnets")):
            letter = az_letter(index)
            ctx.add(f"{tier}_{letter}", "subnet", {
                "vpc_id": Ref("vpc", "id"),
                "cidr_block": cidr,
                "availability_zone": Ref("azs", "names", index),
                # Nothing public lives in these subnets but the ALB and NAT, which bring their own
                # addresses: no instance should ever get a public IP by accident.
                "map_public_ip_on_launch": False,
            }, ("network", f"{tier}_subnets", index), name=aws_name(name, tier, letter))

    ctx.add("public_rt", "route_table", {"vpc_id": Ref("vpc", "id")}, ("network", "public_subnets"),
            name=aws_name(name, "public"))
    ctx.add("public_default_route", "route", {
        "route_table_id": Ref("public_rt", "id"),
        "destination_cidr_block": "0.0.0.0/0",
        "gateway_id": Ref("igw", "id"),
    }, ("network", "public_subnets"))

    zones = range(net.availability_zones)
    nat_zones = {"single": [0], "per_az": list(zones), "none": []}[net.nat]
    for index in nat_zones:
        letter = az_letter(index)
        ctx.add(f"nat_eip_{letter}", "eip", {"domain": "vpc"}, ("network", "nat"),
                name=aws_name(name, "nat", letter))
        ctx.add(f"nat_{letter}", "nat_gateway", {
            "allocation_id": Ref(f"nat_eip_{letter}", "id"),
            "subnet_id": Ref(f"public_{letter}", "id"),
        }, ("network", "nat"), name=aws_name(name, "nat", letter), depends_on=("igw",))

    # One private route table per NAT gateway (per_az keeps each AZ's egress in its own AZ); a
    # single table otherwise.
    private_tables = [az_letter(i) for i in nat_zones] if net.nat == "per_az" else ["a"]
    for letter in private_tables:
        table = f"private_rt_{letter}" if net.nat == "per_az" else "private_rt"
        ctx.add(table, "route_table", {"vpc_id": Ref("vpc", "id")}, ("network", "private_subnets"),
                name=aws_name(name, "private", letter if net.nat == "per_az" else ""))
        if net.nat != "none":
            ctx.add(f"{table}_nat_route", "route", {
                "route_table_id": Ref(table, "id"),
                "destination_cidr_block": "0.0.0.0/0",
                "nat_gateway_id": Ref(f"nat_{letter}", "id"),
            }, ("network", "nat"))

    for index in zones:
        letter = az_letter(index)
        ctx.add(f"public_{letter}_rta", "route_table_association", {
            "subnet_id": Ref(f"public_{letter}", "id"),
            "route_table_id": Ref("public_rt", "id"),
        }, ("network", "public_subnets", index))
        table = f"private_rt_{letter}" if net.nat == "per_az" else "private_rt"
        ctx.add(f"private_{letter}_rta", "route_table_association", {
            "subnet_id": Ref(f"private_{letter}", "id"),
            "route_table_id": Ref(table, "id"),
        }, ("network", "private_subnets", index))

    if net.flow_logs:
        _flow_logs(ctx)


def _flow_logs(ctx: Context) -> None:
    """All of the VPC's traffic records to a log group, through a role only flow logs assume."""
    name = ctx.name
    origin = ("network", "flow_logs")
    group = f"/s0c/{name}/vpc-flow-logs"
    ctx.add("flow_logs_group", "log_group", {
        "name": group, "retention_in_days": ctx.spec.network.flow_logs_retention_days,
    }, origin, name=aws_name(name, "flow-logs"))
    role = aws_name(name, "flow-logs", max_len=64)
    ctx.service_role("flow_logs_role", role, "vpc-flow-logs.amazonaws.com",
                     f"{name}: lets VPC flow logs write to their log group, nothing else", origin)
    arn = Ref("flow_logs_group", "arn")
    ctx.add("flow_logs_delivery", "iam_role_policy", {
        "name": "deliver-flow-logs",
        "role": Ref("flow_logs_role", "name"),
        "policy": Json({"Version": "2012-10-17", "Statement": [
            {"Sid": "WriteFlowLogs", "Effect": "Allow",
             "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
             "Resource": [arn, Template((arn, ":*"))]},
            # Listing log groups has no per-group resource.
            {"Sid": "FindLogGroup", "Effect": "Allow", "Action": ["logs:DescribeLogGroups"],
             "Resource": "*"}]}),
    }, origin)
    ctx.add("flow_log", "flow_log", {
        "vpc_id": Ref("vpc", "id"),
        "traffic_type": "ALL",
        "log_destination_type": "cloud-watch-logs",
        "log_destination": arn,
        "iam_role_arn": Ref("flow_logs_role", "arn"),
        # Ten-minute windows: the cheapest, and enough to reconstruct an incident.
        "max_aggregation_interval": 600,
    }, origin, name=aws_name(name, "flow-logs"))


def private_subnet_refs(ctx: Context) -> list[Ref]:
    return [Ref(f"private_{az_letter(i)}", "id") for i in range(ctx.spec.network.availability_zones)]


def public_subnet_refs(ctx: Context) -> list[Ref]:
    return [Ref(f"public_{az_letter(i)}", "id") for i in range(ctx.spec.network.availability_zones)]


def egress_route_ids(ctx: Context) -> tuple[str, ...]:
    """The routes the host needs before it boots (its user data downloads packages)."""
    return tuple(sorted(nid for nid in ctx.graph.nodes if nid.endswith("_nat_route")))
