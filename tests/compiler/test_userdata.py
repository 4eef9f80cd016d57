"""The host's boot script: valid bash, and spec values reach git and .env exactly as written,
with nothing in them executed. The script's functions run for real under bash, with stub
commands (git, aws, docker) on PATH that record their arguments."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from s0c.compiler.graph import Ref
from tests.specs import compile_data, poc_data
from tests.strategies import nasty_text

BASH = shutil.which("bash")
SAMPLE = {"address": "db.internal.example", "port": "5432",
          "master_user_secret_arn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds-x",
          "primary_endpoint": "redis.internal.example"}

# Each stub records its arguments, NUL-terminated, in a new numbered file under $STUB_LOG.
_RECORD = ('n=$(ls "$STUB_LOG" | wc -l); printf "%s\\0" "$(basename "$0")" "$@"'
           ' > "$STUB_LOG/$(printf %05d "$n")";')
STUBS = {
    "git": _RECORD + ' for last; do :; done; mkdir -p "$last/.git"',
    "docker": _RECORD,
    "aws": _RECORD + ' case "$*" in *rds-x*) echo \'{"password":"p$w`d\\\\x"}\' ;; *ssm*) echo ssm-value ;;'
           ' *) echo sm-value ;; esac',
}


def script_for(data: dict) -> str:
    result = compile_data(data)
    assert result.ok, result.diagnostics
    parts = result.graph.nodes["host"].props["user_data"].parts
    return "".join(p if isinstance(p, str) else SAMPLE[p.attr] for p in parts)


def run_functions(script: str, calls: str, tmp: Path) -> tuple[subprocess.CompletedProcess, Path]:
    bin_dir = tmp / "bin"
    bin_dir.mkdir()
    for name, body in STUBS.items():
        stub = bin_dir / name
        stub.write_text(f"#!/bin/bash\n{body}\n")
        stub.chmod(0o755)
    # Everything but the final `case` dispatch: define the functions, then call some of them.
    library = script[: script.index('case "${1:-bootstrap}" in')]
    (tmp / "lib.sh").write_text(library)
    log = tmp / "calls"
    log.mkdir()
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "STUB_LOG": str(log), "HOME": str(tmp)}
    proc = subprocess.run([BASH, "-c", f'source "$0"; APPS_DIR={tmp}/apps; {calls}',
                           str(tmp / "lib.sh")], cwd=tmp, env=env, capture_output=True,
                          text=True, timeout=60)
    return proc, log


def calls(log: Path) -> list[list[str]]:
    return [path.read_text().split("\0")[:-1] for path in sorted(log.iterdir())]


_COMPOSE_ESCAPES = {"\\": "\\", '"': '"', "$": "$", "n": "\n", "r": "\r"}


def read_env(path: Path) -> dict[str, str]:
    """Read a .env file the way docker compose reads double-quoted values (compose-go's
    dotenv parser: backslash escapes, and an escaped $ is literal)."""
    out = {}
    for line in path.read_text().splitlines():
        key, _, value = line.partition("=")
        assert value.startswith('"') and value.endswith('"'), line
        chars, i, body = [], 0, value[1:-1]
        while i < len(body):
            if body[i] == "\\":
                chars.append(_COMPOSE_ESCAPES[body[i + 1]])
                i += 2
            else:
                assert body[i] not in '"$', f"unescaped {body[i]!r} in {line!r}"
                chars.append(body[i])
                i += 1
        out[key] = "".join(chars)
    return out


@pytest.mark.skipif(BASH is None, reason="needs bash")
def test_poc_script_is_valid_bash() -> None:
    proc = subprocess.run([BASH, "-n"], input=script_for(poc_data()), text=True,
                          capture_output=True)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.skipif(BASH is None, reason="needs bash")
def test_poc_env_files(tmp_path: Path) -> None:
    data = poc_data()
    proc, log = run_functions(script_for(data), "clone_apps && write_envs && start_apps", tmp_path)
    assert proc.returncode == 0, proc.stderr
    for app, redis_db, api, web in (("smart-0dte", "0", "8000", "3000"),
                                    ("mag7-7dte", "8", "8001", "3001")):
        env_file = tmp_path / "apps" / app / ".env"
        assert oct(env_file.stat().st_mode & 0o777) == "0o600"
        env = read_env(env_file)
        assert env["REDIS_DB"] == redis_db and env["API_PORT"] == api and env["WEB_PORT"] == web
        assert env["DATABASE_HOST"] == SAMPLE["address"]
        assert env["DATABASE_PASSWORD"] == "p$w`d\\x"  # fetched at boot, written literally
        assert (env["TRADING_MODE"], env["PAPER_TRADING"], env["LOG_LEVEL"]) == \
            ("development", "true", "debug")
    recorded = calls(log)
    clones = [c for c in recorded if c[:2] == ["git", "clone"]]
    assert [c[-2] for c in clones] == [a["repo"] for a in data["apps"]]


@pytest.mark.skipif(BASH is None, reason="needs bash")
@pytest.mark.parametrize("mode,expected", [("testing", ("testing", "true", "info")),
                                           ("live", ("production", "false", "warning"))])
def test_mode_switch(tmp_path: Path, mode: str, expected: tuple) -> None:
    data = poc_data()
    data["mode"] = mode
    proc, _ = run_functions(script_for(data), "clone_apps && write_envs", tmp_path)
    assert proc.returncode == 0, proc.stderr
    env = read_env(tmp_path / "apps" / "smart-0dte" / ".env")
    assert (env["TRADING_MODE"], env["PAPER_TRADING"], env["LOG_LEVEL"]) == expected


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@pytest.mark.skipif(BASH is None, reason="needs bash")
@settings(max_examples=30)
@given(repo=nasty_text(1, 60), branch=nasty_text(1, 30),
       value=nasty_text(0, 40),
       secret=st.sampled_from(["ssm:/a/b", "secretsmanager:x/y"]))
def test_no_shell_injection(repo: str, branch: str, value: str, secret: str) -> None:
    data = poc_data()
    app = data["apps"][0]
    app.update(repo=repo, branch=branch, env={"X_VALUE": value}, secrets={"X_SECRET": secret})
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        proc, log = run_functions(script_for(data), "clone_apps && write_envs", tmp_path)
        assert proc.returncode == 0, proc.stderr
        assert not list(tmp_path.rglob("PWNED")), "a spec value was executed"
        clone = next(c for c in calls(log) if c[:2] == ["git", "clone"])
        # The spec's strings are NFC-normalized when it is loaded (U+F900 becomes U+8C48).
        assert clone[clone.index("--branch") + 1] == nfc(branch)
        assert clone[-2] == nfc(repo)
        env = read_env(tmp_path / "apps" / app["name"] / ".env")
        assert env["X_VALUE"] == nfc(value)
        assert env["X_SECRET"] == ("ssm-value" if secret.startswith("ssm:") else "sm-value")


def test_refs_in_script_are_the_deploy_time_values() -> None:
    result = compile_data(poc_data())
    parts = result.graph.nodes["host"].props["user_data"].parts
    refs = {(p.node, p.attr) for p in parts if isinstance(p, Ref)}
    assert refs == {("db", "address"), ("db", "port"), ("db", "master_user_secret_arn"),
                    ("cache", "primary_endpoint")}
