"""The internet edge: ALB with TLS, one target group per app port, host-based routing.

Each app is served at ``<app>.<domain>`` (web) and ``<app>-api.<domain>`` (API), all covered by
one certificate for ``<domain>`` and ``*.<domain>``.
"""

from __future__ import annotations

from .graph import Ref
from .naming import Context, aws_name, ident
from .network import public_subnet_refs

TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"


def hostnames(domain: str, app_name: str) -> dict[str, str]:
    return {"web": f"{app_name}.{domain}", "api": f"{app_name}-api.{domain}"}


def lower_edge(ctx: Context) -> None:
    spec = ctx.spec
    lb = spec.load_balancer
    alb_name = aws_name(ctx.name, "alb", max_len=32)
    ctx.add("alb", "load_balancer", {
        "name": alb_name,
        "internal": False,
        "load_balancer_type": "application",
        "security_groups": [Ref("sg_alb", "id")],
        "subnets": public_subnet_refs(ctx),
        "drop_invalid_header_fields": True,
        "enable_deletion_protection": spec.mode == "live",
    }, ("load_balancer",), name=alb_name)

    if lb.certificate_arn is None:
        ctx.add("cert", "certificate", {
            "domain_name": lb.domain,
            "subject_alternative_names": [f"*.{lb.domain}"],
            "validation_method": "DNS",
        }, ("load_balancer", "domain"), name=aws_name(ctx.name, "cert"),
            create_before_destroy=True)
        # Waits until the DNS validation records exist (see the README): a listener cannot use a
        # certificate that is still pending.
        ctx.add("cert_validation", "certificate_validation", {
            "certificate_arn": Ref("cert", "arn"),
        }, ("load_balancer", "domain"))
        certificate = Ref("cert_validation", "certificate_arn")
    else:
        certificate = lb.certificate_arn

    ctx.add("https", "listener", {
        "load_balancer_arn": Ref("alb", "arn"),
        "port": 443,
        "protocol": "HTTPS",
        "ssl_policy": TLS_POLICY,
        "certificate_arn": certificate,
        "default_action": {
            "type": "fixed-response",
            "fixed_response": {"content_type": "text/plain", "message_body": "Not found",
                               "status_code": "404"},
        },
    }, ("load_balancer",), name=aws_name(ctx.name, "https"))
    ctx.add("http_redirect", "listener", {
        "load_balancer_arn": Ref("alb", "arn"),
        "port": 80,
        "protocol": "HTTP",
        "default_action": {
            "type": "redirect",
            "redirect": {"port": "443", "protocol": "HTTPS", "status_code": "HTTP_301"},
        },
    }, ("load_balancer",), name=aws_name(ctx.name, "http"))

    for index, app in enumerate(spec.apps):
        hosts = hostnames(lb.domain, app.name)
        for offset, role in enumerate(("api", "web")):
            port = getattr(app, f"{role}_port")
            health = app.health_path if role == "api" else app.web_health_path
            tg = ident("tg", app.name, role)
            tg_name = aws_name(ctx.name, app.name, role, max_len=32)
            origin = ("apps", index, f"{role}_port")
            ctx.add(tg, "target_group", {
                "name": tg_name,
                "port": port,
                "protocol": "HTTP",
                "target_type": "instance",
                "vpc_id": Ref("vpc", "id"),
                "deregistration_delay": "30",
                "health_check": {
                    "enabled": True,
                    "path": health,
                    "protocol": "HTTP",
                    "port": "traffic-port",
                    "matcher": "200-399",
                    "interval": 30,
                    "timeout": 5,
                    "healthy_threshold": 3,
                    "unhealthy_threshold": 3,
                },
            }, origin, name=tg_name)
            ctx.add(f"{tg}_host", "target_group_attachment", {
                "target_group_arn": Ref(tg, "arn"),
                "target_id": Ref("host", "id"),
                "port": port,
            }, origin)
            ctx.add(ident("route", app.name, role), "listener_rule", {
                "listener_arn": Ref("https", "arn"),
                "priority": 100 + index * 10 + offset,
                "action": {"type": "forward", "target_group_arn": Ref(tg, "arn")},
                "condition": {"host_header": {"values": [hosts[role]]}},
            }, ("apps", index, "name"), name=aws_name(ctx.name, app.name, role))
