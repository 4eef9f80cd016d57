"""Monitoring kinds: the CloudWatch dashboard and alarms, and the SNS topic they notify."""

from __future__ import annotations

from typing import Any

from .model import (USAGE, Api, CfnResource, Call, Encoder, FollowUp, Keep, Kind, Owner, Props,
                    Stateful, TagList, TagMap, Usage, fields)


def _dashboard(p: Props, v: Encoder) -> dict[str, Any]:
    # One JSON string in both; CloudFormation fills its references in with !Sub.
    return {"DashboardBody": v.json_text(p["dashboard_body"])}


def _alarm(p: Props, v: Encoder) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if v.target == "api":
        out["Threshold"] = float(p["threshold"])  # a double in CloudWatch's model
    if "dimensions" in p:
        out["Dimensions"] = [{"Name": k, "Value": v(x)} for k, x in p["dimensions"].items()]
    return out


_ALARM = {"AlarmNames": ["=alarm_name"]}
_LOG_GROUP = {"logGroupNamePrefix": "=name"}

KINDS = [
    Kind("dashboard", "monitoring", "aws_cloudwatch_dashboard",
         CfnResource("AWS::CloudWatch::Dashboard", tags=None),
         # PutDashboard replaces a dashboard of the same name: the find keeps apply from taking
         # over one it did not make (dashboards take no tags: only --adopt proves it).
         Api("cloudwatch", "PutDashboard",
             find=Call("GetDashboard", {"DashboardName": "=dashboard_name"},
                       {"_name": "DashboardName"}, missing=("ResourceNotFound",), owner=Owner()),
             undo=Call("DeleteDashboards", {"DashboardNames": ["=dashboard_name"]},
                       gone=("ResourceNotFound",))),
         fields("dashboard_name", "dashboard_body",
                cfn={"dashboard_body": None}, api={"dashboard_body": None}),
         taggable=False, extra=_dashboard,
         price="cloudwatch_dashboard", cfn_property={"dashboard_body": "DashboardBody"}),
    Kind("metric_alarm", "monitoring", "aws_cloudwatch_metric_alarm",
         CfnResource("AWS::CloudWatch::Alarm", {"arn": "Arn"}),
         # PutMetricAlarm replaces an alarm of the same name: found first, adopted only if ours.
         Api("cloudwatch", "PutMetricAlarm", tags=TagList(),
             find=Call("DescribeAlarms", _ALARM, {"arn": "MetricAlarms[0].AlarmArn"},
                       owner=Owner("Tags", Call("ListTagsForResource", {"ResourceARN": "@arn"}))),
             read=Call("DescribeAlarms", _ALARM, {"arn": "MetricAlarms[0].AlarmArn"}),
             undo=Call("DeleteAlarms", _ALARM)),
         fields("alarm_name", "alarm_description", "namespace", "metric_name", "statistic",
                "period", "evaluation_periods", "threshold", "comparison_operator",
                "treat_missing_data", "alarm_actions", "ok_actions", ok_actions="OKActions"),
         attrs={"arn": "arn"}, extra=_alarm, price="cloudwatch_alarm",
         maps=("tags", "dimensions"),
         cfn_property={"dimensions": "Dimensions"}),
    # CloudWatch Logs bills what is delivered into the group (VPC flow logs are "vended logs"),
    # which only the spec's cost assumption can say.
    Kind("log_group", "monitoring", "aws_cloudwatch_log_group",
         CfnResource("AWS::Logs::LogGroup", {"arn": "Arn", "name": "Ref"}),
         Api("logs", "CreateLogGroup", tags=TagMap(),
             find=Call("DescribeLogGroups", _LOG_GROUP,
                       {"arn": "logGroups[0].logGroupArn", "name": "logGroups[0].logGroupName"},
                       # The find lists by prefix: the name must be the spec's exactly.
                       owner=Owner("tags", Call("ListTagsLogGroup", {"logGroupName": "@name"}),
                                   match={"logGroupName": "logGroups[0].logGroupName"})),
             read=Call("DescribeLogGroups", _LOG_GROUP,
                       {"arn": "logGroups[0].logGroupArn", "name": "logGroups[0].logGroupName"}),
             undo=Call("DeleteLogGroup", {"logGroupName": "=name"},
                       gone=("ResourceNotFoundException",)),
             follow=(FollowUp("retention", "PutRetentionPolicy",
                              {"logGroupName": "=name", "retentionInDays": "=retention_in_days"},
                              when="retention_in_days"),)),
         fields("name", "retention_in_days", name="LogGroupName",
                api={"name": "logGroupName", "retention_in_days": None}),
         attrs={"arn": "arn", "name": "name"},
         # Records are kept for the retention period; deleting the group deletes them
         # (CloudFormation: DeletionPolicy Delete, written out; Terraform: no skip_destroy).
         # Not Retain: the group has a fixed name, so a retained group would make the next
         # deployment of the same spec fail ("already exists") and keep billing for storage
         # nobody manages; export the records (S3) before destroying if they must outlive it.
         stateful=Stateful("the log records", lambda props: Keep.NOTHING),
         price=USAGE, usage=Usage("cloudwatch_logs", "vended_ingestion_gb",
                                  "flow_logs_gb_per_month", "CloudWatch Logs delivery")),
    Kind("sns_topic", "monitoring", "aws_sns_topic",
         CfnResource("AWS::SNS::Topic", {"arn": "Ref"}),
         # CreateTopic returns the existing topic for the same name and attributes.
         Api("sns", "CreateTopic", {"arn": "TopicArn"}, TagList(),
             undo=Call("DeleteTopic", {"TopicArn": "@arn"})),
         fields("name", "kms_master_key_id", cfn={"name": "TopicName"},
                api={"kms_master_key_id": None}),
         attrs={"arn": "arn"},
         extra=lambda p, v: ({"Attributes": {"KmsMasterKeyId": p["kms_master_key_id"]}}
                             if v.target == "api" and "kms_master_key_id" in p else {})),
    # An e-mail subscription stays "pending confirmation" until its owner confirms it; deleting
    # the topic removes it either way.
    Kind("sns_subscription", "monitoring", "aws_sns_topic_subscription",
         CfnResource("AWS::SNS::Subscription", {"arn": "Ref"}, tags=None),
         Api("sns", "Subscribe", {"arn": "SubscriptionArn"},
             params={"ReturnSubscriptionArn": True},
             undo=Call("Unsubscribe", {"SubscriptionArn": "@arn"},
                       gone=("NotFound", "InvalidParameter"))),
         fields("topic_arn", "protocol", "endpoint"),
         taggable=False, attrs={"arn": "arn"}),
]
