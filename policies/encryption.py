"""Encryption at rest (RDS, ElastiCache, EBS, S3) and in transit (Redis)."""

from __future__ import annotations

from s0c.spec.diagnostics import Severity

from .rule import Context, rule

ERROR, WARNING = Severity.ERROR, Severity.WARNING


@rule("S0C-ENC-001", "RDS storage is encrypted at rest", ERROR,
      """An unencrypted database volume, its snapshots and its read replicas hold trading data in
      the clear; encryption cannot be turned on later without a snapshot-copy-restore.""",
      "Set database.encrypted: true (the default).", "encryption")
def rds_encrypted(ctx: Context):
    for node in ctx.nodes("db_instance"):
        if node.props.get("storage_encrypted") is not True:
            yield rds_encrypted.finding(f"database {node.props.get('identifier')} is not"
                                        " encrypted at rest", ctx.origin(node, "encrypted"),
                                        resource=node.id)


@rule("S0C-ENC-002", "ElastiCache is encrypted at rest", ERROR,
      """Redis snapshots and swap hold session and market state; at-rest encryption can only be
      chosen when the replication group is created.""",
      "Set cache.at_rest_encryption: true (the default).", "encryption")
def cache_encrypted(ctx: Context):
    for node in ctx.nodes("cache_replication_group"):
        if node.props.get("at_rest_encryption_enabled") is not True:
            yield cache_encrypted.finding("Redis is not encrypted at rest",
                                          ctx.origin(node, "at_rest_encryption"), resource=node.id)


@rule("S0C-ENC-003", "EBS volumes are encrypted", ERROR,
      """The host's root volume holds the apps' .env files (database password included) and
      docker images; an unencrypted volume leaks them through every snapshot.""",
      "Set compute.encrypted: true (the default).", "encryption")
def ebs_encrypted(ctx: Context):
    for node in ctx.nodes("instance"):
        root = node.props.get("root_block_device") or {}
        if root.get("encrypted") is not True:
            yield ebs_encrypted.finding("the host's root volume is not encrypted",
                                        ctx.origin(node, "encrypted"), resource=node.id)
    for node in ctx.nodes("ebs_volume"):
        if node.props.get("encrypted") is not True:
            yield ebs_encrypted.finding(f"volume {node.id} is not encrypted", ctx.origin(node),
                                        resource=node.id)


@rule("S0C-ENC-004", "S3 buckets are encrypted", ERROR,
      """Backups and exports in S3 must be encrypted at rest like the database they come from.""",
      "Set encrypted: true on the bucket (the default).", "encryption")
def bucket_encrypted(ctx: Context):
    encrypted = set()
    for node in ctx.nodes("bucket_encryption"):
        bucket = ctx.target(node.props.get("bucket"))
        if bucket is not None:
            encrypted.add(bucket.id)
        default = (node.props.get("rule") or {}).get("apply_server_side_encryption_by_default") or {}
        if default.get("sse_algorithm") not in ("AES256", "aws:kms", "aws:kms:dsse"):
            yield bucket_encrypted.finding("bucket encryption has no algorithm",
                                           ctx.origin(node, "encrypted"), resource=node.id)
    for node in ctx.nodes("bucket"):
        if node.id not in encrypted:
            yield bucket_encrypted.finding(f"bucket {node.props.get('bucket')} is not encrypted",
                                           ctx.origin(node, "encrypted"), resource=node.id)


@rule("S0C-ENC-005", "Redis traffic is encrypted in transit", ERROR,
      """Without TLS, anyone on the VPC path can read order state and session data from Redis
      traffic. Tolerated while developing; not with real money.""",
      """Set cache.transit_encryption: true and have the apps connect with TLS (rediss://);
      s0c writes REDIS_TLS=true into their .env.""", "encryption")
def redis_tls(ctx: Context):
    for node in ctx.nodes("cache_replication_group"):
        if node.props.get("transit_encryption_enabled") is not True:
            yield redis_tls.finding(
                f"Redis traffic is not encrypted in transit ({ctx.spec.mode} mode)",
                ctx.origin(node, "transit_encryption"), resource=node.id,
                severity=ERROR if ctx.live else WARNING)


RULES = [rds_encrypted, cache_encrypted, ebs_encrypted, bucket_encrypted, redis_tls]
