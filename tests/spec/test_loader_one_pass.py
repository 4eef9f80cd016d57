"""The loader parses a spec once (checks on the round-trip parser's events, then the same events
composed and constructed) and falls back to the original two passes (checks on the plain
parser's events, then a round-trip load) when that parse fails or a check refuses: both must
give the same data, positions and diagnostics."""

from __future__ import annotations

import pytest

from s0c.spec import loader
from tests.specs import EXAMPLES

POC = (EXAMPLES / "poc.yaml").read_text()

TEXTS = [
    POC,
    POC.replace("  public_subnets: [", "  public_subnets: #[", 1),   # empty value after a comment
    POC.replace("name: smart-0dte-poc", "name: !custom smart-0dte-poc\n  - x", 1),
    "%YAML 1.1\n---\na: yes\nb: 010\nc: 1:20\n",
    "base: &b\n  k: 1\n  j: 2\nother:\n  <<: *b\n  k: 3\n",
    "a: 1\na: 2\n",
    "x: !!str 15\ny: [1, 2\n",
    "---\na: 1\n---\nb: 2\n",
    "a: &x [1, *x]\n",
    "a: |\n  x\n  y\nb: >-\n  z\nc: 2020-01-01\nd: 0x1F\n",
]


def _two_passes(text: str):
    refused = loader.check_events(text)
    if refused is not None:
        return refused, None
    return None, loader._round_trip_yaml().load(text)


def _outcome(read, text: str):
    try:
        refused, node = read(text)
    except Exception as exc:  # noqa: BLE001 - compared, not handled
        return ("raised", type(exc).__name__, str(exc))
    if refused is not None:
        return ("refused", refused.message, refused.position)
    source = loader.SourceMap("f.yaml")
    data = loader._Converter(source).convert(node, ()) if isinstance(
        node, loader.CommentedMap) else node
    return ("loaded", repr(data), source.values, source.keys)


@pytest.mark.parametrize("text", TEXTS)
def test_one_pass_reads_as_the_two_passes(text: str) -> None:
    assert _outcome(loader._checked_load, text) == _outcome(_two_passes, text)
