"""Suppressions limited to modes: the PoC's dev-only Redis-TLS suppression stops working when the
spec switches to live, and every report says which modes a suppression covers."""

from __future__ import annotations

import json

from click.testing import CliRunner

from s0c.cli.main import cli
from s0c.compiler.pipeline import lint_spec
from tests.specs import EXAMPLES, dump, poc_data

from .specs import TODAY


def _lint(data: dict):
    return lint_spec("spec.yaml", today=TODAY, text=dump(data), base_dir=str(EXAMPLES))


def _codes(findings) -> set[tuple[str, str | None]]:
    return {(d.code, d.resource) for d in findings}


def test_the_poc_suppresses_redis_tls_in_development_and_testing_only():
    for mode in ("development", "testing"):
        data = poc_data()
        data["mode"] = mode
        report = _lint(data).report
        assert [d.code for d, _ in report.suppressed] == ["S0C-ENC-005"]
        assert "S0C-ENC-005" not in {d.code for d in report.findings}


def test_switched_to_live_the_dev_only_suppression_no_longer_hides_the_error():
    data = poc_data()
    data["mode"] = "live"
    report = _lint(data).report
    tls = [d for d in report.findings if d.code == "S0C-ENC-005"]
    assert tls and tls[0].severity.value == "error"
    assert not report.suppressed
    # Not reported as unused either: it is simply out of scope in this mode.
    assert "S0C-SUP-002" not in {d.code for d in report.notices}


def test_lint_cli_of_the_poc_switched_to_live_fails(tmp_path):
    data = poc_data()
    data["mode"] = "live"
    (tmp_path / "id_ed25519.pub").write_text((EXAMPLES / data["compute"]["key_pair"]
                                              ["public_key_file"]).read_text())
    data["compute"]["key_pair"]["public_key_file"] = "id_ed25519.pub"
    spec = tmp_path / "live.yaml"
    spec.write_text(dump(data))
    result = CliRunner().invoke(cli, ["lint", str(spec), "--format", "json"])
    assert result.exit_code == 1, result.output
    findings = json.loads(result.output)["files"][0]["findings"]
    assert any(f["rule"] == "S0C-ENC-005" and f["severity"] == "error" for f in findings)


def test_modes_appear_in_json_and_sarif_and_the_schema():
    runner = CliRunner()
    poc = str(EXAMPLES / "poc.yaml")
    report = json.loads(runner.invoke(cli, ["lint", poc, "--format", "json"]).output)
    suppressed = report["files"][0]["suppressed"]
    assert suppressed[0]["suppression"]["modes"] == ["development", "testing"]
    sarif = json.loads(runner.invoke(cli, ["lint", poc, "--format", "sarif"]).output)
    hidden = [r for r in sarif["runs"][0]["results"] if r.get("suppressions")]
    assert hidden[0]["suppressions"][0]["properties"]["modes"] == ["development", "testing"]
    schema = json.loads(runner.invoke(cli, ["schema"]).output)
    assert "modes" in schema["$defs"]["Suppression"]["properties"]


def test_an_unknown_mode_is_a_positioned_error():
    data = poc_data()
    data["policies"]["suppress"][0]["modes"] = ["production"]
    result = _lint(data)
    assert not result.ok
    assert any(d.path[:4] == ("policies", "suppress", 0, "modes") for d in result.diagnostics)
