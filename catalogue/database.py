"""Database kinds: the RDS PostgreSQL instance and its subnet group."""

from __future__ import annotations

from .model import (Api, CfnResource, Call, Effect, Keep, Kind, Override, Owner, Props, Stateful,
                    TagList, Waiter, fields)


def _keeps(props: Props) -> Keep:
    # Terraform's default (and the API's, given no identifier) is a final snapshot unless told
    # to skip it; s0c always says which. CloudFormation: DeletionPolicy Snapshot, RDS names the
    # snapshot; Terraform: <identifier>-final-<creating plan's timestamp>.
    return Keep.NOTHING if props.get("skip_final_snapshot", True) else Keep.SNAPSHOT


def _delete(props: Props) -> Call:
    params: dict = {"DBInstanceIdentifier": "=identifier"}
    if _keeps(props) is Keep.SNAPSHOT:
        params.update({"SkipFinalSnapshot": False,
                       "FinalDBSnapshotIdentifier": "=final_snapshot_identifier"})
    else:
        params["SkipFinalSnapshot"] = True
    return Call("DeleteDBInstance", params,
                wait=Waiter("DBInstanceDeleted", {"DBInstanceIdentifier": "=identifier"}))


_BY_ID = {"DBInstanceIdentifier": "=identifier"}
_DB_OUTPUTS = {"identifier": "DBInstances[0].DBInstanceIdentifier",
               "address": "DBInstances[0].Endpoint.Address",
               "port": "DBInstances[0].Endpoint.Port",
               "master_user_secret_arn": "DBInstances[0].MasterUserSecret.SecretArn"}

KINDS = [
    Kind("db_subnet_group", "database", "aws_db_subnet_group",
         CfnResource("AWS::RDS::DBSubnetGroup", {"name": "Ref"}),
         Api("rds", "CreateDBSubnetGroup", {"name": "DBSubnetGroup.DBSubnetGroupName"}, TagList(),
             find=Call("DescribeDBSubnetGroups", {"DBSubnetGroupName": "=name"},
                       {"name": "DBSubnetGroups[0].DBSubnetGroupName",
                        "_arn": "DBSubnetGroups[0].DBSubnetGroupArn"},
                       missing=("DBSubnetGroupNotFoundFault",),
                       owner=Owner("TagList", Call("ListTagsForResource",
                                                   {"ResourceName": "@_arn"}))),
             undo=Call("DeleteDBSubnetGroup", {"DBSubnetGroupName": "=name"})),
         fields("name", "description", "subnet_ids", name="DBSubnetGroupName",
                description="DBSubnetGroupDescription"),
         attrs={"name": "name"},
         changes={"subnet_ids": Override(
             reason="the group's subnets change in place, but the database keeps running in the"
                    " subnet it is in: RDS refuses to drop a subnet in use (ModifyDBSubnetGroup:"
                    " SubnetAlreadyInUse / InvalidSubnet), and the old subnet cannot be deleted"
                    " while the database's network interface is in it; move the database first"
                    " (Multi-AZ failover, or a new subnet group)",
             source="https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/"
                    "API_ModifyDBSubnetGroup.html")}),
    Kind("db_instance", "database", "aws_db_instance",
         CfnResource("AWS::RDS::DBInstance",
                     {"address": "Endpoint.Address", "port": "Endpoint.Port", "identifier": "Ref",
                      "master_user_secret_arn": "MasterUserSecret.SecretArn"},
                     as_text=("allocated_storage", "port")),
         Api("rds", "CreateDBInstance", {"identifier": "DBInstance.DBInstanceIdentifier"},
             TagList(),
             find=Call("DescribeDBInstances", _BY_ID,
                       {"identifier": _DB_OUTPUTS["identifier"]},
                       missing=("DBInstanceNotFound", "DBInstanceNotFoundFault"),
                       owner=Owner("DBInstances[0].TagList")),
             wait=Waiter("DBInstanceAvailable", _BY_ID),
             read=Call("DescribeDBInstances", _BY_ID, _DB_OUTPUTS),
             undo=_delete),
         fields("identifier", "engine", "engine_version", "instance_class", "allocated_storage",
                "max_allocated_storage", "storage_type", "storage_encrypted", "db_name",
                "username", "manage_master_user_password", "port", "db_subnet_group_name",
                "publicly_accessible", "multi_az", "backup_retention_period", "backup_window",
                "maintenance_window", "auto_minor_version_upgrade", "copy_tags_to_snapshot",
                "deletion_protection", "vpc_security_group_ids",
                identifier="DBInstanceIdentifier", instance_class="DBInstanceClass",
                db_name="DBName", username="MasterUsername",
                db_subnet_group_name="DBSubnetGroupName", multi_az="MultiAZ",
                backup_window="PreferredBackupWindow",
                maintenance_window="PreferredMaintenanceWindow",
                cfn={"vpc_security_group_ids": "VPCSecurityGroups"},
                api={"vpc_security_group_ids": "VpcSecurityGroupIds"}),
         attrs={"address": "address", "port": "port", "identifier": "identifier",
                "master_user_secret_arn": "master_user_secret[0].secret_arn"},
         stateful=Stateful("the database's tables and rows", _keeps),
         price="rds_instance",
         changes={
             "port": Override(
                 cloudformation=Effect.INTERRUPT, interruption="reboot",
                 reason="RDS reboots the instance at once to change its port (the 2026 registry"
                        " schema no longer lists Port as create-only; the 2023 property page"
                        " still said Replacement)",
                 source="https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/"
                        "USER_ModifyInstance.Settings.html"),
             "skip_final_snapshot": Override(
                 reason="decides whether destroying the database keeps a final snapshot"),
             "final_snapshot_identifier": Override(
                 reason="the name of the final snapshot a destroy takes"),
         }),
]
