"""`s0c diff` reads its inputs under the loader's limits: a FIFO is refused at once, and a
hostile document given as a git revision never reaches the parser outside the limits."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from click.testing import CliRunner

from s0c.cli.main import cli
from s0c.diff.inputs import _key_file
from tests.specs import EXAMPLES


def test_a_fifo_is_refused_not_waited_on(tmp_path: Path):
    fifo = tmp_path / "spec.yaml"
    os.mkfifo(fifo)
    result = CliRunner().invoke(cli, ["diff", str(fifo), str(EXAMPLES / "poc.yaml")])
    assert result.exit_code == 2 and "FIFO" in result.output


def test_an_oversized_spec_is_refused(tmp_path: Path):
    big = tmp_path / "big.yaml"
    big.write_text("a: " + "x" * 10_000_000 + "\n")
    result = CliRunner().invoke(cli, ["diff", str(big), str(EXAMPLES / "poc.yaml")])
    assert result.exit_code == 2 and "larger than" in result.output


def test_the_key_file_probe_respects_the_limits():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi"))
    assert _key_file(bomb) is None
    assert _key_file("a: " + "[" * 5000) is None
    assert _key_file("compute: {key_pair: {public_key_file: k.pub}}") == "k.pub"


def test_a_hostile_revision_is_a_clean_exit_2(tmp_path: Path):
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "spec.yaml").write_text("a: " + "{" * 40 + "\n")
    for args in (["init", "-q"], ["add", "spec.yaml"],
                 ["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "x"]):
        subprocess.run(["git", *args], cwd=repo, check=True)
    cwd = os.getcwd()
    os.chdir(repo)
    try:
        result = CliRunner().invoke(cli, ["diff", "HEAD:spec.yaml", str(EXAMPLES / "poc.yaml")])
    finally:
        os.chdir(cwd)
    assert result.exit_code == 2 and "S0C-YAML" in result.output
    assert "Traceback" not in result.output
