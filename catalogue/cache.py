"""Cache kinds: the ElastiCache Redis replication group and its subnet group."""

from __future__ import annotations

from .model import (Api, CfnResource, Call, Keep, Kind, Override, Owner, Props, Stateful, TagList,
                    Waiter, fields)

# ElastiCache lists a resource's tags by its ARN (the find's ``_arn``).
_TAGS = Owner("TagList", Call("ListTagsForResource", {"ResourceName": "@_arn"}))

_BY_ID = {"ReplicationGroupId": "=replication_group_id"}

def _delete_group(props: Props) -> Call:
    # The final snapshot Terraform and CloudFormation take: named per creation, as the
    # database's (compiler.data_tier.final_snapshot_name).
    params = dict(_BY_ID)
    if props.get("final_snapshot_identifier"):
        params["FinalSnapshotIdentifier"] = "=final_snapshot_identifier"
    return Call("DeleteReplicationGroup", params, wait=Waiter("ReplicationGroupDeleted", _BY_ID))


KINDS = [
    Kind("cache_subnet_group", "cache", "aws_elasticache_subnet_group",
         CfnResource("AWS::ElastiCache::SubnetGroup", {"name": "Ref"}),
         Api("elasticache", "CreateCacheSubnetGroup",
             {"name": "CacheSubnetGroup.CacheSubnetGroupName"}, TagList(),
             find=Call("DescribeCacheSubnetGroups", {"CacheSubnetGroupName": "=name"},
                       {"name": "CacheSubnetGroups[0].CacheSubnetGroupName",
                        "_arn": "CacheSubnetGroups[0].ARN"},
                       missing=("CacheSubnetGroupNotFoundFault",), owner=_TAGS),
             undo=Call("DeleteCacheSubnetGroup", {"CacheSubnetGroupName": "=name"})),
         fields("name", "description", "subnet_ids", name="CacheSubnetGroupName",
                cfn={"description": "Description"},
                api={"description": "CacheSubnetGroupDescription"}),
         attrs={"name": "name"},
         changes={"subnet_ids": Override(
             reason="the group's subnets change in place, but the cache nodes stay in the subnet"
                    " they are in: ElastiCache refuses to drop a subnet in use"
                    " (ModifyCacheSubnetGroup: SubnetInUse / InvalidSubnet), and the old subnet"
                    " cannot be deleted while a node's network interface is in it",
             source="https://docs.aws.amazon.com/AmazonElastiCache/latest/APIReference/"
                    "API_ModifyCacheSubnetGroup.html")}),
    Kind("cache_replication_group", "cache", "aws_elasticache_replication_group",
         CfnResource("AWS::ElastiCache::ReplicationGroup",
                     {"id": "Ref", "primary_endpoint": "PrimaryEndPoint.Address"}),
         Api("elasticache", "CreateReplicationGroup",
             {"id": "ReplicationGroup.ReplicationGroupId"}, TagList(),
             find=Call("DescribeReplicationGroups", _BY_ID,
                       {"id": "ReplicationGroups[0].ReplicationGroupId",
                        "_arn": "ReplicationGroups[0].ARN"},
                       missing=("ReplicationGroupNotFoundFault",), owner=_TAGS),
             wait=Waiter("ReplicationGroupAvailable", _BY_ID),
             read=Call("DescribeReplicationGroups", _BY_ID, {
                 "primary_endpoint": "ReplicationGroups[0].NodeGroups[0].PrimaryEndpoint.Address"}),
             undo=_delete_group),
         fields("replication_group_id", "description", "engine", "engine_version", "node_type",
                "num_cache_clusters", "port", "parameter_group_name", "subnet_group_name",
                "security_group_ids", "at_rest_encryption_enabled", "transit_encryption_enabled",
                "automatic_failover_enabled", "multi_az_enabled", "snapshot_retention_limit",
                "snapshot_window", "maintenance_window",
                description="ReplicationGroupDescription", node_type="CacheNodeType",
                parameter_group_name="CacheParameterGroupName",
                subnet_group_name="CacheSubnetGroupName", multi_az_enabled="MultiAZEnabled",
                maintenance_window="PreferredMaintenanceWindow"),
         attrs={"id": "id", "primary_endpoint": "primary_endpoint_address"},
         # A final snapshot keeps the keys when the group is deleted or replaced (Terraform's
         # final_snapshot_identifier; CloudFormation's DeletionPolicy Snapshot).
         stateful=Stateful("the cached keys (every app's Redis DB)",
                           lambda props: Keep.SNAPSHOT if props.get("final_snapshot_identifier")
                           else Keep.NOTHING),
         price="elasticache_node",
         changes={"final_snapshot_identifier": Override(
             reason="the name of the final snapshot a destroy takes")}),
]
