"""Budget kinds: the AWS Budgets monthly cost budget and its e-mail notifications."""

from __future__ import annotations

from typing import Any

from .model import Api, CfnResource, Call, Encoder, Fmt, Join, Kind, Out, Owner, Props, TagList, fields

NOTIFICATION = fields("notification_type", "comparison_operator", "threshold", "threshold_type")
ACCOUNT_STEP = "_account"  # node ids never start with "_": a plan step the graph does not name


def _number(text: str) -> int | float:
    value = float(text)
    return int(value) if value.is_integer() else value


def _budget(p: Props, v: Encoder) -> dict[str, Any]:
    api = v.target == "api"
    amount = p["limit_amount"] if api else _number(p["limit_amount"])
    if api:
        budget = {"BudgetName": p["name"], "BudgetLimit": {"Amount": amount,
                                                           "Unit": p["limit_unit"]},
                  "TimeUnit": p["time_unit"], "BudgetType": p["budget_type"]}
    else:
        budget = {"BudgetName": p["name"], "BudgetType": p["budget_type"],
                  "TimeUnit": p["time_unit"],
                  "BudgetLimit": {"Amount": amount, "Unit": p["limit_unit"]}}
    notifications = []
    for item in p.get("notification", []):
        notification = NOTIFICATION.pick(item, v.target, v)
        if api:
            notification["Threshold"] = float(notification["Threshold"])  # a double in the API
        notifications.append({
            "Notification": notification,
            "Subscribers": [{"SubscriptionType": "EMAIL", "Address": address}
                            for address in item.get("subscriber_email_addresses", [])]})
    out: dict[str, Any] = {"Budget": budget}
    if notifications or api:
        out["NotificationsWithSubscribers"] = notifications
    return out


_KEY = {"AccountId": Out(ACCOUNT_STEP, "account_id"), "BudgetName": "=name"}

KINDS = [
    Kind("budget", "budget", "aws_budgets_budget",
         CfnResource("AWS::Budgets::Budget", {"id": "Ref"}, tags="ResourceTags"),
         # The Budgets API wants the account id, which Terraform's provider finds by itself.
         Api("budgets", "CreateBudget", tags=TagList("ResourceTags"),
             params={"AccountId": Out(ACCOUNT_STEP, "account_id")},
             find=Call("DescribeBudget", _KEY, {"_budget": "Budget.BudgetName"},
                       missing=("NotFoundException",),
                       owner=Owner("ResourceTags", Call("ListTagsForResource", {
                           "ResourceARN": Join((Fmt("arn:{partition}:budgets::"),
                                                Out(ACCOUNT_STEP, "account_id"),
                                                Fmt(":budget/{name}")))}))),
             undo=Call("DeleteBudget", _KEY, gone=("NotFoundException",)),
             needs_account=True),
         attrs={"id": "id"}, extra=_budget,
         cfn_property={"name": "Budget", "budget_type": "Budget", "time_unit": "Budget",
                       "limit_amount": "Budget", "limit_unit": "Budget",
                       "notification": "NotificationsWithSubscribers"}),
]
