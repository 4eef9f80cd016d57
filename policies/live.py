"""Safeguards that live trading needs and development may skip."""

from __future__ import annotations

from s0c.spec.diagnostics import Severity

from .rule import Context, rule

ERROR, WARNING = Severity.ERROR, Severity.WARNING
MIN_BACKUP_DAYS = 7


@rule("S0C-LIVE-001", "Live databases have deletion protection", ERROR,
      """One mistaken destroy or console click would drop the trading history.""",
      "Set database.deletion_protection: true for mode: live.", "live")
def deletion_protection(ctx: Context):
    if ctx.live:
        for node in ctx.nodes("db_instance"):
            if node.props.get("deletion_protection") is not True:
                yield deletion_protection.finding("live database has no deletion protection",
                                                  ctx.origin(node, "deletion_protection"),
                                                  resource=node.id)


@rule("S0C-LIVE-002", f"Live databases keep backups for at least {MIN_BACKUP_DAYS} days", ERROR,
      """Point-in-time recovery reaches back only as far as the backup retention: a problem found
      on Monday must still be recoverable from last week's trading.""",
      f"Set database.backup_retention_days to {MIN_BACKUP_DAYS} or more for mode: live.", "live")
def backups(ctx: Context):
    if ctx.live:
        for node in ctx.nodes("db_instance"):
            days = node.props.get("backup_retention_period", 0)
            if not isinstance(days, int) or days < MIN_BACKUP_DAYS:
                yield backups.finding(f"live database keeps backups for {days} days",
                                      ctx.origin(node, "backup_retention_days"), resource=node.id)


@rule("S0C-LIVE-003", "Live databases take a final snapshot", ERROR,
      """Without a final snapshot, deleting the database deletes its automated backups too.""",
      "Set database.final_snapshot: true for mode: live.", "live")
def final_snapshot(ctx: Context):
    if ctx.live:
        for node in ctx.nodes("db_instance"):
            if node.props.get("skip_final_snapshot") is not False:
                yield final_snapshot.finding("live database would be deleted without a final"
                                             " snapshot", ctx.origin(node, "final_snapshot"),
                                             resource=node.id)


@rule("S0C-LIVE-004", "Live alarms notify someone", ERROR,
      """An alarm with no action changes colour on a dashboard nobody watches at 3 a.m.""",
      "Add at least one address to monitoring.notify for mode: live.", "live", "monitoring")
def alarm_targets(ctx: Context):
    if not ctx.live:
        return
    silent = [node for node in ctx.nodes("metric_alarm") if not node.props.get("alarm_actions")]
    if silent:
        names = ", ".join(node.id for node in silent)
        yield alarm_targets.finding(f"{len(silent)} alarm(s) notify nobody: {names}",
                                    ("monitoring", "notify"), resource=silent[0].id)


@rule("S0C-LIVE-005", "Live databases are Multi-AZ", WARNING,
      """A single-AZ database is down for the whole of an AZ outage or a maintenance reboot,
      during market hours if that is when it happens.""",
      "Set database.multi_az: true for mode: live (it doubles the database's cost).", "live")
def multi_az(ctx: Context):
    if ctx.live:
        for node in ctx.nodes("db_instance"):
            if node.props.get("multi_az") is not True:
                yield multi_az.finding("live database runs in a single AZ",
                                       ctx.origin(node, "multi_az"), resource=node.id)


@rule("S0C-LIVE-006", "Live Redis has a replica to fail over to", WARNING,
      """A one-node replication group loses its data and is unreachable while ElastiCache replaces
      a failed node; with a replica it fails over automatically in another AZ.""",
      "Set cache.nodes: 2 or more for mode: live (s0c then turns on automatic failover).", "live")
def cache_replica(ctx: Context):
    if ctx.live:
        for node in ctx.nodes("cache_replication_group"):
            if node.props.get("automatic_failover_enabled") is not True:
                yield cache_replica.finding("live Redis has no replica: no automatic failover",
                                            ctx.origin(node, "nodes"), resource=node.id)


@rule("S0C-LIVE-007", "Live VPCs record flow logs", WARNING,
      """After a suspicious order or a leaked key, flow logs are the only record of which address
      talked to the host, the database or the broker's API, and when; they cannot be turned on
      after the fact.""",
      "Set network.flow_logs: true for mode: live (CloudWatch Logs charges per GB delivered:"
      " see cost.flow_logs_gb_per_month).", "live", "network")
def flow_logs(ctx: Context):
    if ctx.live and not ctx.nodes("flow_log"):
        yield flow_logs.finding("live VPC has no flow logs", ("network", "flow_logs"),
                                resource="vpc")


RULES = [deletion_protection, backups, final_snapshot, alarm_targets, multi_az, cache_replica,
         flow_logs]
