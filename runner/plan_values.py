"""How a boto3 plan writes deploy-time values, and how apply fills them in.

A plan is plain JSON. A value known only once an earlier step has run is a one-key object that
no AWS parameter shape can contain:

* ``{"s0c:ref": "node.attr"}`` (optionally ``"index": n``) - an output of an earlier step;
* ``{"s0c:input": "name"}`` - one of the plan's inputs;
* ``{"s0c:join": [part, ...]}`` - a string assembled from literal text and the two above;
* ``{"s0c:json": value}`` - a JSON document (an IAM policy) serialized once filled in.
"""

from __future__ import annotations

import json
from typing import Any, Callable

from s0c.compiler.graph import Input, Json, Ref, Template

FORMAT = "s0c.boto3-plan/1"
REF, INPUT, JOIN, JSON = "s0c:ref", "s0c:input", "s0c:join", "s0c:json"
# An output every created step has: when apply created it (UTC, YYYYMMDDhhmmss), so a name that
# must differ between generations of a resource (its final snapshot) can say "-<created>".
CREATED = "_created"
MARKERS = (REF, INPUT, JOIN, JSON)


def encode(value: Any) -> Any:
    """A graph value as plan JSON."""
    if isinstance(value, Ref):
        out: dict[str, Any] = {REF: f"{value.node}.{value.attr}"}
        if value.index is not None:
            out["index"] = value.index
        return out
    if isinstance(value, Input):
        return {INPUT: value.name}
    if isinstance(value, Template):
        parts = [encode(p) for p in value.parts]
        return parts[0] if len(parts) == 1 and isinstance(parts[0], str) else {JOIN: parts}
    if isinstance(value, Json):
        return {JSON: encode(value.value)}
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    return value


def marker(value: Any) -> str | None:
    if isinstance(value, dict) and len(value.keys() - {"index"}) == 1:
        key = next(iter(value.keys() - {"index"}))
        return key if key in MARKERS else None
    return None


def refs(value: Any) -> list[str]:
    """Every ``node.attr`` a plan value reads."""
    kind = marker(value)
    if kind == REF:
        return [value[REF]]
    if kind == JOIN:
        return [r for part in value[JOIN] for r in refs(part)]
    if kind == JSON:
        return refs(value[JSON])
    if isinstance(value, dict):
        return [r for item in value.values() for r in refs(item)]
    if isinstance(value, list):
        return [r for item in value for r in refs(item)]
    return []


class Unresolved(LookupError):
    """A reference the plan makes that apply cannot fill in: an output no earlier step recorded,
    an item past the end of a list, an input the plan does not declare."""


def resolve(value: Any, output: Callable[[str], Any], inputs: dict[str, Any]) -> Any:
    """Plan JSON -> concrete boto3 parameters, ``output("node.attr")`` supplying references.

    Raises :class:`Unresolved`, naming the reference, for anything it cannot fill in."""
    kind = marker(value)
    if kind == REF:
        ref = value[REF]
        found = output(ref)
        if "index" not in value:
            return found
        index = value["index"]
        if not isinstance(found, list):
            raise Unresolved(f"{ref}[{index}]: {ref} is {json.dumps(found)}, not a list")
        if not isinstance(index, int) or not -len(found) <= index < len(found):
            raise Unresolved(f"{ref}[{index}]: {ref} has {len(found)} items"
                             f" ({', '.join(map(str, found))})")
        return found[index]
    if kind == INPUT:
        if value[INPUT] not in inputs:
            raise Unresolved(f"input {value[INPUT]!r}: the plan declares no such input")
        return inputs[value[INPUT]]
    if kind == JOIN:
        return "".join(str(resolve(part, output, inputs)) for part in value[JOIN])
    if kind == JSON:
        return json.dumps(resolve(value[JSON], output, inputs), separators=(",", ":"))
    if isinstance(value, dict):
        return {k: resolve(v, output, inputs) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve(v, output, inputs) for v in value]
    return value
