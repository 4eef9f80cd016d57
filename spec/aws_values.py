"""The AWS values a spec may name, read from ``spec/data/aws_values.json``.

The file is extracted from botocore's and cfn-lint's own data by ``scripts/update_aws_values.py``
(provenance in ``spec/data/aws_values.md``); reading it costs a JSON parse, once, and imports
neither package.
"""

from __future__ import annotations

import difflib
import json
import re
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable


@lru_cache(maxsize=1)
def data() -> dict[str, Any]:
    text = resources.files("s0c.spec").joinpath("data", "aws_values.json").read_text("utf-8")
    return json.loads(text)


def source() -> dict[str, Any]:
    return data()["_source"]


def regions() -> list[str]:
    return sorted(data()["regions"])


def region(name: str) -> dict[str, Any] | None:
    """``{"partition", "services", "cfn_types_missing"?}`` or None for an unknown region."""
    return data()["regions"].get(name)


def partition(name: str) -> str | None:
    entry = region(name)
    return entry["partition"] if entry else None


def partition_of(name: str) -> str | None:
    """The partition of ``name``, also for a region newer than the data: by botocore's
    region pattern of each partition (cn-*, us-gov-*, ...). None when none matches."""
    known = partition(name)
    if known is not None:
        return known
    return next((part for part, entry in sorted(data()["partitions"].items())
                 if re.fullmatch(entry["region_regex"], name)), None)


def services() -> list[str]:
    """The botocore endpoint prefixes of the services s0c's output calls."""
    return list(data()["services"])


def missing_services(name: str) -> list[str]:
    entry = region(name)
    if entry is None:
        return []
    return [s for s in data()["services"] if s not in entry["services"]]


def cfn_types_missing(name: str) -> list[str] | None:
    """CloudFormation types s0c emits that the region's registry lacks; None when unknown."""
    entry = region(name)
    return None if entry is None else entry.get("cfn_types_missing")


def instance_types() -> list[str]:
    return data()["ec2"]["instance_types"]


def instance_types_in(name: str) -> list[str] | None:
    """EC2 instance types offered in a region; None when the data has no list for it."""
    return data()["ec2"]["instance_types_by_region"].get(name)


def postgres() -> dict[str, Any]:
    return data()["rds"]["postgres"]


def _major(version: str) -> str:
    return re.split(r"[.-]", version, maxsplit=1)[0]


@lru_cache(maxsize=1)
def postgres_offered() -> tuple[str, ...]:
    """PostgreSQL versions RDS creates new instances with: known (E3691) and not deprecated
    (W3691), in version order."""
    pg = postgres()
    deprecated = set(pg["deprecated"])
    return tuple(v for v in pg["versions"] if v not in deprecated)


def postgres_majors() -> list[str]:
    return sorted({_major(v) for v in postgres_offered()}, key=int)


def postgres_version_ok(version: str) -> bool:
    """A full version RDS still offers, or a bare major ("16": RDS picks its default minor) of
    which it offers at least one version."""
    if "." not in version and "-" not in version:
        return version in postgres_majors()
    return version in postgres_offered()


def postgres_offered_in_major(major: str) -> list[str]:
    return [v for v in postgres_offered() if _major(v) == major]


def rds_classes() -> list[str]:
    return postgres()["instance_classes"]


def rds_classes_in(name: str) -> list[str] | None:
    return postgres()["instance_classes_by_region"].get(name)


def rds_classes_for_version(version: str) -> list[str] | None:
    """The classes E3062 allows for ``version`` (its data is keyed by X.Y). For a bare major
    ("16": RDS picks the minor), the classes any offered minor of it allows. None when the data
    has no list."""
    if "." not in version and "-" not in version:
        lists = [c for v in postgres_offered_in_major(version)
                 if (c := _classes_for_minor(v)) is not None]
        return sorted(set().union(*lists)) if lists else None
    return _classes_for_minor(version)


def _classes_for_minor(version: str) -> list[str] | None:
    for prefix, classes in postgres()["instance_classes_by_version"].items():
        if version == prefix or version.startswith(prefix + "."):
            return classes
    return None


def cache_versions(engine: str) -> list[str]:
    return data()["elasticache"]["versions"].get(engine, [])


def node_types() -> list[str]:
    return data()["elasticache"]["node_types"]


def node_types_in(name: str) -> list[str] | None:
    return data()["elasticache"]["node_types_by_region"].get(name)


def limit(name: str) -> int:
    return int(data()["limits"][name])


def suggest(value: str, choices: Iterable[str], n: int = 3) -> str:
    """``" (did you mean 't3.xlarge'?)"`` for the closest choices, or ``""`` when none is close."""
    close = difflib.get_close_matches(value, list(choices), n=n, cutoff=0.75)
    if not close:
        return ""
    return " (did you mean " + " or ".join(repr(c) for c in close) + "?)"
