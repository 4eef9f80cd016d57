"""Golden files for every built-in backend: the PoC (examples/poc.yaml) and a live 3-AZ variant,
byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from s0c.compiler.pipeline import compile_spec

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden"
CASES = {
    "poc": ROOT / "examples" / "poc.yaml",
    "live_3az": GOLDEN / "live_3az" / "input.yaml",
}


BACKENDS = ("terraform", "cloudformation", "boto3")


def _compile(case: str, backend: str) -> dict[str, str]:
    result = compile_spec(str(CASES[case].relative_to(ROOT)), backend,
                          text=CASES[case].read_text(), base_dir=str(CASES[case].parent))
    assert result.ok, result.diagnostics
    return result.files


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_golden(case: str, backend: str, update_goldens: bool) -> None:
    files = _compile(case, backend)
    expected_dir = GOLDEN / case / "expected" / backend
    if update_goldens:
        expected_dir.mkdir(parents=True, exist_ok=True)
        for old in expected_dir.iterdir():
            old.unlink()
        for name, text in files.items():
            (expected_dir / name).write_text(text)
    expected = {p.name: p.read_text() for p in sorted(expected_dir.iterdir())}
    assert sorted(files) == sorted(expected), "file set changed (run pytest --update-goldens)"
    for name, text in files.items():
        assert text == expected[name], f"{case}/{name} differs (review, then --update-goldens)"


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_recompiling_is_byte_identical(case: str, backend: str) -> None:
    assert _compile(case, backend) == _compile(case, backend)
