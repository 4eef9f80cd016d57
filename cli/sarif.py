"""SARIF 2.1.0 for GitHub code scanning: rule metadata, positioned results, suppressions."""

from __future__ import annotations

import hashlib
import json
import os
from importlib.metadata import version
from pathlib import PurePosixPath
from urllib.parse import quote

from s0c.policies.rule import Rule
from s0c.spec.diagnostics import Severity, dotted

from .findings import LintedFile, Located

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _uri(file: str) -> tuple[str, bool]:
    """A relative URI under %SRCROOT% when the file is inside the working directory."""
    relative = os.path.relpath(os.path.abspath(file))
    if relative.startswith(".."):
        return "file://" + quote(PurePosixPath(os.path.abspath(file)).as_posix()), False
    return quote(PurePosixPath(*relative.split(os.sep)).as_posix()), True


def _location(item: Located) -> dict:
    uri, relative = _uri(item.file)
    artifact = {"uri": uri, **({"uriBaseId": "%SRCROOT%"} if relative else {})}
    return {"physicalLocation": {"artifactLocation": artifact,
                                 "region": {"startLine": item.line, "startColumn": item.column}}}


def _fingerprint(item: Located) -> str:
    # Stable when lines move: the rule, the file and the spec path, not the line number.
    key = "\0".join((item.code, item.file, dotted(item.diagnostic.path),
                     item.diagnostic.resource or ""))
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _rule(rule: Rule) -> dict:
    return {
        "id": rule.id,
        "name": "".join(word.capitalize() for word in rule.title.replace("-", " ").split()
                        if word.isalnum()),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.rationale},
        "help": {"text": rule.remediation, "markdown": f"**Why:** {rule.rationale}\n\n"
                 f"**Fix:** {rule.remediation}"},
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {"tags": list(rule.tags)},
    }


def render_sarif(files: list[LintedFile], rules: dict[str, Rule]) -> str:
    ids = list(rules)
    results, notifications = [], []
    for linted in files:
        for item in linted.invalid + linted.findings + linted.suppressed:
            result = {"ruleId": item.code, "level": LEVEL[item.severity],
                      "message": {"text": item.diagnostic.message},
                      "locations": [_location(item)],
                      "partialFingerprints": {"s0cFinding/v1": _fingerprint(item)}}
            if item.code in rules:
                result["ruleIndex"] = ids.index(item.code)
            if item.suppression is not None:
                entry = {"kind": "inSource", "justification": item.suppression.reason}
                if item.suppression.modes is not None:
                    entry["properties"] = {"modes": list(item.suppression.modes)}
                result["suppressions"] = [entry]
            results.append(result)
        for item in linted.notices:
            notifications.append({"descriptor": {"id": item.code}, "level": "note",
                                  "message": {"text": item.diagnostic.message},
                                  "locations": [_location(item)]})
    run = {
        # %SRCROOT% is left for the consumer to resolve: GitHub takes it as the checkout.
        "tool": {"driver": {"name": "s0c", "version": version("s0c"),
                            "rules": [_rule(rule) for rule in rules.values()]}},
        "invocations": [{"executionSuccessful": True,
                         "toolConfigurationNotifications": notifications}],
        "results": results,
    }
    return json.dumps({"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2,
                      sort_keys=True)
