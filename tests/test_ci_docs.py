"""What the README and .pre-commit-hooks.yaml tell CI users to run actually runs."""

from __future__ import annotations

import re
import shlex
import types
from pathlib import Path

from click.testing import CliRunner
from ruamel.yaml import YAML

from s0c.cli.main import cli
from s0c.compiler.pipeline import lint_spec
from s0c.plugins.manager import make_plugin_manager
from tests.policies.specs import GOOD, TODAY

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def test_pre_commit_hooks_name_real_commands():
    hooks = YAML(typ="safe").load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert {hook["id"] for hook in hooks} == {"s0c-lint", "s0c-validate"}
    for hook in hooks:
        program, command = shlex.split(hook["entry"])
        assert program == "s0c" and command in cli.commands
        assert re.search(hook["files"], "environments/poc.yaml")
        assert hook["language"] == "python"


def test_github_actions_example_runs(tmp_path, monkeypatch):
    workflows = [YAML(typ="safe").load(block) for block in _blocks("yaml")
                 if block.startswith("name: s0c")]
    assert len(workflows) == 1
    steps = workflows[0]["jobs"]["lint"]["steps"]
    assert any(step.get("uses", "").startswith("github/codeql-action/upload-sarif")
               for step in steps)
    monkeypatch.chdir(ROOT)
    commands = [step["run"] for step in steps if step.get("run", "").startswith("s0c ")]
    assert len(commands) == 3
    for command in commands:
        args = shlex.split(command.split(">>")[0])[1:]
        args = [str(tmp_path / "out") if a.startswith("build/") else
                str(tmp_path / a) if a.endswith(".sarif") else a for a in args]
        result = CliRunner().invoke(cli, args, catch_exceptions=False)
        assert result.exit_code == 0, (command, result.output)
    assert (tmp_path / "s0c.sarif").read_text().startswith("{")


def test_readme_rule_plugin_example_works():
    example = next(block for block in _blocks("python") if "s0c_register_policies" in block)
    plugin = types.ModuleType("acme_rules")
    exec(compile(example, "README.md", "exec"), plugin.__dict__)
    result = lint_spec("spec.yaml", text=GOOD, today=TODAY, pm=make_plugin_manager([plugin]))
    assert [(d.code, d.path) for d in result.report.findings] == [("ACME-TAG-001", ("tags",))]
