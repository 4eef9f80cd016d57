"""`s0c apply` / `s0c destroy` of the PoC's boto3 plan against a moto server on 127.0.0.1.

moto gaps these tests work around, each named where it is used:
* DeleteCacheSubnetGroup is not implemented (HTTP 500);
* a deleted replication group stays "deleting" for ever, so the ReplicationGroupDeleted waiter
  never succeeds;
* the Budgets API's ListTagsForResource is not implemented: the stand-in answers with the tags
  the plan creates the budget with (the budget in these tests is always s0c's own).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from s0c.runner.apply import Journal, Runner, StepFailed, load_plan
from s0c.compiler.pipeline import compile_spec
from tests.aws import CREDENTIALS, REGION, inventory

ROOT = Path(__file__).resolve().parents[2]
POC = ROOT / "examples" / "poc.yaml"
LIVE = ROOT / "tests" / "golden" / "live_3az" / "input.yaml"
FAST_WAITERS = {"Delay": 0.2, "MaxAttempts": 25}
# Dashboards take no tags: after a lost journal only --adopt proves the PoC's is its own.
UNTAGGABLE = frozenset({"dashboard"})
_reference: dict[str, dict] = {}


def compile_plan(spec: Path, directory: Path) -> Path:
    result = compile_spec(str(spec), "boto3", text=spec.read_text(), base_dir=str(spec.parent))
    assert result.ok, result.diagnostics
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in result.files.items():
        (directory / name).write_text(text)
    return directory


def plan_from_text(text: str, directory: Path) -> Path:
    """A variant of the PoC (its key file resolves next to it) compiled into ``directory``."""
    result = compile_spec("spec.yaml", "boto3", text=text, base_dir=str(POC.parent))
    assert result.ok, result.diagnostics
    directory.mkdir(parents=True)
    (directory / "plan.json").write_text(result.files["plan.json"])
    return directory


class MotoRunner(Runner):
    """The Runner, with moto's two destroy gaps stepped around (see the module docstring)."""

    def call(self, step, operation, params, **kwargs):
        if operation == "DeleteCacheSubnetGroup":
            return {}
        if step["service"] == "budgets" and operation == "ListTagsForResource":
            return {"ResourceTags": step["params"]["ResourceTags"]}
        return super().call(step, operation, params, **kwargs)


def runner(directory: Path, server, **kwargs) -> MotoRunner:
    plan = load_plan(directory)
    return MotoRunner(plan, Journal.open(directory, plan, REGION), REGION, server.endpoint,
                      waiter_config=FAST_WAITERS,
                      skip_waiters=frozenset({"ReplicationGroupDeleted"}), **kwargs)


@pytest.fixture
def plan_dir(tmp_path: Path) -> Path:
    return compile_plan(POC, tmp_path / "plan")


def reference_inventory(aws, tmp_path: Path) -> dict:
    """The inventory of one uninterrupted apply of the PoC (computed once per session)."""
    if "poc" not in _reference:
        aws.reset()
        runner(compile_plan(POC, tmp_path / "reference"), aws).apply()
        _reference["poc"] = inventory(aws)
        aws.reset()
    return _reference["poc"]


def test_apply_builds_the_poc_and_a_second_apply_creates_nothing(aws, plan_dir: Path) -> None:
    first = runner(plan_dir, aws).apply()
    steps = len(load_plan(plan_dir)["steps"])
    assert first["created"] == steps
    built = inventory(aws)
    assert len(built["subnet"]) == 4 and len(built["nat_gateway"]) == 1
    assert [i[1] for i in built["instance"]] == ["t3.xlarge"]
    assert [(d[1], d[3], d[4]) for d in built["db_instance"]] == [("db.t3.small", "15", True)]
    assert [g[1:] for g in built["cache_replication_group"]] == [("cache.t3.micro", True, False)]
    assert len(built["target_group_attachment"]) == 4 and len(built["listener_rule"]) == 4
    assert len(built["metric_alarm"]) == 9 and built["budget"] == ["smart-0dte-poc-monthly"]
    # the default allow-all egress is gone: the host reaches only HTTPS, PostgreSQL and Redis
    egress = sorted(r[3] for r in built["security_group_rule"]
                    if r[0] == "smart-0dte-poc-app" and r[1] == "out")
    assert egress == [443, 5432, 6379]
    journal = json.loads((plan_dir / "journal.json").read_text())
    assert journal["outputs"]["db_port"] == 5432 and journal["outputs"]["instance_id"]

    second = runner(plan_dir, aws).apply()
    assert second == {"created": 0, "adopted": 0, "resumed": 0, "skipped": steps, "recreated": 0}
    assert inventory(aws) == built


def test_buckets_apply_private_encrypted_versioned_and_reapply_creates_nothing(
        aws, tmp_path: Path) -> None:
    text = POC.read_text() + ("\nbuckets:\n  - name: backups\n"
                              "  - {name: exports, versioning: false}\n")
    directory = plan_from_text(text, tmp_path / "plan")
    first = runner(directory, aws).apply()
    assert sorted(inventory(aws)["bucket"]) == [
        ("smart-0dte-poc-backups", "AES256", "Enabled", True, "smart-0dte-poc-backups"),
        ("smart-0dte-poc-exports", "AES256", None, True, "smart-0dte-poc-exports")]
    assert ("smart-0dte-poc-host", "read-write-buckets") in inventory(aws)["iam_role_policy"]
    second = runner(directory, aws).apply()
    assert second["created"] == 0 and second["skipped"] == first["created"]
    # Lost journal: the buckets are found again by name (and their tags), not created twice.
    built = inventory(aws)
    (directory / "journal.json").unlink()
    again = runner(directory, aws, adopt=UNTAGGABLE).apply()
    assert again["adopted"] == sum(1 for s in load_plan(directory)["steps"] if "find" in s)
    assert inventory(aws) == built
    runner(directory, aws).destroy(include_adopted=True)
    assert inventory(aws)["bucket"] == []


def test_flow_logs_apply_to_a_log_group_through_their_own_role_and_reapply_creates_nothing(
        aws, tmp_path: Path) -> None:
    text = re.sub(r"(?m)^(  nat: .*)$", r"\1\n  flow_logs: true\n  flow_logs_retention_days: 30",
                  POC.read_text())
    directory = plan_from_text(text, tmp_path / "plan")
    first = runner(directory, aws).apply()
    built = inventory(aws)
    group = "/s0c/smart-0dte-poc/vpc-flow-logs"
    assert built["log_group"] == [(group, 30, "smart-0dte-poc-flow-logs")]
    assert built["flow_log"] == [("smart-0dte-poc-flow-logs", True, "ALL", "cloud-watch-logs",
                                  group, "smart-0dte-poc-flow-logs")]
    assert ("smart-0dte-poc-flow-logs", "deliver-flow-logs") in built["iam_role_policy"]
    second = runner(directory, aws).apply()
    assert second["created"] == 0 and second["skipped"] == first["created"]
    # Lost journal: the group is found by name, the flow log by its tags.
    (directory / "journal.json").unlink()
    runner(directory, aws, adopt=UNTAGGABLE).apply()
    assert inventory(aws) == built
    runner(directory, aws).destroy(include_adopted=True)
    left = inventory(aws)
    assert left["log_group"] == [] and left["flow_log"] == []


def test_every_resource_is_found_again_without_the_journal(aws, plan_dir: Path) -> None:
    """Losing the journal (or being killed before writing it) duplicates nothing: each step
    either finds its resource by tag or name, or is an idempotent call."""
    runner(plan_dir, aws).apply()
    built = inventory(aws)
    (plan_dir / "journal.json").unlink()
    # Everything carries this environment's tags but the dashboard, which takes none.
    again = runner(plan_dir, aws, adopt=UNTAGGABLE).apply()
    plan = load_plan(plan_dir)
    with_find = sum(1 for s in plan["steps"] if "find" in s)
    assert again["adopted"] == with_find
    assert inventory(aws) == built
    journal = json.loads((plan_dir / "journal.json").read_text())
    assert {e["origin"] for e in journal["steps"].values() if e["node"] != "_account"} >= \
        {"adopted"}
    # destroy leaves what it adopted (it did not create it) unless told otherwise
    assert runner(plan_dir, aws).destroy()["deleted"] == \
        sum(1 for s in plan["steps"] if "undo" in s and journal["steps"][s["id"]]["origin"]
            == "created")
    assert inventory(aws)["instance"] == built["instance"]


class Killed(BaseException):
    """Stands in for SIGKILL: not an Exception, so nothing in s0c catches it."""


@pytest.mark.parametrize("kill_at", ["vpc", "igw/attach", "nat_a", "alb_in_https", "db",
                                     "host_profile/role", "host", "https", "budget"])
def test_an_apply_killed_after_a_step_resumes_to_the_same_environment(
        aws, tmp_path: Path, kill_at: str) -> None:
    expected = reference_inventory(aws, tmp_path)
    plan_dir = compile_plan(POC, tmp_path / "killed")

    def kill(step: dict) -> None:
        if step["id"] == kill_at:
            raise Killed  # after AWS did the work, before the journal recorded it

    with pytest.raises(Killed):
        runner(plan_dir, aws, after_call=kill).apply()
    steps = json.loads((plan_dir / "journal.json").read_text())["steps"]
    recorded = {sid for sid, entry in steps.items() if entry["status"] == "done"}
    assert kill_at not in recorded and recorded  # the journal is intact up to the kill
    # a step with a find recorded that its create call was sent: the resumed run knows it
    # made what it finds
    has_find = any("find" in s for s in load_plan(plan_dir)["steps"] if s["id"] == kill_at)
    assert steps.get(kill_at, {}).get("status") == ("calling" if has_find else None)
    resumed = runner(plan_dir, aws).apply()
    assert resumed["skipped"] == len(recorded) and resumed["adopted"] == 0
    assert inventory(aws) == expected
    journal = json.loads((plan_dir / "journal.json").read_text())
    assert {e["origin"] for e in journal["steps"].values()} == {"created"}


def test_a_failing_step_names_itself_and_the_aws_error_and_keeps_the_journal(
        aws, plan_dir: Path) -> None:
    plan = json.loads((plan_dir / "plan.json").read_text())
    subnet = next(s for s in plan["steps"] if s["id"] == "private_b")
    subnet["params"]["CidrBlock"] = "192.168.0.0/24"  # outside the VPC: EC2 refuses it
    (plan_dir / "plan.json").write_text(json.dumps(plan))
    proc = _cli("apply", str(plan_dir), "--endpoint-url", aws.endpoint)
    assert proc.returncode == 1
    assert "step private_b (ec2 CreateSubnet) failed: InvalidSubnet.Range" in proc.stderr
    journal = json.loads((plan_dir / "journal.json").read_text())
    assert "vpc" in journal["steps"] and "private_b" not in journal["steps"]


def test_destroy_removes_everything_and_keeps_the_final_snapshot(aws, plan_dir: Path) -> None:
    runner(plan_dir, aws).apply()
    journal = json.loads((plan_dir / "journal.json").read_text())
    created = journal["steps"]["db"]["outputs"]["_created"]
    counts = runner(plan_dir, aws).destroy()
    assert counts["deleted"] > 50
    left = {kind: items for kind, items in inventory(aws).items() if items}
    # moto cannot delete a cache subnet group (DeleteCacheSubnetGroup is not implemented)
    assert left == {"cache_subnet_group": ["smart-0dte-poc-cache"]}
    snapshots = aws.client("rds").describe_db_snapshots()["DBSnapshots"]
    # Named after this creation of the database (UTC, to the second): a re-created database's
    # final snapshot cannot collide with this one. (moto never finishes deleting a replication
    # group, so a second create-and-destroy cycle cannot run here.)
    assert re.fullmatch(r"[0-9]{14}", created)
    assert [s["DBSnapshotIdentifier"] for s in snapshots] == \
        [f"smart-0dte-poc-postgres-final-{created}"]
    assert not (plan_dir / "journal.json").exists()


def _cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, **CREDENTIALS, "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "s0c.cli", *args], capture_output=True,
                          text=True, env=env, input=stdin, timeout=300)


def test_cli_apply_dry_run_reapply_and_destroy_confirmation(aws, plan_dir: Path) -> None:
    dry = _cli("apply", str(plan_dir), "--dry-run")
    assert dry.returncode == 1 and "90 of 90 steps to run" in dry.stdout
    applied = _cli("apply", str(plan_dir), "--endpoint-url", aws.endpoint)
    assert applied.returncode == 0, applied.stderr
    assert "+ vpc (ec2 CreateVpc)" in applied.stderr
    assert "smart-0dte-poc: 90 run, 0 adopted, 0 resumed, 0 already applied" in applied.stdout
    again = _cli("apply", str(plan_dir), "--endpoint-url", aws.endpoint)
    assert again.returncode == 0 and "0 run, 0 adopted, 0 resumed, 90 already applied" in \
        again.stdout
    assert _cli("apply", str(plan_dir), "--dry-run").returncode == 0
    refused = _cli("destroy", str(plan_dir), "--endpoint-url", aws.endpoint)
    assert refused.returncode == 2 and "--yes" in refused.stderr
    assert inventory(aws)["instance"]  # nothing was deleted


def test_a_dry_run_classifies_steps_a_recompiled_plan_changed(aws, tmp_path: Path) -> None:
    directory = plan_from_text(POC.read_text(), tmp_path / "plan")
    runner(directory, aws).apply()
    text = POC.read_text().replace("instance_class: db.t3.small", "instance_class: db.t3.medium")
    recompiled = compile_spec("spec.yaml", "boto3", text=text, base_dir=str(POC.parent))
    (directory / "plan.json").write_text(recompiled.files["plan.json"])
    dry = _cli("apply", str(directory), "--dry-run")
    assert dry.returncode == 1
    assert ("changed since applied, not updated by apply: db: instance_class (update with"
            " interruption); worst: update with interruption") in dry.stdout
    assert "0 of 90 steps to run" in dry.stdout and "1 of them changed since" in dry.stdout
    assert "s0c diff OLD NEW" in dry.stdout


def test_a_live_plan_is_not_applied_without_confirm_live(tmp_path: Path) -> None:
    plan_dir = compile_plan(LIVE, tmp_path / "live")
    # No AWS endpoint at all: the refusal happens before any call.
    proc = _cli("apply", str(plan_dir), "--endpoint-url", "http://127.0.0.1:9")
    assert proc.returncode == 2 and "--confirm-live" in proc.stderr
    assert not (plan_dir / "journal.json").exists()
    assert _cli("apply", str(plan_dir), "--dry-run").returncode == 1  # calls nothing: allowed
    proc = _cli("destroy", str(plan_dir), "--yes")
    assert proc.returncode == 0 and "nothing to destroy" in proc.stdout


def test_journal_steps_the_plan_no_longer_has_are_reported(aws, plan_dir: Path) -> None:
    runner(plan_dir, aws).apply()
    journal = json.loads((plan_dir / "journal.json").read_text())
    journal["steps"]["old_bastion"] = {"node": "old_bastion", "status": "done",
                                       "origin": "created", "outputs": {}}
    (plan_dir / "journal.json").write_text(json.dumps(journal))
    proc = _cli("apply", str(plan_dir), "--endpoint-url", aws.endpoint)
    assert proc.returncode == 0 and "1 steps this plan no longer has (old_bastion)" in proc.stderr


def test_apply_outside_a_plan_directory_is_a_usage_error(tmp_path: Path) -> None:
    proc = _cli("apply", str(tmp_path))
    assert proc.returncode == 2 and "no plan here" in proc.stderr
    (tmp_path / "plan.json").write_text("{not json")
    proc = _cli("apply", str(tmp_path))
    assert proc.returncode == 2 and "not a readable plan" in proc.stderr


def test_no_answer_from_aws_is_a_step_failure_in_find_and_wait_too(plan_dir: Path,
                                                                   monkeypatch) -> None:
    for key, value in CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    plan = load_plan(plan_dir)
    nobody = Runner(plan, Journal.open(plan_dir, plan, REGION), REGION, "http://127.0.0.1:9",
                    waiter_config={"Delay": 0.1, "MaxAttempts": 1})
    vpc = next(s for s in plan["steps"] if s["id"] == "vpc")
    with pytest.raises(StepFailed, match=r"step vpc \(ec2 DescribeVpcs\) failed: "
                                         r"EndpointConnectionError"):
        nobody.find(vpc)
    with pytest.raises(StepFailed, match=r"step vpc \(ec2 waiter VpcAvailable\) failed: "
                                         r"EndpointConnectionError"):
        nobody.wait(vpc, {"waiter": "VpcAvailable", "params": {"VpcIds": ["vpc-1"]}})


def test_messages_are_one_line_at_any_width_and_say_only_what_happened(plan_dir: Path) -> None:
    """Piped (a CI log), a narrow terminal width must not fold a message; without credentials
    nothing was created, and no journal is claimed."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("AWS_")}
    env.update({"COLUMNS": "30", "NO_COLOR": "1", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
                "AWS_CONFIG_FILE": "/nonexistent", "AWS_EC2_METADATA_DISABLED": "true"})
    done = subprocess.run([sys.executable, "-m", "s0c.cli", "apply", str(plan_dir),
                           "--endpoint-url", "http://127.0.0.1:9"], capture_output=True,
                          text=True, env=env, timeout=300)
    assert done.returncode != 0
    failure = [line for line in done.stderr.splitlines() if "failed" in line]
    assert failure and "credentials" in failure[0].lower(), done.stderr
    assert "nothing was created" in done.stderr and "journal" not in done.stderr
