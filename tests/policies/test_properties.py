"""The linter's promises over generated specs (hypothesis)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import jsonschema
from hypothesis import given
from hypothesis import strategies as st

from s0c.cli.findings import locate
from s0c.cli.junit import render_junit
from s0c.cli.lint import render_json, render_text
from s0c.cli.sarif import render_sarif
from s0c.compiler.pipeline import lint_spec
from s0c.plugins.manager import make_plugin_manager
from s0c.policies.engine import registered_rules
from s0c.spec.diagnostics import Severity, dotted
from tests.specs import EXAMPLES, dump
from tests.strategies import valid_specs

from .specs import TODAY

PM = make_plugin_manager()
RULES = registered_rules(PM)
COST_RULES = ("S0C-COST-", "S0C-BUDGET-")
SCHEMA = Path(__file__).resolve().parent.parent / "data" / "sarif-schema-2.1.0.json"


@lru_cache(maxsize=1)
def sarif_validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())


def lint(data: dict):
    result = lint_spec("spec.yaml", text=dump(data), today=TODAY, base_dir=str(EXAMPLES), pm=PM)
    assert result.ok, [d.message for d in result.diagnostics]
    return result


def keys(findings) -> set[tuple]:
    return {(d.code, d.path, d.message) for d in findings}


@given(valid_specs(), st.floats(1, 50, allow_nan=False))
def test_raising_the_budget_never_adds_a_cost_finding(data: dict, factor: float) -> None:
    before = lint(data).report.findings
    data["budget"]["monthly_usd"] = round(data["budget"]["monthly_usd"] * factor, 2)
    after = lint(data).report.findings
    cost = [d for d in after if d.code.startswith(COST_RULES)]
    assert {(d.code, d.path) for d in cost} <= {(d.code, d.path) for d in before}


@st.composite
def suppressions(draw: st.DrawFn, findings) -> dict:
    """A live (unexpired) suppression: of a finding it may match, or of anything at all."""
    targets = [(d.code, dotted(d.path), d.resource) for d in findings]
    code, path, resource = draw(st.sampled_from(targets)) if targets and draw(st.booleans()) \
        else (draw(st.sampled_from(sorted(RULES))), "apps[0]", "host")
    entry = {"rule": code, "reason": "accepted by the team, see the ticket"}
    scope = draw(st.sampled_from([None, path, resource, path.split(".")[0], "nowhere"]))
    if scope:
        entry["resource"] = scope
    if draw(st.booleans()):
        entry["expires"] = draw(st.sampled_from(["2026-11-24", "2030-01-01"]))
    return entry


@given(st.data())
def test_adding_a_suppression_never_adds_a_finding(data) -> None:
    spec = data.draw(valid_specs())
    spec.pop("policies", None)
    before = lint(spec).report
    extra = data.draw(st.lists(suppressions(before.findings), min_size=1, max_size=3))
    spec["policies"] = {"suppress": extra}
    after = lint(spec).report
    assert keys(after.findings) <= keys(before.findings)
    assert len(after.findings) + len(after.suppressed) == len(before.findings)


@given(valid_specs())
def test_lint_output_is_deterministic_and_sarif_validates(data: dict) -> None:
    outputs = []
    for _ in range(2):
        linted = [locate(lint(data))]
        outputs.append((render_json(linted, Severity.ERROR),
                        render_sarif(linted, RULES),
                        render_junit(linted, RULES, Severity.WARNING),
                        render_text(linted, show_suppressed=True)))
    assert outputs[0] == outputs[1]
    errors = sorted(sarif_validator().iter_errors(json.loads(outputs[0][1])), key=str)
    assert not errors, [e.message for e in errors[:3]]
