"""Hypothesis strategies: nasty strings, valid specs, broken specs."""

from __future__ import annotations

import ipaddress
import re
import string
import unicodedata

from hypothesis import assume, strategies as st

from s0c.spec.checks import RESERVED_NAME_PREFIXES
from s0c.spec.secrets import scan
from tests.specs import poc_data

NASTY = ['"', "'", "\\", "${", "%{", "$${", "%%{", "$(touch PWNED)", "`touch PWNED`", "$HOME",
         "\n", "\t", "EOT", "\nEOT\n", "é", "日本", "🚀", "*", "?", "[", "!", ";", "&&", "|", "#",
         " ", "{", "}", "$", "%", "~"]


# python-hcl2 (not Terraform) fails on "$${" or "%%{" without a closing brace; HashiCorp's parser
# accepts them. Properties checked with python-hcl2 draw strings without "${"/"%{"; the escaping
# round trip through HashiCorp's parser uses the full set.
_TEMPLATE_START = re.compile(r"[$%]\{")


def nasty_text(min_size: int = 1, max_size: int = 40, newlines: bool = True,
               quotes: bool = True, templates: bool = True) -> st.SearchStrategy[str]:
    pieces = [p for p in NASTY if (newlines or "\n" not in p) and (quotes or "'" not in p)]
    chars = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00")
    piece = st.one_of(st.sampled_from(pieces), st.text(chars, min_size=1, max_size=4))
    return st.lists(piece, min_size=min_size, max_size=8).map("".join).filter(
        lambda s: min_size <= len(s) <= max_size and (templates or not _TEMPLATE_START.search(s))
        and (quotes or "'" not in s) and (newlines or "\n" not in s))


# What IAM, RDS, ElastiCache and Budgets accept in tags (spec/checks.py rejects the rest).
# The spec is NFC-normalized before it is checked, and normalizing can split a letter into a
# letter and a combining mark (U+0958 -> U+0915 U+093C), which the tag alphabet refuses.
tag_values = st.text(st.one_of(st.characters(whitelist_categories=("L", "N", "Zs", "Zl", "Zp")),
                               st.sampled_from("_.:/=+-@")), min_size=1, max_size=30).filter(
    lambda s: all(unicodedata.category(c)[0] in "LZN" or c in "_.:/=+-@"
                  for c in unicodedata.normalize("NFC", s)))

app_names = st.from_regex(r"[a-z][a-z0-9]{1,8}", fullmatch=True)


@st.composite
def valid_specs(draw: st.DrawFn, templates: bool = False) -> dict:
    """Specs across CIDRs, 2-3 AZs, NAT modes, 1-6 apps with ports and Redis DBs, sizes, modes."""
    data = poc_data()
    zones = draw(st.integers(2, 3))
    second = draw(st.integers(0, 255))
    prefix = draw(st.sampled_from([16, 18, 20]))
    vpc = ipaddress.IPv4Network(f"10.{second}.0.0/{prefix}")
    subnets = list(vpc.subnets(new_prefix=24))
    picked = draw(st.permutations(range(len(subnets))))[: 2 * zones]
    data["name"] = draw(st.from_regex(r"[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,6}){0,2}", fullmatch=True)
                        .filter(lambda s: 2 <= len(s) <= 24)
                        # S3 refuses bucket names (<name>-<bucket>) with these prefixes.
                        .filter(lambda s: not f"{s}-".startswith(("sthree-", "amzn-s3-demo-")))
                        # AWS reserves these in derived resource names (S0C-NAME).
                        .filter(lambda s: not s.startswith(RESERVED_NAME_PREFIXES)))
    data["region"] = draw(st.sampled_from(["us-east-1", "us-west-2", "eu-central-1"]))
    data["mode"] = draw(st.sampled_from(["development", "testing", "live"]))
    data["tags"] = draw(st.dictionaries(
        st.from_regex(r"[A-Za-z][A-Za-z0-9_.:/=+@-]{0,20}", fullmatch=True).filter(
            lambda k: k != "Name" and not k.lower().startswith("aws:")),
        tag_values, max_size=3))
    data["network"] = {
        "cidr": str(vpc),
        "availability_zones": zones,
        "public_subnets": [str(subnets[i]) for i in picked[:zones]],
        "private_subnets": [str(subnets[i]) for i in picked[zones:]],
        "nat": draw(st.sampled_from(["single", "per_az", "none"])),
        "flow_logs": draw(st.booleans()),
        "admin_cidrs": draw(st.lists(st.sampled_from(["203.0.113.10/32", "198.51.100.0/24"]),
                                     max_size=2, unique=True)),
    }
    db = data["database"]
    db["instance_class"] = draw(st.sampled_from(["db.t3.small", "db.t4g.medium", "db.m6g.large"]))
    db["storage_gb"] = draw(st.integers(20, 500))
    db["max_storage_gb"] = draw(st.one_of(st.none(), st.integers(db["storage_gb"] + 1, 2000)))
    db["multi_az"] = draw(st.booleans())
    db["deletion_protection"] = draw(st.booleans())
    db["backup_retention_days"] = draw(st.integers(0, 35))
    data["cache"]["nodes"] = draw(st.integers(1, 3))
    data["cache"]["transit_encryption"] = draw(st.booleans())
    data["compute"]["instance_type"] = draw(st.sampled_from(["t3.xlarge", "m6i.large", "t4g.large"]))
    data["compute"]["volume_gb"] = draw(st.integers(8, 500))
    if draw(st.booleans()):
        del data["compute"]["key_pair"]
    count = draw(st.integers(1, 6))
    names = draw(st.lists(app_names, min_size=count, max_size=count, unique=True))
    ports = draw(st.lists(st.integers(1024, 65535), min_size=2 * count, max_size=2 * count,
                          unique=True))
    dbs = draw(st.lists(st.integers(0, 15), min_size=count, max_size=count, unique=True))
    data["apps"] = [{
        "name": name,
        "repo": draw(st.one_of(st.just(f"https://github.com/example/{name}.git"),
                               nasty_text(templates=templates))),
        "api_port": ports[2 * i], "web_port": ports[2 * i + 1], "redis_db": dbs[i],
        "env": draw(st.dictionaries(st.from_regex(r"X_[A-Z0-9_]{1,8}", fullmatch=True),
                                    nasty_text(0, 20, templates=templates), max_size=2)),
    } for i, name in enumerate(names)]
    data["buckets"] = [{"name": name, "encrypted": draw(st.booleans()),
                        "versioning": draw(st.booleans())}
                       for name in draw(st.lists(st.sampled_from(["backups", "exports", "logs"]),
                                                 max_size=2, unique=True))]
    data["monitoring"] = {"cpu_alarm_percent": draw(st.integers(10, 100)),
                          "notify": draw(st.lists(st.just("ops@example.com"), max_size=1))}
    # A valid spec carries no secret: a generated tag key that reads as one ("pwdG1j") is a
    # different spec, so it is drawn again rather than failing validation.
    assume(not scan(data))
    return data


# Mutations that each make a valid spec invalid, at a known path.
def _set(path: tuple, value: object):
    def apply(data: dict) -> dict:
        target = data
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value
        return data
    return apply


BREAKERS = st.sampled_from([
    _set(("network", "cidr"), "10.0.0.0/33"),
    _set(("network", "cidr"), "not-a-cidr"),
    _set(("network", "public_subnets", 0), "192.168.0.0/24"),
    _set(("network", "availability_zones"), 7),
    _set(("apps", 0, "api_port"), 0),
    _set(("apps", 0, "api_port"), 70000),
    _set(("apps", 0, "redis_db"), -1),
    _set(("apps", 0, "name"), "Bad Name"),
    _set(("database", "password"), "hunter2"),
    _set(("database", "storage_gb"), "lots"),
    _set(("mode",), "yolo"),
    _set(("unknown_key",), 1),
    _set(("version",), 2),
    _set(("budget", "monthly_usd"), -5),
    _set(("cache", "nodes"), 0),
    _set(("load_balancer", "domain"), "not a domain"),
    _set(("tags", "aws:reserved"), "x"),
])

junk_yaml = st.one_of(
    st.text(string.printable, max_size=200),
    st.lists(st.sampled_from(["{", "}", "[", "]", ":", "- ", "? ", "&a", "*a", "!!binary", "'",
                              '"', "\n", "  ", "key", "version: 1", "\t", "#", "|", ">"]),
             max_size=30).map("".join),
)
