"""Raw document -> :class:`Spec`, with every pydantic error turned into a positioned diagnostic."""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from .aws_checks import check_aws_values
from .checks import check
from .diagnostics import Diagnostic, SpecPath, dotted, error
from .loader import Document
from .models import Spec
from .secrets import find_plaintext_secrets, redact


def _unwrap(tp: Any) -> Any:
    """Strip Annotated/Optional down to the model, list or dict type underneath."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) != 1:
                return tp
            tp = args[0]
        else:
            return tp


def _model_at(path: SpecPath) -> type[BaseModel] | None:
    """Which model validates the mapping at ``path`` (for 'did you mean' on unknown keys)."""
    current: Any = Spec
    for part in path:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel) and isinstance(part, str):
            field = current.model_fields.get(part)
            if field is None:
                return None
            current = field.annotation
        elif typing.get_origin(current) in (list, dict):
            current = typing.get_args(current)[-1]
        else:
            return None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _message(err: dict[str, Any], path: SpecPath) -> tuple[str, bool]:
    kind = err["type"]
    where = dotted(path)
    if kind == "extra_forbidden":
        key = path[-1]
        model = _model_at(path[:-1])
        hint = ""
        if model is not None:
            close = difflib.get_close_matches(str(key), list(model.model_fields), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else \
                f"; allowed: {', '.join(model.model_fields)}"
        return f"unknown key '{key}'{hint}", True
    if kind == "missing":
        return f"missing required key '{path[-1]}'", False
    msg = err["msg"]
    if kind.endswith("_type") or kind in ("literal_error", "int_from_float"):
        msg = f"{msg}, got {err.get('input')!r}"
    return f"{where}: {msg}", False


def pydantic_diagnostics(exc: ValidationError, document: Document) -> list[Diagnostic]:
    out = []
    for err in exc.errors(include_url=False):
        path = tuple(err["loc"])
        message, on_key = _message(err, path)
        message = redact(message, err.get("input"), path)  # never echo a secret
        # A missing key has no position of its own: point at the mapping that lacks it.
        target = path[:-1] if err["type"] == "missing" else path
        out.append(error("S0C-SCHEMA", message, target, on_key=on_key))
    return out


def validate(document: Document) -> tuple[Spec | None, list[Diagnostic]]:
    secrets = find_plaintext_secrets(document.data, document.source)
    if secrets:
        return None, secrets
    try:
        spec = Spec.model_validate(document.data)
    except ValidationError as exc:
        return None, pydantic_diagnostics(exc, document)
    diagnostics = check(spec) + check_aws_values(spec)
    return (None if diagnostics else spec), diagnostics
