"""PostgreSQL on RDS and Redis on ElastiCache, both in the private subnets."""

from __future__ import annotations

from .graph import Pseudo, Ref, Template
from .naming import Context, aws_name
from .network import private_subnet_refs
from .security import POSTGRES_PORT, REDIS_PORT


def db_identifier(ctx: Context) -> str:
    return aws_name(ctx.name, "postgres")


def cache_id(ctx: Context) -> str:
    return aws_name(ctx.name, "redis", max_len=40)


def final_snapshot_name(resource_name: str) -> Template:
    """``<name>-final`` plus a suffix unique to each creation of the resource (Terraform: the
    creating plan's timestamp), so destroying a re-created database does not collide with the
    snapshot of the one before it. The name is fixed once created (ignore_changes), so an
    unchanged spec plans no change and a destroy uses the name set at creation."""
    return Template((aws_name(resource_name, "final"), Pseudo("created", "")))


def redis_parameter_group(version: str) -> str:
    """ElastiCache's default parameter group family for a Redis engine version."""
    major = int(version.split(".")[0])
    if major >= 7:
        return f"default.redis{major}"
    if major == 6:
        return "default.redis6.x"
    minor = version.split(".")[1] if "." in version else "0"
    return f"default.redis{major}.{minor}"


def lower_database(ctx: Context) -> None:
    db = ctx.spec.database
    ctx.add("db_subnets", "db_subnet_group", {
        "name": aws_name(ctx.name, "db"),
        # Required by RDS and CloudFormation; Terraform would write "Managed by Terraform".
        "description": f"{ctx.name} PostgreSQL subnets",
        "subnet_ids": private_subnet_refs(ctx),
    }, ("network", "private_subnets"), name=aws_name(ctx.name, "db"))
    props = {
        "identifier": db_identifier(ctx),
        "engine": db.engine,
        "engine_version": db.version,
        "instance_class": db.instance_class,
        "allocated_storage": db.storage_gb,
        "storage_type": "gp3",
        "storage_encrypted": db.encrypted,
        "db_name": db.name,
        "username": db.username,
        # RDS generates the password and keeps it in Secrets Manager: it never passes through
        # the spec, the generated files or any state the user has to protect.
        "manage_master_user_password": True,
        "port": POSTGRES_PORT,
        "db_subnet_group_name": Ref("db_subnets", "name"),
        "vpc_security_group_ids": [Ref("sg_db", "id")],
        "publicly_accessible": False,
        "multi_az": db.multi_az,
        "backup_retention_period": db.backup_retention_days,
        "backup_window": "03:00-04:00",
        "maintenance_window": "sun:04:30-sun:05:30",
        "auto_minor_version_upgrade": True,
        "copy_tags_to_snapshot": True,
        "deletion_protection": db.deletion_protection,
        "skip_final_snapshot": not db.final_snapshot,
    }
    if db.max_storage_gb is not None:
        props["max_allocated_storage"] = db.max_storage_gb
    if db.final_snapshot:
        props["final_snapshot_identifier"] = final_snapshot_name(db_identifier(ctx))
    ctx.add("db", "db_instance", props, ("database",), name=db_identifier(ctx),
            ignore_changes=("final_snapshot_identifier",) if db.final_snapshot else ())


def lower_cache(ctx: Context) -> None:
    cache = ctx.spec.cache
    ctx.add("cache_subnets", "cache_subnet_group", {
        "name": aws_name(ctx.name, "cache"),
        "description": f"{ctx.name} Redis subnets",
        "subnet_ids": private_subnet_refs(ctx),
    }, ("network", "private_subnets"), name=aws_name(ctx.name, "cache"))
    replicated = cache.nodes > 1
    ctx.add("cache", "cache_replication_group", {
        "replication_group_id": cache_id(ctx),
        "description": f"{ctx.name} Redis (one DB index per app)",
        "engine": cache.engine,
        "engine_version": cache.version,
        "node_type": cache.node_type,
        "num_cache_clusters": cache.nodes,
        "port": REDIS_PORT,
        "parameter_group_name": redis_parameter_group(cache.version),
        "subnet_group_name": Ref("cache_subnets", "name"),
        "security_group_ids": [Ref("sg_cache", "id")],
        "at_rest_encryption_enabled": cache.at_rest_encryption,
        "transit_encryption_enabled": cache.transit_encryption,
        "automatic_failover_enabled": replicated,
        "multi_az_enabled": replicated,
        "snapshot_retention_limit": 1,
        "maintenance_window": "sun:05:30-sun:06:30",
        "snapshot_window": "02:00-03:00",
        # Deleting the group keeps its keys as a final snapshot (CloudFormation: DeletionPolicy
        # Snapshot), named as the database's is.
        "final_snapshot_identifier": final_snapshot_name(cache_id(ctx)),
    }, ("cache",), name=cache_id(ctx), ignore_changes=("final_snapshot_identifier",))
