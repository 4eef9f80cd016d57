"""Golden diagnostics: a spec with many mistakes, and the exact lines s0c prints for it."""

from __future__ import annotations

from pathlib import Path

from s0c.cli.common import format_diagnostics
from s0c.compiler.pipeline import compile_spec

CASE = Path(__file__).resolve().parents[1] / "golden" / "bad_spec"


def _diagnostics() -> str:
    spec = CASE / "input.yaml"
    result = compile_spec("input.yaml", "terraform", text=spec.read_text(), base_dir=str(CASE))
    assert not result.ok and not result.files
    return "\n".join(format_diagnostics((result.source, d) for d in result.diagnostics)) + "\n"


def test_bad_spec_diagnostics(update_goldens: bool) -> None:
    expected = CASE / "expected" / "diagnostics.txt"
    if update_goldens:
        expected.write_text(_diagnostics())
    assert _diagnostics() == expected.read_text()
