"""Graph property -> AWS field name, where CloudFormation and the AWS APIs spell them alike.

The graph uses the Terraform provider's argument names; CloudFormation properties and boto3
parameters mostly use the service API's own names. The tables both backends share live here;
each backend adds only what its target spells differently.
"""

from __future__ import annotations

from typing import Any

DB_INSTANCE = {
    "identifier": "DBInstanceIdentifier", "engine": "Engine", "engine_version": "EngineVersion",
    "instance_class": "DBInstanceClass", "allocated_storage": "AllocatedStorage",
    "max_allocated_storage": "MaxAllocatedStorage", "storage_type": "StorageType",
    "storage_encrypted": "StorageEncrypted", "db_name": "DBName", "username": "MasterUsername",
    "manage_master_user_password": "ManageMasterUserPassword", "port": "Port",
    "db_subnet_group_name": "DBSubnetGroupName", "publicly_accessible": "PubliclyAccessible",
    "multi_az": "MultiAZ", "backup_retention_period": "BackupRetentionPeriod",
    "backup_window": "PreferredBackupWindow", "maintenance_window": "PreferredMaintenanceWindow",
    "auto_minor_version_upgrade": "AutoMinorVersionUpgrade",
    "copy_tags_to_snapshot": "CopyTagsToSnapshot", "deletion_protection": "DeletionProtection",
}

REPLICATION_GROUP = {
    "replication_group_id": "ReplicationGroupId", "description": "ReplicationGroupDescription",
    "engine": "Engine", "engine_version": "EngineVersion", "node_type": "CacheNodeType",
    "num_cache_clusters": "NumCacheClusters", "port": "Port",
    "parameter_group_name": "CacheParameterGroupName", "subnet_group_name": "CacheSubnetGroupName",
    "security_group_ids": "SecurityGroupIds",
    "at_rest_encryption_enabled": "AtRestEncryptionEnabled",
    "transit_encryption_enabled": "TransitEncryptionEnabled",
    "automatic_failover_enabled": "AutomaticFailoverEnabled", "multi_az_enabled": "MultiAZEnabled",
    "snapshot_retention_limit": "SnapshotRetentionLimit", "snapshot_window": "SnapshotWindow",
    "maintenance_window": "PreferredMaintenanceWindow",
}

TARGET_GROUP = {"name": "Name", "protocol": "Protocol", "port": "Port", "vpc_id": "VpcId",
                "target_type": "TargetType"}
HEALTH_CHECK = {
    "enabled": "HealthCheckEnabled", "protocol": "HealthCheckProtocol", "port": "HealthCheckPort",
    "path": "HealthCheckPath", "interval": "HealthCheckIntervalSeconds",
    "timeout": "HealthCheckTimeoutSeconds", "healthy_threshold": "HealthyThresholdCount",
    "unhealthy_threshold": "UnhealthyThresholdCount",
}

METRIC_ALARM = {
    "alarm_name": "AlarmName", "alarm_description": "AlarmDescription", "namespace": "Namespace",
    "metric_name": "MetricName", "statistic": "Statistic", "period": "Period",
    "evaluation_periods": "EvaluationPeriods", "threshold": "Threshold",
    "comparison_operator": "ComparisonOperator", "treat_missing_data": "TreatMissingData",
    "alarm_actions": "AlarmActions", "ok_actions": "OKActions",
}

FIXED_RESPONSE = {"content_type": "ContentType", "message_body": "MessageBody",
                  "status_code": "StatusCode"}
REDIRECT = {"host": "Host", "path": "Path", "port": "Port", "protocol": "Protocol",
            "query": "Query", "status_code": "StatusCode"}
# Listener rule condition block -> (Field, its config key)
CONDITIONS = {"host_header": ("host-header", "HostHeaderConfig"),
              "path_pattern": ("path-pattern", "PathPatternConfig")}

METADATA_OPTIONS = {"http_endpoint": "HttpEndpoint", "http_tokens": "HttpTokens",
                    "http_put_response_hop_limit": "HttpPutResponseHopLimit"}
ROOT_VOLUME = {"volume_type": "VolumeType", "volume_size": "VolumeSize", "encrypted": "Encrypted",
               "delete_on_termination": "DeleteOnTermination"}

BUDGET_NOTIFICATION = {"notification_type": "NotificationType",
                       "comparison_operator": "ComparisonOperator", "threshold": "Threshold",
                       "threshold_type": "ThresholdType"}


def listify(value: Any) -> list[Any]:
    """A block Terraform allows once or repeatedly, as a list."""
    return value if isinstance(value, list) else [value]


def load_balancer_attributes(props: dict[str, Any]) -> list[dict[str, str]]:
    """ELBv2 takes these settings as string key/value attributes, in both CloudFormation and
    the API."""
    out = []
    if "drop_invalid_header_fields" in props:
        out.append({"Key": "routing.http.drop_invalid_header_fields.enabled",
                    "Value": str(props["drop_invalid_header_fields"]).lower()})
    if "enable_deletion_protection" in props:
        out.append({"Key": "deletion_protection.enabled",
                    "Value": str(props["enable_deletion_protection"]).lower()})
    return out


def target_group_attributes(props: dict[str, Any]) -> list[dict[str, str]]:
    if "deregistration_delay" not in props:
        return []
    return [{"Key": "deregistration_delay.timeout_seconds",
             "Value": str(props["deregistration_delay"])}]


def conditions(blocks: Any) -> list[dict[str, Any]]:
    out = []
    for condition in listify(blocks):
        for key, (field, config) in CONDITIONS.items():
            if key in condition:
                out.append({"Field": field, config: {"Values": list(condition[key]["values"])}})
    return out
