"""CloudWatch dashboard and alarms, the alarm topic, and the AWS Budgets budget."""

from __future__ import annotations

from typing import Any

from .graph import Json, Ref, Template
from .naming import Context, aws_name, ident


def _widget(x: int, y: int, title: str, metrics: list[list[Any]], stat: str, region: Any) -> dict:
    return {"type": "metric", "x": x, "y": y, "width": 12, "height": 6,
            "properties": {"title": title, "metrics": metrics, "period": 300, "stat": stat,
                           "region": region, "view": "timeSeries"}}


def _primary_cache_node() -> Template:
    # A cluster-mode-disabled replication group names its first node "<group id>-001".
    return Template((Ref("cache", "id"), "-001"))


def _dashboard(ctx: Context) -> Json:
    region = ctx.region  # the dashboard shows the region it is deployed to
    db = Ref("db", "identifier")
    redis_node = _primary_cache_node()
    alb = Ref("alb", "arn_suffix")
    health = []
    for app in ctx.spec.apps:
        for role in ("api", "web"):
            health.append(["AWS/ApplicationELB", "HealthyHostCount", "TargetGroup",
                           Ref(ident("tg", app.name, role), "arn_suffix"), "LoadBalancer", alb,
                           {"label": f"{app.name} {role}"}])
    widgets = [
        _widget(0, 0, "App host", [
            ["AWS/EC2", "CPUUtilization", "InstanceId", Ref("host", "id")],
            ["AWS/EC2", "NetworkIn", "InstanceId", Ref("host", "id")],
            ["AWS/EC2", "NetworkOut", "InstanceId", Ref("host", "id")],
        ], "Average", region),
        _widget(12, 0, "PostgreSQL", [
            ["AWS/RDS", "CPUUtilization", "DBInstanceIdentifier", db],
            ["AWS/RDS", "DatabaseConnections", "DBInstanceIdentifier", db],
            ["AWS/RDS", "FreeStorageSpace", "DBInstanceIdentifier", db, {"yAxis": "right"}],
        ], "Average", region),
        _widget(0, 6, "Redis", [
            ["AWS/ElastiCache", "EngineCPUUtilization", "CacheClusterId", redis_node],
            ["AWS/ElastiCache", "DatabaseMemoryUsagePercentage", "CacheClusterId", redis_node],
            ["AWS/ElastiCache", "CurrConnections", "CacheClusterId", redis_node,
             {"yAxis": "right"}],
        ], "Average", region),
        _widget(12, 6, "Load balancer", [
            ["AWS/ApplicationELB", "RequestCount", "LoadBalancer", alb],
            ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "LoadBalancer", alb],
            ["AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "LoadBalancer", alb],
        ], "Sum", region),
        _widget(0, 12, "Healthy targets per app", health, "Minimum", region),
    ]
    return Json({"widgets": widgets})


def _alarm(ctx: Context, id: str, description: str, namespace: str, metric: str,
           dimensions: dict[str, Any], statistic: str, comparison: str, threshold: float,
           origin: tuple, *, period: int = 300, periods: int = 2) -> None:
    name = aws_name(ctx.name, id.replace("_", "-"), max_len=255)
    props: dict[str, Any] = {
        "alarm_name": name,
        "alarm_description": description,
        "namespace": namespace,
        "metric_name": metric,
        "dimensions": dimensions,
        "statistic": statistic,
        "period": period,
        "evaluation_periods": periods,
        "comparison_operator": comparison,
        "threshold": threshold,
        "treat_missing_data": "missing",
    }
    if ctx.spec.monitoring.notify:
        props["alarm_actions"] = [Ref("alarm_topic", "arn")]
        props["ok_actions"] = [Ref("alarm_topic", "arn")]
    ctx.add(id, "metric_alarm", props, origin, name=name)


def lower_monitoring(ctx: Context) -> None:
    spec = ctx.spec
    mon = spec.monitoring
    if mon.notify:
        topic = aws_name(ctx.name, "alarms", max_len=256)
        ctx.add("alarm_topic", "sns_topic", {"name": topic, "kms_master_key_id": "alias/aws/sns"},
                ("monitoring", "notify"), name=topic)
        for index, email in enumerate(mon.notify):
            ctx.add(f"alarm_email_{index}", "sns_subscription", {
                "topic_arn": Ref("alarm_topic", "arn"), "protocol": "email", "endpoint": email,
            }, ("monitoring", "notify", index))

    ctx.add("dashboard", "dashboard", {"dashboard_name": ctx.name, "dashboard_body": _dashboard(ctx)},
            ("monitoring",))
    cpu = mon.cpu_alarm_percent
    host = {"InstanceId": Ref("host", "id")}
    _alarm(ctx, "host_cpu_alarm", f"App host CPU above {cpu:g}% for 10 minutes", "AWS/EC2",
           "CPUUtilization", host, "Average", "GreaterThanThreshold", cpu,
           ("monitoring", "cpu_alarm_percent"))
    _alarm(ctx, "host_status_alarm", "App host failed an EC2 status check", "AWS/EC2",
           "StatusCheckFailed", host, "Maximum", "GreaterThanOrEqualToThreshold", 1,
           ("compute",), period=60)
    db = {"DBInstanceIdentifier": Ref("db", "identifier")}
    _alarm(ctx, "db_cpu_alarm", f"PostgreSQL CPU above {cpu:g}% for 10 minutes", "AWS/RDS",
           "CPUUtilization", db, "Average", "GreaterThanThreshold", cpu,
           ("monitoring", "cpu_alarm_percent"))
    free_bytes = int(spec.database.storage_gb * 0.1 * 1024 ** 3)
    _alarm(ctx, "db_storage_alarm", "PostgreSQL free storage below 10% of allocated", "AWS/RDS",
           "FreeStorageSpace", db, "Minimum", "LessThanThreshold", free_bytes, ("database",))
    _alarm(ctx, "cache_cpu_alarm", f"Redis engine CPU above {cpu:g}% for 10 minutes",
           "AWS/ElastiCache", "EngineCPUUtilization", {"CacheClusterId": _primary_cache_node()},
           "Average", "GreaterThanThreshold", cpu, ("monitoring", "cpu_alarm_percent"))
    for index, app in enumerate(spec.apps):
        for role in ("api", "web"):
            _alarm(ctx, ident(app.name, role, "unhealthy_alarm"),
                   f"{app.name} {role} has no healthy target", "AWS/ApplicationELB",
                   "HealthyHostCount",
                   {"TargetGroup": Ref(ident("tg", app.name, role), "arn_suffix"),
                    "LoadBalancer": Ref("alb", "arn_suffix")},
                   "Minimum", "LessThanThreshold", 1, ("apps", index, f"{role}_port"),
                   period=60, periods=3)


def _amount(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def lower_budget(ctx: Context) -> None:
    budget = ctx.spec.budget
    notifications = [{
        "comparison_operator": "GREATER_THAN",
        "threshold": threshold,
        "threshold_type": "ABSOLUTE_VALUE",
        "notification_type": "ACTUAL",
        "subscriber_email_addresses": list(budget.notify),
    } for threshold in sorted(budget.alerts_usd)]
    if budget.notify:
        notifications.append({
            "comparison_operator": "GREATER_THAN",
            "threshold": 100,
            "threshold_type": "PERCENTAGE",
            "notification_type": "FORECASTED",
            "subscriber_email_addresses": list(budget.notify),
        })
    name = aws_name(ctx.name, "monthly", max_len=100)
    props: dict[str, Any] = {
        "name": name,
        "budget_type": "COST",
        "limit_amount": _amount(budget.monthly_usd),
        "limit_unit": "USD",
        "time_unit": "MONTHLY",
    }
    if notifications:
        props["notification"] = notifications
    ctx.add("budget", "budget", props, ("budget",), name=name)
