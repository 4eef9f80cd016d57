"""Spec -> resource graph. The order of the steps does not matter to the result: the graph is
ordered by its references, not by insertion."""

from __future__ import annotations

from s0c.spec.diagnostics import Diagnostic, error
from s0c.spec.models import Spec

from .data_tier import lower_cache, lower_database
from .edge import hostnames, lower_edge
from .graph import Graph, Ref
from .host import UserDataTooLarge, lower_host
from .naming import Context, az_letter, ident
from .network import lower_network
from .observability import lower_budget, lower_monitoring
from .security import lower_security


def _outputs(ctx: Context) -> None:
    g = ctx.graph
    # What another stack would build on (export=True: CloudFormation exports it by name).
    g.output("vpc_id", Ref("vpc", "id"), "The VPC", ("network", "cidr"), export=True)
    for tier in ("public", "private"):
        subnets = {az_letter(i): Ref(f"{tier}_{az_letter(i)}", "id")
                   for i in range(ctx.spec.network.availability_zones)}
        g.output(f"{tier}_subnet_ids", subnets, f"{tier.capitalize()} subnet per AZ",
                 ("network", f"{tier}_subnets"), export=True)
    g.output("security_group_ids", {group: Ref(f"sg_{group}", "id")
                                    for group in ("alb", "app", "db", "cache")},
             "Security groups: load balancer, app host, PostgreSQL, Redis", ("network",),
             export=True)
    g.output("alb_dns_name", Ref("alb", "dns_name"),
             "Point each app hostname (CNAME or alias) at this name", ("load_balancer",),
             export=True)
    g.output("alb_zone_id", Ref("alb", "zone_id"), "Hosted zone of the ALB, for alias records",
             ("load_balancer",), export=True)
    g.output("db_address", Ref("db", "address"), "PostgreSQL endpoint (private)", ("database",),
             export=True)
    g.output("db_port", Ref("db", "port"), "PostgreSQL port", ("database",), export=True)
    g.output("db_master_secret_arn", Ref("db", "master_user_secret_arn"),
             "Secrets Manager secret holding the RDS-managed master password", ("database",))
    g.output("redis_endpoint", Ref("cache", "primary_endpoint"), "Redis primary endpoint (private)",
             ("cache",), export=True)
    g.output("instance_id", Ref("host", "id"),
             "App host (private subnet): aws ssm start-session --target <id>", ("compute",))
    g.output("instance_private_ip", Ref("host", "private_ip"), "App host private address",
             ("compute",))
    if ctx.spec.load_balancer.certificate_arn is None:
        g.output("certificate_arn", Ref("cert", "arn"), "ACM certificate (DNS-validated)",
                 ("load_balancer", "domain"))
    for index, app in enumerate(ctx.spec.apps):
        hosts = hostnames(ctx.spec.load_balancer.domain, app.name)
        g.output(ident(app.name, "urls"), {"web": f"https://{hosts['web']}",
                                           "api": f"https://{hosts['api']}"},
                 f"{app.name}: web and API URLs", ("apps", index))


def lower(spec: Spec, public_key: str | None = None) -> tuple[Graph | None, list[Diagnostic]]:
    graph = Graph(spec.name, spec.region, spec.mode)
    ctx = Context(spec, graph, public_key)
    try:
        lower_network(ctx)
        lower_security(ctx)
        lower_database(ctx)
        lower_cache(ctx)
        lower_host(ctx)
        lower_edge(ctx)
        lower_monitoring(ctx)
        lower_budget(ctx)
    except UserDataTooLarge as exc:
        return None, [error("S0C-SIZE", str(exc), ("apps",))]
    _outputs(ctx)
    problems = graph.check()
    return (None if problems else graph), problems
