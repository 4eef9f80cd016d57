"""Lint results in a form every output format shares: positioned, sorted, with their file."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from s0c.policies.engine import SEVERITY_RANK
from s0c.spec.diagnostics import Diagnostic, Severity, dotted
from s0c.spec.loader import SourceMap
from s0c.spec.models import Suppression

if TYPE_CHECKING:
    from s0c.compiler.pipeline import Result


@dataclass(frozen=True)
class Located:
    file: str
    line: int
    column: int
    diagnostic: Diagnostic
    suppression: Suppression | None = None

    @classmethod
    def at(cls, source: SourceMap, diagnostic: Diagnostic,
           suppression: Suppression | None = None) -> "Located":
        pos = diagnostic.position or source.locate(diagnostic.path, on_key=diagnostic.on_key)
        return cls(source.file, pos.line, pos.col, diagnostic, suppression)

    def text(self, *, suppressed: bool = False) -> str:
        """``file:line:col: CODE [severity] message``: every line says how bad it is, so a CI log
        can be grepped for ``[error]``."""
        out = (f"{self.file}:{self.line}:{self.column}: {self.code} [{self.severity.value}]"
               f" {self.diagnostic.message}")
        if suppressed and self.suppression is not None:
            out += f" (suppressed: {self.suppression.reason})"
        return out

    @property
    def code(self) -> str:
        return self.diagnostic.code

    @property
    def severity(self) -> Severity:
        return self.diagnostic.severity

    def sort_key(self) -> tuple:
        return (self.file, self.line, self.column, self.code, self.diagnostic.message)

    def as_dict(self) -> dict:
        out = {"rule": self.code, "severity": self.severity.value,
               "message": self.diagnostic.message, "file": self.file, "line": self.line,
               "column": self.column, "path": dotted(self.diagnostic.path),
               "resource": self.diagnostic.resource}
        if self.suppression is not None:
            out["suppression"] = self.suppression.model_dump(exclude_none=True)
        return out


@dataclass
class LintedFile:
    file: str
    invalid: list[Located] = field(default_factory=list)   # the spec could not be checked
    findings: list[Located] = field(default_factory=list)
    suppressed: list[Located] = field(default_factory=list)
    notices: list[Located] = field(default_factory=list)

    def failing(self, threshold: Severity) -> list[Located]:
        return [f for f in self.findings
                if SEVERITY_RANK[f.severity] >= SEVERITY_RANK[threshold]]


def locate(result: "Result") -> LintedFile:
    source = result.source

    def at(diagnostic: Diagnostic, suppression: Suppression | None = None) -> Located:
        return Located.at(source, diagnostic, suppression)

    linted = LintedFile(source.file)
    linted.invalid = sorted((at(d) for d in result.diagnostics), key=Located.sort_key)
    if result.report is not None and result.spec is not None:
        rules = result.spec.policies.suppress
        linted.findings = sorted((at(d) for d in result.report.findings), key=Located.sort_key)
        linted.suppressed = sorted((at(d, rules[index]) for d, index in result.report.suppressed),
                                   key=Located.sort_key)
        linted.notices = sorted((at(d) for d in result.report.notices), key=Located.sort_key)
    return linted
