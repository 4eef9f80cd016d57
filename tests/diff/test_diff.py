"""s0c diff: golden diffs of the changes the team makes, and properties of any diff."""

from __future__ import annotations

import datetime
import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings

from s0c.catalogue.changes import attribute_paths
from s0c.cli.main import cli
from s0c.diff.compare import compare, lint_both
from s0c.diff.render import render_json, render_markdown, render_text
from tests.specs import EXAMPLES, dump
from tests.strategies import valid_specs

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden" / "diffs"
POC = (EXAMPLES / "poc.yaml").read_text()
TODAY = datetime.date(2026, 11, 24)
APP = """  - name: options-lab
    repo: https://github.com/TKTINC/options-lab.git
    api_port: 8002
    web_port: 3002
    redis_db: 4
    health_path: /health
"""
MAG7 = POC[POC.index("  - name: mag7-7dte"):POC.index("\nmonitoring:")]
# case -> the edits that turn the PoC into NEW
CASES: dict[str, list[tuple[str, str]]] = {
    "development_to_live": [("mode: development ", "mode: live        ")],
    "db_class": [("instance_class: db.t3.small", "instance_class: db.t3.medium")],
    "private_subnet_cidr": [("private_subnets: [10.0.2.0/24,", "private_subnets: [10.0.6.0/24,")],
    "add_app": [(MAG7, MAG7 + APP.rstrip("\n"))],
    "remove_app": [(MAG7, "")],
    "cache_node_type": [("node_type: cache.t3.micro", "node_type: cache.t3.small")],
    "host_instance_type": [("instance_type: t3.xlarge", "instance_type: t3.2xlarge")],
    "redis_transit_encryption": [("transit_encryption: false", "transit_encryption: true")],
}
TARGETS = ("terraform", "cloudformation")


def variant(edits: list[tuple[str, str]]) -> str:
    text = POC
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def diff_texts(old: str, new: str):
    a, b = lint_both(("old.yaml", old, str(EXAMPLES)), ("new.yaml", new, str(EXAMPLES)), TODAY)
    assert a.ok and b.ok, (a.diagnostics, b.diagnostics)
    return compare(a, b, "old.yaml", "new.yaml")


def plain(found) -> str:
    return "".join(f"{line}\n" for _, line in render_text(found, TARGETS))


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden_diff(case: str, update_goldens: bool) -> None:
    found = diff_texts(POC, variant(CASES[case]))
    outputs = {f"{case}.txt": plain(found), f"{case}.json": render_json(found, TARGETS)}
    for name, text in outputs.items():
        path = GOLDEN / name
        if update_goldens:
            path.write_text(text)
        assert text == path.read_text(), f"{name} differs (review, then --update-goldens)"


def test_the_live_switch_replaces_the_host_and_says_why() -> None:
    found = diff_texts(POC, variant(CASES["development_to_live"]))
    host = next(r for r in found.resources if r.id == "host")
    assert host.action == {"terraform": "replace", "cloudformation": "interrupt"}
    assert {(e.key, e.new) for e in found.env if e.app == "smart-0dte"} >= {
        ("TRADING_MODE", "production"), ("PAPER_TRADING", "false"), ("LOG_LEVEL", "warning")}
    assert found.goes_live and found.reaches("replace")
    assert {"S0C-LIVE-001", "S0C-LIVE-007"} <= {f.code for f in found.findings_added}


def test_a_class_change_interrupts_the_database_and_costs_more() -> None:
    found = diff_texts(POC, variant(CASES["db_class"]))
    [db] = found.changed()
    assert db.id == "db" and db.worst() == "interrupt" and not db.data_loss
    assert db.attrs[0].change.interruption == "unavailable during modification"
    assert found.cost.delta > 0 and [line.resource for line in found.cost.lines] == ["db"]
    assert found.reaches("interruption") and not found.reaches("replace")


def test_a_private_subnet_cidr_replaces_the_subnet_and_reaches_its_users() -> None:
    found = diff_texts(POC, variant(CASES["private_subnet_cidr"]))
    by_id = {r.id: r for r in found.changed()}
    assert by_id["private_a"].worst() == "replace"
    # The subnet groups change their subnets in place, which AWS refuses while the database or
    # the cache runs in the old subnet: the diff says so.
    for group in ("db_subnets", "cache_subnets"):
        change = by_id[group]
        assert change.worst() == "update" and "private_a is replaced" in change.attrs[0].cause
        assert any("in use" in note for note in change.notes), change.notes
    assert by_id["host"].worst() == "replace"  # the host lives in the first private subnet


def test_redis_transit_encryption_is_where_the_backends_disagree_or_interrupt() -> None:
    found = diff_texts(POC, variant(CASES["redis_transit_encryption"]))
    cache = next(r for r in found.changed() if r.id == "cache")
    assert cache.worst() == "interrupt"
    env = {(e.key, e.new) for e in found.env}
    assert ("REDIS_TLS", "true") in env


def test_removing_an_app_deletes_its_resources_and_changes_the_host() -> None:
    found = diff_texts(POC, variant(CASES["remove_app"]))
    deleted = {r.id for r in found.changed() if r.worst() == "delete"}
    assert "tg_mag7_7dte_api" in deleted and "tg_mag7_7dte_api_host" in deleted
    assert found.cost.delta <= 0


def test_markdown_puts_data_loss_first_and_draws_what_changes() -> None:
    from s0c.compiler.diagram import mermaid

    text = variant(CASES["remove_app"]).replace("buckets: []", "") + (
        "\nbuckets:\n  - name: backups\n")
    with_bucket = diff_texts(text, variant(CASES["remove_app"]))
    assert [c.id for c in with_bucket.data_loss()] == ["bucket_backups"]
    marks = {c.id: ("data-loss" if c.data_loss else c.worst()) for c in with_bucket.changed()}
    old_graph = _graph(text)
    markdown = render_markdown(with_bucket, TARGETS, mermaid(old_graph, marks, set(marks)))
    assert markdown.startswith("### s0c diff")
    assert "| create | update | interrupt | replace | delete | data loss | cost / month |" in markdown
    assert markdown.index("**Data loss**") < markdown.index("<details><summary>Resources")
    assert "```mermaid" in markdown and "mark_data_loss" in markdown


def _graph(text: str):
    from tests.specs import compile_text

    return compile_text(text).graph


# -- properties --------------------------------------------------------------------------------

SLOW = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SLOW
@given(valid_specs())
def test_a_spec_against_itself_is_no_change(data: dict) -> None:
    found = diff_texts(dump(data), dump(data))
    assert found.changed() == [] and found.env == [] and found.cost.delta == 0
    assert not found.reaches("change")


@SLOW
@given(valid_specs(), valid_specs())
def test_diff_mirrors_and_its_cost_is_the_difference_of_the_estimates(a: dict, b: dict) -> None:
    forward, backward = diff_texts(dump(a), dump(b)), diff_texts(dump(b), dump(a))
    created = {r.id for r in forward.changed() if r.worst() == "create"}
    deleted = {r.id for r in backward.changed() if r.worst() == "delete"}
    assert created == deleted
    assert {r.id for r in forward.changed() if r.worst() == "delete"} == {
        r.id for r in backward.changed() if r.worst() == "create"}
    assert forward.cost.delta == -backward.cost.delta
    assert forward.cost.delta == round(forward.cost.new - forward.cost.old, 2)
    for change in forward.changed():
        for attr in change.attrs:  # every changed attribute has a sourced classification
            assert attr.change.sources, (change.kind, attr.path)
            assert not attr.change.reason.startswith("unclassified"), (change.kind, attr.path)


def test_every_changed_attribute_path_is_one_the_catalogue_knows() -> None:
    found = diff_texts(POC, variant(CASES["development_to_live"] + CASES["db_class"]))
    for change in found.changed():
        if change.attrs:
            graph = _graph(variant(CASES["development_to_live"] + CASES["db_class"]))
            paths = set(attribute_paths(change.kind, graph.nodes[change.id].props))
            assert {a.path for a in change.attrs} <= paths


# -- the command -------------------------------------------------------------------------------

def _write_pair(tmp_path: Path, new_text: str) -> tuple[str, str]:
    import shutil

    shutil.copytree(EXAMPLES / "keys", tmp_path / "keys")
    (tmp_path / "old.yaml").write_text(POC)
    (tmp_path / "new.yaml").write_text(new_text)
    return str(tmp_path / "old.yaml"), str(tmp_path / "new.yaml")


def test_cli_exit_codes_follow_fail_on_and_the_live_guard(tmp_path: Path) -> None:
    runner = CliRunner()
    old, same = _write_pair(tmp_path, POC)
    assert runner.invoke(cli, ["diff", old, same]).exit_code == 0
    (tmp_path / "new.yaml").write_text(variant(CASES["db_class"]))
    assert runner.invoke(cli, ["diff", old, same]).exit_code == 1
    assert runner.invoke(cli, ["diff", old, same, "--fail-on", "replace"]).exit_code == 0
    assert runner.invoke(cli, ["diff", old, same, "--fail-on", "interruption"]).exit_code == 1
    (tmp_path / "new.yaml").write_text(variant(CASES["development_to_live"]))
    guarded = runner.invoke(cli, ["diff", old, same, "--fail-on", "data-loss"])
    assert guarded.exit_code == 1 and "--allow-live" in guarded.output
    allowed = runner.invoke(cli, ["diff", old, same, "--fail-on", "data-loss", "--allow-live"])
    assert allowed.exit_code == 0
    (tmp_path / "new.yaml").write_text("version: 1\nname: [\n")
    bad = runner.invoke(cli, ["diff", old, same])
    assert bad.exit_code == 2 and "new.yaml:" in bad.output
    assert runner.invoke(cli, ["diff", old, str(tmp_path / "missing.yaml")]).exit_code == 2


def test_cli_json_layout_is_stable(tmp_path: Path) -> None:
    old, new = _write_pair(tmp_path, variant(CASES["db_class"]))
    result = CliRunner().invoke(cli, ["diff", old, new, "--format", "json", "-b", "terraform"])
    doc = json.loads(result.output)
    assert doc["format"] == "s0c.diff/1" and doc["targets"] == ["terraform"]
    assert set(doc) == {"format", "old", "new", "goes_live", "targets", "summary", "resources",
                        "environment", "cost", "findings"}
    [db] = doc["resources"]
    assert db["action"] == {"terraform": "interrupt"}
    assert db["attributes"][0]["sources"]


def test_git_revisions_are_read_with_their_key_file(tmp_path: Path, monkeypatch) -> None:
    import shutil

    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLES, repo / "examples")
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    for args in (["init", "-q", "-b", "main"], ["add", "."], ["commit", "-qm", "base"]):
        subprocess.run(["git", *args], cwd=repo, check=True, env={**env, "PATH": _path()})
    (repo / "examples" / "poc.yaml").write_text(variant(CASES["db_class"]))
    # The key file is gone from the work tree: only the revision still has it.
    shutil.rmtree(repo / "examples" / "keys")
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(cli, ["diff", "main:examples/poc.yaml", "HEAD:examples/poc.yaml",
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["resources"] == []
    (repo / "examples" / "keys").mkdir()
    shutil.copy(EXAMPLES / "keys" / "poc.pub", repo / "examples" / "keys" / "poc.pub") \
        if (EXAMPLES / "keys" / "poc.pub").exists() else None
    result = CliRunner().invoke(cli, ["diff", "main:examples/poc.yaml", "examples/poc.yaml"])
    assert "db (db_instance)" in result.output
    missing = CliRunner().invoke(cli, ["diff", "nosuchrev:examples/poc.yaml", "examples/poc.yaml"])
    assert missing.exit_code == 2 and "s0c diff:" in missing.output


def _path() -> str:
    import os

    return os.environ["PATH"]
