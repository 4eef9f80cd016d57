"""Load balancer kinds: the ALB, its listeners, rules, target groups and TLS certificate."""

from __future__ import annotations

from typing import Any

from .model import (Api, CfnFold, CfnResource, CfnStandIn, Call, Effect, Encoder, FollowUp, Fmt,
                    Kind, Override, Owner, Props, TagList, Waiter, fields)

HEALTH_CHECK = fields("enabled", "protocol", "port", "path", "interval", "timeout",
                      "healthy_threshold", "unhealthy_threshold",
                      enabled="HealthCheckEnabled", protocol="HealthCheckProtocol",
                      port="HealthCheckPort", path="HealthCheckPath",
                      interval="HealthCheckIntervalSeconds", timeout="HealthCheckTimeoutSeconds",
                      healthy_threshold="HealthyThresholdCount",
                      unhealthy_threshold="UnhealthyThresholdCount")
FIXED_RESPONSE = fields("content_type", "message_body", "status_code")
REDIRECT = fields("host", "path", "port", "protocol", "query", "status_code")
# Listener rule condition block -> (Field, its config key)
CONDITIONS = {"host_header": ("host-header", "HostHeaderConfig"),
              "path_pattern": ("path-pattern", "PathPatternConfig")}


def listify(value: Any) -> list[Any]:
    """A block Terraform allows once or repeatedly, as a list."""
    return value if isinstance(value, list) else [value]


def action(a: Props, v: Encoder) -> dict[str, Any]:
    out: dict[str, Any] = {"Type": a["type"]}
    if "target_group_arn" in a:
        out["TargetGroupArn"] = v(a["target_group_arn"])
    if "fixed_response" in a:
        out["FixedResponseConfig"] = FIXED_RESPONSE.pick(a["fixed_response"], v.target, v)
    if "redirect" in a:
        out["RedirectConfig"] = REDIRECT.pick(a["redirect"], v.target, v)
    return out


def conditions(blocks: Any) -> list[dict[str, Any]]:
    out = []
    for condition in listify(blocks):
        for key, (field_name, config) in CONDITIONS.items():
            if key in condition:
                out.append({"Field": field_name,
                            config: {"Values": list(condition[key]["values"])}})
    return out


def load_balancer_attributes(p: Props) -> list[dict[str, str]]:
    """ELBv2 takes these settings as string key/value attributes, in CloudFormation and the API."""
    out = []
    if "drop_invalid_header_fields" in p:
        out.append({"Key": "routing.http.drop_invalid_header_fields.enabled",
                    "Value": str(p["drop_invalid_header_fields"]).lower()})
    if "enable_deletion_protection" in p:
        out.append({"Key": "deletion_protection.enabled",
                    "Value": str(p["enable_deletion_protection"]).lower()})
    return out


def target_group_attributes(p: Props) -> list[dict[str, str]]:
    if "deregistration_delay" not in p:
        return []
    return [{"Key": "deregistration_delay.timeout_seconds",
             "Value": str(p["deregistration_delay"])}]


def _load_balancer(p: Props, v: Encoder) -> dict[str, Any]:
    out: dict[str, Any] = {"Scheme": "internal" if p.get("internal") else "internet-facing"}
    # The API sets attributes in a call of their own (a follow-up below).
    if v.target == "cfn" and load_balancer_attributes(p):
        out["LoadBalancerAttributes"] = load_balancer_attributes(p)
    return out


def _target_group(p: Props, v: Encoder) -> dict[str, Any]:
    health = p.get("health_check", {})
    out = HEALTH_CHECK.pick(health, v.target, v)
    if "matcher" in health:
        out["Matcher"] = {"HttpCode": health["matcher"]}
    if v.target == "cfn" and target_group_attributes(p):
        out["TargetGroupAttributes"] = target_group_attributes(p)
    return out


def _listener(p: Props, v: Encoder) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "certificate_arn" in p:
        out["Certificates"] = [{"CertificateArn": v(p["certificate_arn"])}]
    out["DefaultActions"] = [action(a, v) for a in listify(p["default_action"])]
    return out


def _listener_rule(p: Props, v: Encoder) -> dict[str, Any]:
    return {"Conditions": conditions(p["condition"]),
            "Actions": [action(a, v) for a in listify(p["action"])]}


def _lb_attributes(p: Props, v: Encoder) -> dict[str, Any] | None:
    attributes = load_balancer_attributes(p)
    return {"LoadBalancerArn": "@arn", "Attributes": attributes} if attributes else None


def _tg_attributes(p: Props, v: Encoder) -> dict[str, Any] | None:
    attributes = target_group_attributes(p)
    return {"TargetGroupArn": "@arn", "Attributes": attributes} if attributes else None


def _target(p: Props, v: Encoder) -> dict[str, Any]:
    return {"Id": v(p["target_id"]), "Port": p["port"]}


_LB_OUTPUTS = {"arn": "LoadBalancers[0].LoadBalancerArn", "dns_name": "LoadBalancers[0].DNSName",
               "zone_id": "LoadBalancers[0].CanonicalHostedZoneId",
               "arn_suffix": {"path": "LoadBalancers[0].LoadBalancerArn",
                              "match": ":loadbalancer/(.+)$"}}
_TG_OUTPUTS = {"arn": "TargetGroups[0].TargetGroupArn",
               "arn_suffix": {"path": "TargetGroups[0].TargetGroupArn",
                              "match": ":(targetgroup/.+)$"}}
_LB_ARN = {"LoadBalancerArns": ["@arn"]}
# ELBv2 lists tags by ARN, in a call of their own.
_ELB_TAGS = Owner("TagDescriptions[0].Tags", Call("DescribeTags", {"ResourceArns": ["@arn"]}))
_REGISTRATION = {"TargetGroupArn": "=target_group_arn",
                 "Targets": [{"Id": "=target_id", "Port": "=port"}]}

KINDS = [
    Kind("load_balancer", "load_balancer", "aws_lb",
         CfnResource("AWS::ElasticLoadBalancingV2::LoadBalancer",
                     {"arn": "Ref", "dns_name": "DNSName", "zone_id": "CanonicalHostedZoneID",
                      "arn_suffix": "LoadBalancerFullName"}),
         Api("elbv2", "CreateLoadBalancer", _LB_OUTPUTS, TagList(),
             find=Call("DescribeLoadBalancers", {"Names": ["=name"]}, _LB_OUTPUTS,
                       missing=("LoadBalancerNotFound",), owner=_ELB_TAGS),
             wait=Waiter("LoadBalancerAvailable", _LB_ARN),
             undo=Call("DeleteLoadBalancer", {"LoadBalancerArn": "@arn"},
                       wait=Waiter("LoadBalancersDeleted", _LB_ARN)),
             follow=(FollowUp("attributes", "ModifyLoadBalancerAttributes", _lb_attributes),)),
         fields("name", "load_balancer_type", "security_groups", "subnets",
                load_balancer_type="Type",
                api_order=("name", "subnets", "security_groups", "load_balancer_type")),
         attrs={"arn": "arn", "dns_name": "dns_name", "zone_id": "zone_id",
                "arn_suffix": "arn_suffix"},
         extra=_load_balancer, price="load_balancer",
         cfn_property={"internal": "Scheme",
                       "drop_invalid_header_fields": "LoadBalancerAttributes",
                       "enable_deletion_protection": "LoadBalancerAttributes"}),
    Kind("target_group", "load_balancer", "aws_lb_target_group",
         CfnResource("AWS::ElasticLoadBalancingV2::TargetGroup",
                     {"arn": "Ref", "arn_suffix": "TargetGroupFullName"}),
         Api("elbv2", "CreateTargetGroup", _TG_OUTPUTS, TagList(),
             find=Call("DescribeTargetGroups", {"Names": ["=name"]}, _TG_OUTPUTS,
                       missing=("TargetGroupNotFound",), owner=_ELB_TAGS),
             undo=Call("DeleteTargetGroup", {"TargetGroupArn": "@arn"}),
             follow=(FollowUp("attributes", "ModifyTargetGroupAttributes", _tg_attributes),)),
         fields("name", "protocol", "port", "vpc_id", "target_type"),
         attrs={"arn": "arn", "arn_suffix": "arn_suffix"}, extra=_target_group,
         cfn_property={"deregistration_delay": "TargetGroupAttributes",
                       **{f"health_check.{name}": spelled
                          for name, spelled in HEALTH_CHECK.spelling("cfn").items()},
                       "health_check.matcher": "Matcher"}),
    Kind("target_group_attachment", "load_balancer", "aws_lb_target_group_attachment",
         CfnFold("target_group_arn", "target_group", "Targets", _target, many=True),
         Api("elbv2", "RegisterTargets", params=_REGISTRATION,
             undo=Call("DeregisterTargets", _REGISTRATION,
                       gone=("TargetGroupNotFound", "InvalidTarget"))),
         fields("target_group_arn", "target_id", "port", api={"target_group_arn": None,
                                                              "target_id": None, "port": None}),
         taggable=False, attrs={"id": "id"},
         cfn_property={name: "AWS::ElasticLoadBalancingV2::TargetGroup.Targets"
                       for name in ("target_group_arn", "target_id", "port")}),
    Kind("listener", "load_balancer", "aws_lb_listener",
         CfnResource("AWS::ElasticLoadBalancingV2::Listener", {"arn": "Ref"}),
         Api("elbv2", "CreateListener", {"arn": "Listeners[0].ListenerArn"}, TagList(),
             find=Call("DescribeListeners", {"LoadBalancerArn": "=load_balancer_arn"},
                       {"arn": Fmt("Listeners[?Port==`{port}`] | [0].ListenerArn")}),
             undo=Call("DeleteListener", {"ListenerArn": "@arn"}, gone=("ListenerNotFound",))),
         fields("load_balancer_arn", "port", "protocol", "ssl_policy",
                api_order=("load_balancer_arn", "protocol", "port", "ssl_policy")),
         attrs={"arn": "arn"}, extra=_listener,
         cfn_property={"certificate_arn": "Certificates", "default_action": "DefaultActions"}),
    Kind("listener_rule", "load_balancer", "aws_lb_listener_rule",
         CfnResource("AWS::ElasticLoadBalancingV2::ListenerRule", {"arn": "Ref"}),
         Api("elbv2", "CreateRule", {"arn": "Rules[0].RuleArn"}, TagList(),
             find=Call("DescribeRules", {"ListenerArn": "=listener_arn"},
                       {"arn": Fmt("Rules[?Priority=='{priority}'] | [0].RuleArn")}),
             undo=Call("DeleteRule", {"RuleArn": "@arn"}, gone=("RuleNotFound",))),
         fields("listener_arn", "priority"),
         attrs={"arn": "arn"}, extra=_listener_rule,
         cfn_property={"condition": "Conditions", "action": "Actions"}),
    Kind("certificate", "load_balancer", "aws_acm_certificate",
         CfnResource("AWS::CertificateManager::Certificate", {"arn": "Ref"}),
         # ACM returns the same certificate for the same token within an hour: a resumed run
         # does not request a second one.
         Api("acm", "RequestCertificate", {"arn": "CertificateArn"}, TagList(), token=32,
             token_param="IdempotencyToken",
             undo=Call("DeleteCertificate", {"CertificateArn": "@arn"})),
         fields("domain_name", "subject_alternative_names", "validation_method"),
         attrs={"arn": "arn"},
         # s0c requests (never imports) certificates: the provider's CustomizeDiff replaces a
         # requested certificate on any name change.
         changes={name: Override(terraform=Effect.REPLACE,
                                 reason="a requested certificate is re-requested and validated"
                                        " again for new names")
                  for name in ("domain_name", "subject_alternative_names")}),
    # CloudFormation itself waits for DNS validation before it completes the certificate.
    Kind("certificate_validation", "load_balancer", "aws_acm_certificate_validation",
         CfnStandIn("prop", "certificate_arn"),
         Api("acm", "DescribeCertificate", {"certificate_arn": "Certificate.CertificateArn"},
             wait=Waiter("CertificateValidated", {"CertificateArn": "=certificate_arn"}),
             hint="waiting for ACM DNS validation: create the CNAME records that"
                  " `aws acm describe-certificate` lists for this certificate"),
         fields("certificate_arn"), taggable=False, attrs={"certificate_arn": "certificate_arn"}),
]
