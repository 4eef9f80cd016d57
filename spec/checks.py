"""Checks that span several fields, each pointing at the exact item at fault.

Structural rules only: what makes a spec impossible to build. Judgement calls (cost ceilings,
SSH exposure, live-mode safeguards) are policy rules in :mod:`s0c.policies`.
"""

from __future__ import annotations

import ipaddress
import os
import re
import unicodedata

from .diagnostics import Diagnostic, SpecPath, error
from .models import Spec

_PUBLIC_KEY = re.compile(r"(ssh-(rsa|ed25519)|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/=]+( .*)?")

# Variables the generated host writes itself; an app may not override them through `env`.
RESERVED_ENV = frozenset({
    "DATABASE_HOST", "DATABASE_PORT", "DATABASE_NAME", "DATABASE_USER", "DATABASE_PASSWORD",
    "REDIS_HOST", "REDIS_PORT", "REDIS_DB", "REDIS_TLS", "TRADING_MODE", "PAPER_TRADING",
    "LOG_LEVEL", "API_PORT", "WEB_PORT", "COMPOSE_PROJECT_NAME", "AWS_REGION",
})


def _tag_char(char: str) -> bool:
    """The tag alphabet every tagged service accepts: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]."""
    return unicodedata.category(char)[0] in "LZN" or char in "_.:/=+-@"


def _network(spec: Spec) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    net = spec.network
    vpc = ipaddress.IPv4Network(net.cidr)
    if vpc.prefixlen < 16 or vpc.prefixlen > 28:
        out.append(error("S0C-NET", f"VPC CIDR {net.cidr} must be between /16 and /28 (AWS limit)",
                         ("network", "cidr")))
    seen: list[tuple[ipaddress.IPv4Network, SpecPath]] = []
    for group in ("public_subnets", "private_subnets"):
        cidrs = getattr(net, group)
        if len(cidrs) != net.availability_zones:
            out.append(error(
                "S0C-NET", f"{group} has {len(cidrs)} entries but availability_zones is"
                f" {net.availability_zones}: give exactly one subnet per AZ", ("network", group)))
        for index, cidr in enumerate(cidrs):
            subnet = ipaddress.IPv4Network(cidr)
            path: SpecPath = ("network", group, index)
            if not subnet.subnet_of(vpc):
                out.append(error("S0C-NET", f"subnet {cidr} is outside the VPC {net.cidr}", path))
                continue
            if subnet.prefixlen > 28:
                out.append(error("S0C-NET", f"subnet {cidr} is smaller than /28 (AWS limit)", path))
            for other, other_path in seen:
                if subnet.overlaps(other):
                    where = ".".join(str(p) for p in other_path[1:])
                    out.append(error("S0C-NET", f"subnet {cidr} overlaps {other} ({where})", path))
            seen.append((subnet, path))
    return out


def _apps(spec: Spec) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    names: dict[str, int] = {}
    for index, app in enumerate(spec.apps):
        if app.name in names:
            out.append(error("S0C-APP", f"app name '{app.name}' is already used by apps[{names[app.name]}]",
                             ("apps", index, "name")))
        names.setdefault(app.name, index)
        for key in app.env:
            if key in RESERVED_ENV:
                out.append(error("S0C-APP", f"{key} is written by s0c itself; remove it from env",
                                 ("apps", index, "env", key), on_key=True))
            if key in app.secrets:
                out.append(error("S0C-APP", f"{key} is set in both env and secrets",
                                 ("apps", index, "env", key), on_key=True))
        for key in app.secrets:
            if key in RESERVED_ENV:
                out.append(error("S0C-APP", f"{key} is written by s0c itself; remove it from secrets",
                                 ("apps", index, "secrets", key), on_key=True))
    return out


# Security group names may not start with "sg-", load balancer names not with "internal-".
RESERVED_NAME_PREFIXES = ("sg-", "internal-")


def _misc(spec: Spec) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    for prefix in RESERVED_NAME_PREFIXES:
        if spec.name.startswith(prefix):
            out.append(error("S0C-NAME", f"name must not start with {prefix!r} (AWS reserves it"
                             " in derived resource names)", ("name",)))
    db = spec.database
    if db.max_storage_gb is not None and db.max_storage_gb <= db.storage_gb:
        out.append(error("S0C-DB", f"max_storage_gb ({db.max_storage_gb}) must be greater than"
                         f" storage_gb ({db.storage_gb}), or omitted", ("database", "max_storage_gb")))
    if db.username.lower() in {"rdsadmin", "rdsrepladmin", "rds_superuser", "public"}:
        out.append(error("S0C-DB", f"'{db.username}' is reserved by RDS", ("database", "username")))
    for key in spec.tags:
        if key.lower().startswith("aws:"):
            out.append(error("S0C-TAG", "tag keys starting with 'aws:' are reserved by AWS",
                             ("tags", key), on_key=True))
        if key == "Name":
            out.append(error("S0C-TAG", "the Name tag is set per resource by s0c", ("tags", key),
                             on_key=True))
        if not spec.tags[key]:
            out.append(error("S0C-TAG", "tag values must not be empty (CloudFormation rejects"
                             " empty tag values on alarms)", ("tags", key)))
        for text, on_key in ((key, True), (spec.tags[key], False)):
            bad = next((c for c in text if not _tag_char(c)), None)
            if bad is not None:
                out.append(error("S0C-TAG", f"{'key' if on_key else 'value'} holds {bad!r}:"
                                 " IAM, RDS, ElastiCache and Budgets accept only letters, digits,"
                                 " spaces and _ . : / = + - @ in tags", ("tags", key),
                                 on_key=on_key))
    seen: set[float] = set()
    for index, amount in enumerate(spec.budget.alerts_usd):
        if amount in seen:
            out.append(error("S0C-BUDGET", f"alert threshold {amount:g} is listed twice",
                             ("budget", "alerts_usd", index)))
        seen.add(amount)
    if spec.budget.alerts_usd and not spec.budget.notify:
        out.append(error("S0C-BUDGET", "alerts_usd needs at least one address in notify",
                         ("budget", "alerts_usd")))
    return out


def check(spec: Spec) -> list[Diagnostic]:
    return _network(spec) + _apps(spec) + _misc(spec)


def read_public_key(spec: Spec, base_dir: str) -> tuple[str | None, list[Diagnostic]]:
    """The key pair's public key text, read relative to the spec file."""
    key_pair = spec.compute.key_pair
    if key_pair is None:
        return None, []
    path: SpecPath = ("compute", "key_pair", "public_key_file")
    full = os.path.join(base_dir, key_pair.public_key_file)
    from .loader import MAX_NAMED_FILE_BYTES, read_regular_file

    try:  # a regular file only (a FIFO would block), and small: a public key is one line
        text = read_regular_file(full, MAX_NAMED_FILE_BYTES).decode("utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        return None, [error("S0C-FILE", f"cannot read public key file {key_pair.public_key_file!r}:"
                            f" {reason}", path)]
    if "PRIVATE KEY" in text:
        return None, [error("S0C-SECRET", f"{key_pair.public_key_file!r} is a private key; point"
                            " at the .pub file", path)]
    if not _PUBLIC_KEY.fullmatch(text) or "\n" in text:
        return None, [error("S0C-FILE", f"{key_pair.public_key_file!r} is not an OpenSSH public key"
                            " (one line: ssh-ed25519|ssh-rsa|ecdsa-sha2-* <base64> [comment])", path)]
    return text, []
