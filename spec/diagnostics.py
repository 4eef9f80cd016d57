"""Diagnostics: what every stage returns instead of raising.

A diagnostic names a *spec path* (a tuple of keys and indexes); only the CLI turns paths into
``file:line:col`` through the :class:`~s0c.spec.loader.SourceMap` of the document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Union

SpecPath = tuple[Union[str, int], ...]


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, order=True)
class Position:
    """1-based line and column (ruamel's 0-based marks are shifted once, in the loader)."""

    line: int
    col: int


@dataclass(frozen=True)
class Diagnostic:
    code: str
    severity: Severity
    message: str
    path: SpecPath = ()
    # Set when the problem is about the key itself (unknown, duplicate) rather than its value.
    on_key: bool = False
    # Set by stages that already know the position (YAML syntax errors have no spec path).
    position: Position | None = field(default=None, compare=False)
    # The graph node (logical id) a policy finding concerns, when there is one.
    resource: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


def error(code: str, message: str, path: SpecPath = (), *, on_key: bool = False,
          position: Position | None = None) -> Diagnostic:
    return Diagnostic(code, Severity.ERROR, message, tuple(path), on_key, position)


def has_errors(diagnostics: list[Diagnostic]) -> bool:
    return any(d.is_error for d in diagnostics)


def dotted(path: SpecPath) -> str:
    """``('apps', 1, 'name')`` -> ``apps[1].name`` for messages."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "<document>"
