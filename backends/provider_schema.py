"""Check Terraform resource bodies against the AWS provider v6 argument schema (package data)."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources import files
from typing import Any

META_ARGUMENTS = frozenset({"depends_on", "lifecycle", "count", "for_each", "provider"})


@lru_cache(maxsize=1)
def provider_schema() -> dict[str, Any]:
    return json.loads(files("s0c.backends").joinpath("data").joinpath("aws_provider_v6.json").read_text())


def block_schema(resource_type: str) -> dict[str, Any] | None:
    return provider_schema().get(resource_type)


def nested_schema(fqn: str) -> dict[str, Any]:
    return provider_schema()["_blocks"][fqn]


def is_block(schema: dict[str, Any], name: str) -> bool:
    entry = schema.get(name)
    return bool(entry and entry["block"])


def check_body(resource_type: str, body: dict[str, Any]) -> list[str]:
    """Problems with one resource body: unknown type, unknown or misplaced arguments and blocks,
    missing required arguments. ``body`` maps names to values; a block is a dict (or a list of
    dicts) whose ``__is_block__`` is True, as python-hcl2 reports it."""
    schema = block_schema(resource_type)
    if schema is None:
        return [f"{resource_type}: not a resource type of the AWS provider v6"]
    return _check(resource_type, schema, body, top=True)


def _check(where: str, schema: dict[str, Any], body: dict[str, Any], top: bool) -> list[str]:
    problems = []
    for name, value in body.items():
        if name.startswith("__"):
            continue
        if top and name in META_ARGUMENTS:
            continue
        entry = schema.get(name)
        if entry is None:
            problems.append(f"{where}: unknown argument or block {name!r}")
            continue
        blocks = value if isinstance(value, list) else [value]
        as_block = bool(blocks) and all(isinstance(b, dict) and b.get("__is_block__") for b in blocks)
        if entry["block"]:
            if not as_block:
                problems.append(f"{where}: {name!r} must be written as a block")
                continue
            for item in blocks:
                problems += _check(f"{where}.{name}", nested_schema(entry["block"]), item, False)
        elif as_block:
            problems.append(f"{where}: {name!r} is an argument, not a block")
    for name, entry in schema.items():
        if entry["required"] and name not in body:
            problems.append(f"{where}: missing required argument {name!r}")
    return problems
