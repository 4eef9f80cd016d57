"""A boto3 plan checked against botocore's own service models, before it is written.

botocore's ``ParamValidator`` checks required members, unknown members, types and ranges; it
skips enum values, so those are compared with each shape's ``enum`` here. Deploy-time values
(references, inputs) are replaced by a placeholder of the type their shape expects, so the
checks see the plan exactly as AWS will, minus values no one can know before apply. Waiter
names and output expressions (JMESPath) are checked too.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Iterator

import botocore.session
import jmespath
from botocore.model import ListShape, MapShape, OperationModel, Shape, StructureShape
from botocore.validate import ParamValidator

from s0c.runner.plan_values import CREATED, JOIN, marker, refs

_PLACEHOLDERS = {"string": "s0c-placeholder", "integer": 1, "long": 1, "boolean": True,
                 "double": 1.0, "float": 1.0, "blob": b"s0c", "timestamp": "2020-01-01"}


@functools.lru_cache(maxsize=None)
def _session() -> botocore.session.Session:
    return botocore.session.get_session()


@functools.lru_cache(maxsize=None)
def service_model(service: str):
    return _session().get_service_model(service)


@functools.lru_cache(maxsize=None)
def waiter_names(service: str) -> frozenset[str]:
    return frozenset(_session().get_waiter_model(service).waiter_names)


def operation(service: str, name: str) -> OperationModel:
    return service_model(service).operation_model(name)


def placeholders(value: Any, shape: Shape | None) -> Any:
    """``value`` with every deploy-time marker replaced by a value of ``shape``'s type."""
    if marker(value) is not None:
        if shape is None:
            return "s0c-placeholder"
        if isinstance(shape, ListShape):
            return [placeholders(value, shape.member)]
        if shape.type_name == "string":  # as long as the shape asks: ARNs have a minimum
            low, high = shape.metadata.get("min", 0), shape.metadata.get("max", 1 << 16)
            return "s0c-placeholder".ljust(low, "x")[:high]
        return _PLACEHOLDERS.get(shape.type_name, "s0c-placeholder")
    if isinstance(value, dict):
        if isinstance(shape, StructureShape):
            return {k: placeholders(v, shape.members.get(k)) for k, v in value.items()}
        if isinstance(shape, MapShape):
            return {k: placeholders(v, shape.value) for k, v in value.items()}
        return value
    if isinstance(value, list):
        member = shape.member if isinstance(shape, ListShape) else None
        return [placeholders(v, member) for v in value]
    return value


def enum_problems(value: Any, shape: Shape | None, path: str = "") -> Iterator[str]:
    if shape is None or marker(value) is not None:
        return
    if isinstance(value, dict) and isinstance(shape, StructureShape):
        for key, item in value.items():
            yield from enum_problems(item, shape.members.get(key), f"{path}.{key}".lstrip("."))
    elif isinstance(value, dict) and isinstance(shape, MapShape):
        for key, item in value.items():
            yield from enum_problems(item, shape.value, f"{path}.{key}")
    elif isinstance(value, list) and isinstance(shape, ListShape):
        for index, item in enumerate(value):
            yield from enum_problems(item, shape.member, f"{path}[{index}]")
    elif isinstance(value, str) and getattr(shape, "enum", None) and value not in shape.enum:
        allowed = ", ".join(sorted(shape.enum)[:12])
        yield f"{path}: {value!r} is not one of {allowed}{', ...' if len(shape.enum) > 12 else ''}"


def check_call(service: str, name: str, params: dict[str, Any]) -> list[str]:
    try:
        model = operation(service, name)
    except Exception:  # botocore raises OperationNotFoundError / UnknownServiceError
        return [f"{service} has no operation {name!r}"]
    shape = model.input_shape
    problems = list(enum_problems(params, shape))
    if shape is None:
        return problems + ([f"{service} {name} takes no parameters"] if params else [])
    report = ParamValidator().validate(placeholders(params, shape), shape)
    if report.has_errors():
        problems += [line.strip() for line in report.generate_report().splitlines()
                     if line.strip()]
    return problems


def _output_paths(outputs: dict[str, Any]) -> Iterator[str]:
    for spec in outputs.values():
        if isinstance(spec, str):
            yield spec
        elif marker(spec) == JOIN:
            yield "".join(p if isinstance(p, str) else "x" for p in spec[JOIN])
        elif isinstance(spec, dict):
            yield spec["path"]
            re.compile(spec["match"])


def _check_outputs(outputs: dict[str, Any]) -> list[str]:
    problems = []
    for path in _output_paths(outputs):
        try:
            jmespath.compile(path)
        except jmespath.exceptions.JMESPathError as exc:
            problems.append(f"output path {path!r}: {exc}")
    return problems


def _check_waiter(service: str, wait: dict[str, Any]) -> list[str]:
    if wait["waiter"] not in waiter_names(service):
        return [f"{service} has no waiter {wait['waiter']!r}"]
    waiter_model = _session().get_waiter_model(service).get_waiter(wait["waiter"])
    return check_call(service, waiter_model.operation, wait["params"])


def check_plan(plan: dict[str, Any]) -> list[tuple[str, str]]:
    """(node id, problem) for every call, waiter and reference in the plan."""
    problems: list[tuple[str, str]] = []
    provided: dict[str, set[str]] = {}
    seen: set[str] = set()
    for step in plan["steps"]:
        sid, service = step["id"], step["service"]
        if sid in seen:
            problems.append((step["node"], f"{sid}: duplicate step id"))
        seen.add(sid)
        calls = [("", step)] + [(f" {k}", step[k]) for k in ("find", "read", "undo") if k in step]
        for label, item in calls:
            for problem in check_call(service, item["operation"], item["params"]):
                problems.append((step["node"], f"{sid}{label} {service}:{item['operation']}:"
                                               f" {problem}"))
            problems += [(step["node"], f"{sid}{label}: {p}")
                         for p in _check_outputs(item.get("outputs", {}))]
        for label, item in (("", step), (" undo", step.get("undo", {}))):
            if "wait" in item:
                problems += [(step["node"], f"{sid}{label} wait: {p}")
                             for p in _check_waiter(service, item["wait"])]
        # Every reference names an output some earlier step (or this one) provides.
        for ref in refs(step["params"]):
            node, attr = ref.split(".", 1)
            if attr not in provided.get(node, ()):
                problems.append((step["node"], f"{sid}: {ref} is not an output of an earlier"
                                               " step"))
        own = set(step.get("outputs", {})) | set(step.get("read", {}).get("outputs", {})) | \
            {CREATED}
        provided.setdefault(step["node"], set()).update(own)
        for key in ("undo", "wait", "read"):
            for ref in refs(step.get(key, {})):
                node, attr = ref.split(".", 1)
                if attr not in provided.get(node, ()):
                    problems.append((step["node"], f"{sid} {key}: {ref} is never an output"))
    return problems
