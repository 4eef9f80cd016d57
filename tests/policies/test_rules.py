"""Every built-in rule fires on a spec written to break it, at the right line, and stays quiet on
the good specs; plus the engine's own promises (suppressions, plugins, crashes)."""

from __future__ import annotations

import pytest

from s0c.cli.findings import locate
from s0c.compiler.graph import Node
from s0c.plugins.hookspecs import hookimpl
from s0c.compiler.pipeline import build_graph, lint_spec
from s0c.plugins.manager import PluginError, make_plugin_manager
from s0c.policies.engine import registered_rules, run
from s0c.policies.rule import Rule, rule
from s0c.spec.diagnostics import Severity

from .specs import CASES, GOOD, GOOD_LIVE, TODAY, apply, marked_line

RULES = registered_rules(make_plugin_manager())


def lint(text: str):
    result = lint_spec("spec.yaml", text=text, today=TODAY)
    assert result.ok, [d.message for d in result.diagnostics]
    return locate(result)


def test_every_rule_has_a_case():
    assert set(RULES) == set(CASES)


def test_rule_metadata_is_complete():
    for each in RULES.values():
        assert each.title and each.rationale and each.remediation and each.tags, each.id
        assert each.title[0].isupper() and not each.title.endswith("."), each.id


@pytest.mark.parametrize("base", [GOOD, GOOD_LIVE], ids=["development", "live"])
def test_good_specs_have_no_findings(base):
    linted = lint(base)
    assert [(f.code, f.diagnostic.message) for f in linted.findings + linted.notices] == []


@pytest.mark.parametrize("rule_id,case", [(rule_id, case) for rule_id, cases in CASES.items()
                                          for case in cases],
                         ids=[f"{rule_id}-{n}" for rule_id, cases in CASES.items()
                              for n in range(len(cases))])
def test_rule_fires_at_its_line(rule_id, case):
    base, edits, severity = case
    text = apply(base, edits)
    linted = lint(text)
    hits = [f for f in linted.findings + linted.notices if f.code == rule_id]
    assert hits, f"{rule_id} did not fire; got {[f.code for f in linted.findings]}"
    assert {f.line for f in hits} == {marked_line(text)}, [f.diagnostic.message for f in hits]
    assert {f.severity.value for f in hits} == {severity}
    assert all(f.file == "spec.yaml" and f.column >= 1 for f in hits)


def test_expired_suppression_stops_suppressing():
    base, edits, _ = CASES["S0C-SUP-001"][0]
    codes = {f.code for f in lint(apply(base, edits)).findings}
    assert codes == {"S0C-SUP-001", "S0C-ENC-005"}


def test_suppression_scoped_to_a_resource():
    text = apply(GOOD, [("admin_cidrs: [203.0.113.10/32]",
                         "admin_cidrs: [198.51.100.0/22, 192.0.2.0/23]")])
    scoped = text + ("policies:\n  suppress:\n    - rule: S0C-SSH-002\n"
                     "      resource: network.admin_cidrs[0]\n      reason: office range, ticket 42\n")
    linted = lint(scoped)
    assert [f.diagnostic.path for f in linted.findings] == [("network", "admin_cidrs", 1)]
    assert [f.diagnostic.path for f in linted.suppressed] == [("network", "admin_cidrs", 0)]
    by_id = text + ("policies:\n  suppress:\n    - rule: S0C-SSH-002\n"
                    "      resource: app_in_ssh_1\n      reason: lab range, ticket 43\n")
    assert [f.diagnostic.path for f in lint(by_id).findings] == [("network", "admin_cidrs", 0)]


def test_suppression_needs_a_reason():
    result = lint_spec("spec.yaml", text=GOOD + "policies:\n  suppress:\n    - rule: S0C-ENC-005\n",
                       today=TODAY)
    assert [d.code for d in result.diagnostics] == ["S0C-SCHEMA"]
    assert "reason" in result.diagnostics[0].message


def test_poc_lints_clean_with_its_suppression():
    linted = locate(lint_spec("examples/poc.yaml", today=TODAY))
    assert not linted.invalid and not linted.failing(Severity.ERROR)
    assert [f.code for f in linted.suppressed] == ["S0C-ENC-005"]
    assert [f.code for f in linted.findings] == ["S0C-COST-002"]


def _graph(text: str):
    result = build_graph("spec.yaml", text=text)
    assert result.ok
    return result.spec, result.graph


def test_bucket_encryption_without_an_algorithm():
    spec, graph = _graph(GOOD)
    graph.nodes["bucket_backups_encryption"].props["rule"] = {}
    report = run(spec, graph, RULES, TODAY)
    assert [(d.code, d.resource) for d in report.findings] == [
        ("S0C-ENC-004", "bucket_backups_encryption")]


def test_graph_rules_see_what_no_spec_can_say():
    """The graph rules judge the graph, so a plugin's nodes are held to the same standard."""
    spec, graph = _graph(GOOD)
    graph.nodes["db"].props["publicly_accessible"] = True
    graph.add(Node("ssh_v6", "security_group_ingress", {
        "security_group_id": graph.nodes["app_in_ssh_0"].props["security_group_id"],
        "ip_protocol": "-1", "from_port": -1, "to_port": -1, "cidr_ipv6": "::/0"},
        ("network", "admin_cidrs")))
    graph.nodes["host_ssm"].props["policy_arn"] = "arn:aws:iam::aws:policy/AdministratorAccess"
    codes = sorted((d.code, d.resource) for d in run(spec, graph, RULES, TODAY).findings)
    assert codes == [("S0C-IAM-001", "host_ssm"), ("S0C-NET-010", "db"),
                     ("S0C-SSH-001", "ssh_v6")]


@rule("ACME-NAME-001", "Names start with acme", Severity.INFO, "House style.",
      "Rename the environment.", "style")
def acme_names(ctx):
    if not ctx.spec.name.startswith("acme"):
        yield acme_names.finding("not acme", ("name",))


class _ThirdParty:
    @hookimpl
    def s0c_register_policies(self, register):
        register(acme_names)


def test_third_party_rule_plugs_in():
    pm = make_plugin_manager([_ThirdParty()])
    assert "ACME-NAME-001" in registered_rules(pm)
    linted = locate(lint_spec("spec.yaml", text=GOOD, today=TODAY, pm=pm))
    assert [(f.code, f.line, f.severity) for f in linted.findings] == \
        [("ACME-NAME-001", 2, Severity.INFO)]


def test_duplicate_rule_id_fails_loudly():
    class Twice:
        @hookimpl
        def s0c_register_policies(self, register):
            register(RULES["S0C-ENC-001"])
    with pytest.raises(PluginError, match="S0C-ENC-001 is registered twice"):
        registered_rules(make_plugin_manager([Twice()]))


def test_a_crashing_rule_is_a_finding_not_a_traceback():
    def broken(ctx):
        raise KeyError("oops")
    rules = {**RULES, "ACME-BAD-001": Rule("ACME-BAD-001", "Broken", Severity.WARNING, "r", "f",
                                           broken, ("x",))}
    spec, graph = _graph(GOOD)
    findings = run(spec, graph, rules, TODAY).findings
    assert [(d.code, d.severity) for d in findings] == [("ACME-BAD-001", Severity.ERROR)]
    assert "KeyError" in findings[0].message
