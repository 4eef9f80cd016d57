"""The environment spec: pydantic v2 models in the team's vocabulary (not AWS's).

Every model forbids unknown keys and validates strictly (``"8000"`` is not a port). Checks that
need more than one field (subnets inside the VPC, distinct ports, ...) live in
:mod:`s0c.spec.checks` so they can point at the exact offending item.
"""

from __future__ import annotations

import datetime
import ipaddress
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError


class _Model(BaseModel):
    # allow_inf_nan=False: .inf and .nan are YAML floats, never a size, a threshold or a price.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


def _pattern(regex: str, what: str):
    compiled = re.compile(regex)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise PydanticCustomError("pattern", "{value} is not a valid {what}",
                                      {"value": repr(value), "what": what})
        return value
    return AfterValidator(check)


def _cidr(value: str) -> str:
    try:
        network = ipaddress.IPv4Network(value, strict=True)
    except ValueError as exc:
        raise PydanticCustomError("cidr", "{value} is not a valid IPv4 CIDR: {reason}",
                                  {"value": repr(value), "reason": str(exc)}) from None
    if "/" not in value:
        raise PydanticCustomError("cidr", "{value} needs a prefix length (e.g. {value}/32)",
                                  {"value": value})
    return str(network)


def _no_double_hyphen(value: str) -> str:
    if "--" in value:
        raise PydanticCustomError("name", "{value} must not contain '--' (RDS and ElastiCache"
                                  " identifiers reject it)", {"value": repr(value)})
    return value


Cidr = Annotated[str, AfterValidator(_cidr)]
EnvName = Annotated[str, _pattern(r"[a-z][a-z0-9-]{0,22}[a-z0-9]",
                                  "name (2-24 chars: lowercase letters, digits, '-')"),
                    AfterValidator(_no_double_hyphen)]
AppName = Annotated[str, _pattern(r"[a-z][a-z0-9-]{0,18}[a-z0-9]",
                                  "app name (2-20 chars: lowercase letters, digits, '-')"),
                    AfterValidator(_no_double_hyphen)]
Region = Annotated[str, _pattern(r"[a-z]{2}(-gov)?-[a-z]+-[0-9]", "AWS region (e.g. us-east-1)")]
Email = Annotated[str, _pattern(r"[^@\s]+@[^@\s]+\.[^@\s]+", "email address")]
Hostname = Annotated[str, _pattern(
    r"(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}", "DNS name (lowercase)")]
Port = Annotated[int, Field(ge=1, le=65535)]
EnvKey = Annotated[str, _pattern(r"[A-Z_][A-Z0-9_]{0,127}", "environment variable name")]
TagKey = Annotated[str, Field(min_length=1, max_length=128)]
TagValue = Annotated[str, Field(max_length=256)]


# Literals rather than Enums: strict validation wants Enum instances, YAML gives strings.
Mode = Literal["development", "testing", "live"]
NatMode = Literal["single", "per_az", "none"]


def _whole_cents(value: float) -> float:
    # The Budgets API takes any decimal string; s0c writes amounts to the cent, so an amount
    # with more decimals would silently become another one (0.001 -> "0").
    if round(value, 2) != value:
        raise PydanticCustomError("cents", "{value} has more than 2 decimals: amounts are USD in"
                                  " whole cents", {"value": repr(value)})
    return value


Usd = Annotated[float, Field(ge=0.01, le=1_000_000_000), AfterValidator(_whole_cents)]


class Budget(_Model):
    monthly_usd: Usd = Field(description="Monthly cost budget in USD (whole cents).")
    # AWS Budgets allows 5 notifications per budget; s0c adds a forecast alert as the fifth.
    alerts_usd: list[Usd] = Field(
        default_factory=list, max_length=4,
        description="Actual-spend thresholds (USD) that send an email.")
    notify: list[Email] = Field(default_factory=list, max_length=10,
                                description="Who receives budget alerts.")


class Network(_Model):
    cidr: Cidr
    availability_zones: int = Field(ge=1, le=6, description="AZs to spread subnets over (RDS and"
                                    " the load balancer need at least 2: rule S0C-NET-011).")
    public_subnets: list[Cidr] = Field(description="One per availability zone, in AZ order.")
    private_subnets: list[Cidr] = Field(description="One per availability zone, in AZ order.")
    nat: NatMode = "single"
    admin_cidrs: list[Cidr] = Field(default_factory=list,
                                    description="Who may SSH to the host; empty = SSM only.")
    flow_logs: bool = Field(default=False, description="VPC flow logs (all traffic) to a"
                            " CloudWatch log group: who talked to what, after an incident.")
    flow_logs_retention_days: Literal[1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545,
                                      731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] = Field(
        default=90, description="Days the flow log group keeps records (CloudWatch Logs' values).")


class Database(_Model):
    engine: Literal["postgres"] = "postgres"
    version: Annotated[str, _pattern(r"[0-9]+(\.[0-9]+)?", "engine version (e.g. 15 or 15.8)")]
    instance_class: Annotated[str, _pattern(r"db\.[a-z0-9-]+\.[a-z0-9]+", "DB instance class")]
    storage_gb: int = Field(ge=20, le=65536)
    max_storage_gb: int | None = Field(default=None, le=65536,
                                       description="Storage autoscaling ceiling; omit to disable.")
    name: Annotated[str, _pattern(r"[A-Za-z][A-Za-z0-9_]{0,62}", "database name")]
    username: Annotated[str, _pattern(r"[A-Za-z][A-Za-z0-9_]{0,62}", "database user name")]
    encrypted: bool = True
    backup_retention_days: int = Field(default=7, ge=0, le=35)
    multi_az: bool = False
    deletion_protection: bool = True
    final_snapshot: bool = Field(default=True, description="Take a snapshot when destroyed.")
    allowed_cidrs: list[Cidr] = Field(
        default_factory=list, max_length=20,
        description="Extra networks (a VPN, a peered VPC) that may connect on 5432, besides the"
                    " app host. Never the internet: rule S0C-NET-010.")


class Cache(_Model):
    engine: Literal["redis"] = "redis"
    version: Annotated[str, _pattern(r"[0-9]+(\.[0-9]+)?", "engine version (e.g. 7.1)")]
    node_type: Annotated[str, _pattern(r"cache\.[a-z0-9-]+\.[a-z0-9]+", "cache node type")]
    nodes: int = Field(default=1, ge=1, le=6)
    at_rest_encryption: bool = True
    transit_encryption: bool = True
    allowed_cidrs: list[Cidr] = Field(
        default_factory=list, max_length=20,
        description="Extra networks (a VPN, a peered VPC) that may connect on 6379, besides the"
                    " app host. Never the internet: rule S0C-NET-010.")


class KeyPair(_Model):
    name: Annotated[str, _pattern(r"[A-Za-z0-9][A-Za-z0-9._-]{0,254}", "key pair name")]
    public_key_file: str = Field(min_length=1, description="Relative to the spec file.")


IamAction = Annotated[str, _pattern(r"\*|[a-z0-9-]+:[A-Za-z0-9*?]+", "IAM action (service:Action)")]
IamResource = Annotated[str, _pattern(r"\*|arn:[^\s]+", "IAM resource (an ARN or *)")]


class IamStatement(_Model):
    """A statement added to the app host's role, e.g. read and write one S3 bucket."""

    sid: Annotated[str, _pattern(r"[A-Za-z0-9]{1,100}", "statement id (letters and digits)")
                   ] | None = None
    effect: Literal["Allow", "Deny"] = "Allow"
    actions: list[IamAction] = Field(min_length=1, max_length=100)
    resources: list[IamResource] = Field(min_length=1, max_length=100)


class Compute(_Model):
    instance_type: Annotated[str, _pattern(r"[a-z][a-z0-9-]*\.[a-z0-9-]+", "EC2 instance type")]
    volume_gb: int = Field(default=30, ge=8, le=16384)
    encrypted: bool = Field(default=True, description="Encrypt the root volume (rule S0C-ENC-003).")
    iam_statements: list[IamStatement] = Field(
        default_factory=list, max_length=20,
        description="Extra permissions for the host's role; no wildcard actions (S0C-IAM-001).")
    key_pair: KeyPair | None = None
    detailed_monitoring: bool = True


class LoadBalancer(_Model):
    domain: Hostname = Field(description="Apps are served at <app>.<domain> (web) and"
                             " <app>-api.<domain> (API).")
    certificate_arn: Annotated[str, _pattern(r"arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:"
                                             r"certificate/[A-Za-z0-9-]+", "ACM certificate ARN")
                               ] | None = Field(default=None, description="Use an existing"
                                                " certificate instead of requesting one.")


SecretRef = Annotated[str, _pattern(r"(ssm:/[A-Za-z0-9_.\-/]+|secretsmanager:[A-Za-z0-9/_+=.@-]+)",
                                    "secret reference (ssm:/path or secretsmanager:name)")]


class App(_Model):
    name: AppName
    repo: Annotated[str, Field(min_length=1, max_length=2048)]
    branch: Annotated[str, Field(min_length=1, max_length=255)] | None = None
    api_port: Port
    web_port: Port
    # Redis's default is 16 DBs (0..15); the range and uniqueness are rule S0C-APP-001.
    redis_db: int = Field(ge=0)
    health_path: Annotated[str, _pattern(r"/[^\s]*", "URL path")] = "/health"
    web_health_path: Annotated[str, _pattern(r"/[^\s]*", "URL path")] = "/"
    env: dict[EnvKey, Annotated[str, Field(max_length=4096)]] = Field(
        default_factory=dict, description="Extra non-secret variables for the app's .env.")
    secrets: dict[EnvKey, SecretRef] = Field(
        default_factory=dict, description="Variables fetched at boot from SSM or Secrets Manager.")


class Bucket(_Model):
    """A private S3 bucket (backups, exports) the host may read and write."""

    name: Annotated[str, _pattern(r"[a-z0-9][a-z0-9-]{0,30}[a-z0-9]",
                                  "bucket name suffix (2-32 chars: lowercase letters, digits,"
                                  " '-')")] = Field(description="The bucket is named"
                                                    " <environment name>-<name>.")
    encrypted: bool = Field(default=True, description="Default encryption SSE-S3 (S0C-ENC-004).")
    versioning: bool = Field(default=True, description="Keep every version of every object.")


class Monitoring(_Model):
    cpu_alarm_percent: float = Field(default=80, gt=0, le=100)
    notify: list[Email] = Field(default_factory=list, description="Emails subscribed to alarms.")


def _valid_date(value: str) -> str:
    try:
        datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise PydanticCustomError("date", "{value} is not a date: {reason}",
                                  {"value": repr(value), "reason": str(exc)}) from None
    return value


IsoDate = Annotated[str, _pattern(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", "date (YYYY-MM-DD)"),
                    AfterValidator(_valid_date)]


class Suppression(_Model):
    rule: Annotated[str, _pattern(r"[A-Z][A-Z0-9]*(-[A-Z0-9]+)+", "rule ID (e.g. S0C-ENC-005)")]
    resource: Annotated[str, Field(min_length=1, max_length=256)] | None = Field(
        default=None, description="Limit the suppression to one spec path (cache,"
        " network.admin_cidrs[0]) or resource logical id; omit for the whole spec.")
    reason: Annotated[str, Field(min_length=8, max_length=1000)] = Field(
        description="Why this finding is accepted (shown in every report).")
    expires: IsoDate | None = Field(default=None, description="After this date the suppression"
                                    " stops working and is reported (S0C-SUP-001).")
    modes: list[Mode] | None = Field(default=None, min_length=1, description="Only in these"
                                     " modes (e.g. [development, testing]); omit for every mode."
                                     " Switching the spec to another mode reports the finding"
                                     " again.")


class Policies(_Model):
    suppress: list[Suppression] = Field(default_factory=list)
    required_tags: list[TagKey] = Field(
        default_factory=lambda: ["Project", "Environment"],
        description="Tags every resource must carry (S0C-TAG-001); [] to require none.")


class CostAssumptions(_Model):
    """Usage that list prices alone cannot tell; every estimate shows them."""

    nat_data_gb_per_month: float = Field(default=100, ge=0, description="GB through the NAT"
                                         " gateway(s) a month: packages, images, market data.")
    alb_lcus: float = Field(default=1, ge=0, description="Average load balancer capacity units"
                            " (1 LCU = 25 new conn/s, 3,000 active conn, 1 GB/h).")
    s3_storage_gb: float = Field(default=50, ge=0, description="GB stored across the buckets"
                                 " (every kept version counts).")
    flow_logs_gb_per_month: float = Field(default=5, ge=0, description="GB of VPC flow log"
                                          " records delivered to CloudWatch Logs a month"
                                          " (when network.flow_logs is on).")
    cloudwatch_free_tier: bool = Field(default=True, description="The account's free 3 dashboards"
                                       " and 10 alarms are not used by anything else.")
    prices: Annotated[str, Field(min_length=1, max_length=4096)] | None = Field(
        default=None, description="A price file (from `s0c prices refresh`), relative to the"
        " spec file; its figures win over s0c's own table.")


class Spec(_Model):
    """An s0c environment: one VPC, one database, one cache, one host running the apps."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False,
                              title="s0c environment spec")

    version: Literal[1]
    name: EnvName
    region: Region
    mode: Mode = "development"
    tags: dict[TagKey, TagValue] = Field(default_factory=dict)
    budget: Budget
    network: Network
    database: Database
    cache: Cache
    compute: Compute
    load_balancer: LoadBalancer
    apps: list[App] = Field(min_length=1, max_length=12)
    buckets: list[Bucket] = Field(default_factory=list, max_length=10)
    monitoring: Monitoring = Field(default_factory=Monitoring)
    policies: Policies = Field(default_factory=Policies)
    cost: CostAssumptions = Field(default_factory=CostAssumptions)
