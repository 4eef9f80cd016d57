"""Security groups with least privilege, one rule per node.

The ALB takes 80/443 from anywhere and talks only to the app ports; the host takes app ports
only from the ALB and SSH only from admin_cidrs, and talks out on HTTPS plus the database and
cache ports; the database and cache take their one port only from the host.
"""

from __future__ import annotations

from .graph import Ref
from .naming import Context, aws_name, ident

POSTGRES_PORT = 5432
REDIS_PORT = 6379

_GROUPS = {
    "alb": "load balancer: HTTPS from the internet, app ports to the host",
    "app": "app host: app ports from the load balancer only",
    "db": "PostgreSQL: 5432 from the app host only",
    "cache": "Redis: 6379 from the app host only",
}


def _rule(ctx: Context, id: str, direction: str, group: str, port: int, description: str,
          origin: tuple, *, cidr: str | None = None, peer: str | None = None) -> None:
    props = {
        "security_group_id": Ref(f"sg_{group}", "id"),
        "description": description,
        "ip_protocol": "tcp",
        "from_port": port,
        "to_port": port,
    }
    if cidr is not None:
        props["cidr_ipv4"] = cidr
    if peer is not None:
        props["referenced_security_group_id"] = Ref(f"sg_{peer}", "id")
    kind = "security_group_ingress" if direction == "in" else "security_group_egress"
    ctx.add(id, kind, props, origin, name=aws_name(ctx.name, id.replace("_", "-")))


def lower_security(ctx: Context) -> None:
    for group, description in _GROUPS.items():
        ctx.add(f"sg_{group}", "security_group", {
            "name": aws_name(ctx.name, group),
            "description": description,
            "vpc_id": Ref("vpc", "id"),
        }, ("network",), name=aws_name(ctx.name, group))

    _rule(ctx, "alb_in_https", "in", "alb", 443, "HTTPS from the internet", ("load_balancer",),
          cidr="0.0.0.0/0")
    _rule(ctx, "alb_in_http", "in", "alb", 80, "HTTP from the internet (redirected to HTTPS)",
          ("load_balancer",), cidr="0.0.0.0/0")
    for index, app in enumerate(ctx.spec.apps):
        for role in ("api", "web"):
            port = getattr(app, f"{role}_port")
            origin = ("apps", index, f"{role}_port")
            label = f"{app.name} {role.upper() if role == 'api' else role}"
            _rule(ctx, ident("alb_out", app.name, role), "out", "alb", port, f"to {label}",
                  origin, peer="app")
            _rule(ctx, ident("app_in", app.name, role), "in", "app", port,
                  f"{label} from the load balancer", origin, peer="alb")
    for index, cidr in enumerate(ctx.spec.network.admin_cidrs):
        _rule(ctx, f"app_in_ssh_{index}", "in", "app", 22, f"SSH from admin {cidr}",
              ("network", "admin_cidrs", index), cidr=cidr)
    _rule(ctx, "app_out_https", "out", "app", 443,
          "HTTPS out: packages, git, AWS APIs, market data", ("compute",), cidr="0.0.0.0/0")
    _rule(ctx, "app_out_db", "out", "app", POSTGRES_PORT, "to PostgreSQL", ("database",),
          peer="db")
    _rule(ctx, "app_out_cache", "out", "app", REDIS_PORT, "to Redis", ("cache",), peer="cache")
    _rule(ctx, "db_in_app", "in", "db", POSTGRES_PORT, "PostgreSQL from the app host",
          ("database",), peer="app")
    _rule(ctx, "cache_in_app", "in", "cache", REDIS_PORT, "Redis from the app host", ("cache",),
          peer="app")
    for group, port, section in (("db", POSTGRES_PORT, "database"), ("cache", REDIS_PORT, "cache")):
        for index, cidr in enumerate(getattr(ctx.spec, section).allowed_cidrs):
            _rule(ctx, f"{group}_in_cidr_{index}", "in", group, port, f"from allowed network {cidr}",
                  (section, "allowed_cidrs", index), cidr=cidr)
