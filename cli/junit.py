"""JUnit XML for CI systems that show test reports: one test case per rule per spec."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from s0c.policies.rule import Rule
from s0c.spec.diagnostics import Severity

from .findings import LintedFile, Located


def _case(suite: ET.Element, file: str, name: str) -> ET.Element:
    return ET.SubElement(suite, "testcase", {"classname": file, "name": name})


def render_junit(files: list[LintedFile], rules: dict[str, Rule], threshold: Severity) -> str:
    root = ET.Element("testsuites", {"name": "s0c lint"})
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for linted in files:
        suite = ET.SubElement(root, "testsuite", {"name": linted.file})
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        if linted.invalid:
            case = _case(suite, linted.file, "valid spec")
            error = ET.SubElement(case, "error", {"message": "the spec is not valid; not linted"})
            error.text = "\n".join(item.text() for item in linted.invalid)
            counts["tests"] += 1
            counts["errors"] += 1
        else:
            by_rule: dict[str, list[Located]] = {}
            for item in linted.findings + linted.notices:
                by_rule.setdefault(item.code, []).append(item)
            hidden: dict[str, list[Located]] = {}
            for item in linted.suppressed:
                hidden.setdefault(item.code, []).append(item)
            failing = linted.failing(threshold)
            for rule_id in sorted(set(rules) | set(by_rule)):
                title = rules[rule_id].title if rule_id in rules else rule_id
                case = _case(suite, linted.file, f"{rule_id} {title}")
                counts["tests"] += 1
                found = by_rule.get(rule_id, [])
                failed = [item for item in found if item in failing]
                if failed:
                    worst = "error" if any(i.severity is Severity.ERROR for i in failed) \
                        else "warning"
                    failure = ET.SubElement(case, "failure", {
                        "type": worst, "message": failed[0].diagnostic.message})
                    failure.text = "\n".join(item.text() for item in failed)
                    counts["failures"] += 1
                elif rule_id in hidden and not found:
                    reason = hidden[rule_id][0].suppression.reason
                    ET.SubElement(case, "skipped", {"message": f"suppressed: {reason}"})
                    counts["skipped"] += 1
                if found and not failed:
                    out = ET.SubElement(case, "system-out")
                    out.text = "\n".join(item.text() for item in found)
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
