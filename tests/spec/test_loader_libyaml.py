"""libyaml's parser (ruamel.yaml.clib) reads a spec where it agrees with ruamel's own: the
loader must give the same data, positions and diagnostics with it as without it, and stand
aside (fall back to ruamel's parser) in every case where the two read a text differently."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from s0c.spec import loader
from tests.spec.test_loader_one_pass import _outcome as outcome
from tests.specs import EXAMPLES

POC = (EXAMPLES / "poc.yaml").read_text()

pytestmark = pytest.mark.skipif(loader._LibyamlParser is None,
                                reason="ruamel.yaml.clib is not installed for this Python")

# Each case is one where libyaml and ruamel's parser differ, found by comparing them on
# mutated specs; the loader must not take libyaml's reading of any.
DIFFERING = {
    "tab in a plain value": "cidr: 10.\t1/16\n",                  # ruamel: ScannerError
    "tab after a key": "redis_db: \t0\n",
    "tagged key": "!!str volume_gb: 100\n",                        # TaggedScalar key in ruamel
    "tagged value": "name: !!str 15\n",
    "anchor with a colon": "&r:x 8\n",                              # anchor 'r:x' in 1.2
    "alias with a dot": "a: &x.y 1\nb: *x.y\n",
    "empty value before a comment": "a:   \n# x\n\n  # y\nb: 1\n",   # placed at 'b' by ruamel
    "empty value at end of line": "a:\nb: 1\n",
    "empty flow value": "a: {b: , c: #x\n }\n",
    "NEL": "a: x\x85y\n",                                         # a line break in 1.1 only
    "line separator": "a: x\u2028y\n",
    "byte order mark inside": "a: 1\n\ufeffb: 2\n",
    "YAML 1.1 directive": "%YAML 1.1\n---\na: yes\nb: 010\n",
    "block scalar after a blank line": "b: |-\n \n   y\n",              # ruamel: ScannerError
    "blank block scalar": "b: |-\n \n  \n",
    "comment against a block header": "a: >#\n  one\n",                # ruamel: ScannerError
    "two document ends": "---\n? a\n: 1\n...\n...\n",                # ruamel: ParserError
    "TAG directive": "%TAG !e! tag:example.com,2000:\n---\na: 1\n",
}

# Cases libyaml reads, which must come out exactly as ruamel's reading.
AGREEING = {
    "the PoC": POC,
    "block headers": "a: |2-\n   x\nb: >+ # c\n  y\nc: &k |\n  z\nd: |-1\n x\n",
    "folded and literal blocks": "a: >\n  one\n  two\n\n  three\nb: |-\n  x\n   y\nc: >+\n  z\n\n",
    "quoted escapes": 'a: "x\\ny\\u00e9\\x41\\/\\"q"\nb: \'it\'\'s\'\n',
    "multi-line plain and quoted": "a: one\n  two\n\n  three\nb: \"x\n  y\"\n",
    "flow collections": "a: [1, {b: 2, c: [x, y]}, 'z',]\nd: {e: f}\n",
    "anchors and merges": "base: &b\n  k: 1\n  j: 2\nother:\n  <<: *b\n  k: 3\n",
    "sequence of mappings": "apps:\n  - name: x\n    port: 1\n  -   name: y\n      port: 2\n",
    "scalars 1.2 resolves": "a: 0x1F\nb: 0o17\nc: 1_000\nd: .inf\ne: ~\nf: 2020-01-01\ng: 1:20\n",
    "explicit keys": "---\n? a\n: 1\n",
    "CRLF line ends": "a: 1\r\nb:\r\n  - x\r\n",
    "non-ASCII": "name: caf\u00e9\nemoji: \U0001f600 x\n",
    "duplicate key": "a: 1\na: 2\n",
    "aliases expanded": "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b, *b]\n",
}


def _outcome(text: str, *, libyaml: bool, monkeypatch: pytest.MonkeyPatch):
    """What the loader makes of ``text`` (tests/spec/test_loader_one_pass.py), with or without
    libyaml."""
    with monkeypatch.context() as patch:
        if not libyaml:
            patch.setattr(loader, "_LibyamlParser", None)
        return outcome(loader._checked_load, text)


def _libyaml_answered(text: str, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Did the load take libyaml's events (its parse ran to the end and was composed)?"""
    answered = []
    real = loader._parse_and_load

    def spy(text: str, source=loader._round_trip_events):
        result = real(text, source)
        answered.append(source is loader._libyaml_events)
        return result
    with monkeypatch.context() as patch:
        patch.setattr(loader, "_parse_and_load", spy)
        try:
            loader._checked_load(text)
        except Exception:  # noqa: BLE001 - only which parser answered matters here
            pass
    return any(answered)


@pytest.mark.parametrize("text", DIFFERING.values(), ids=DIFFERING.keys())
def test_libyaml_stands_aside_where_the_parsers_differ(text, monkeypatch) -> None:
    assert not _libyaml_answered(text, monkeypatch)
    assert _outcome(text, libyaml=True, monkeypatch=monkeypatch) == \
        _outcome(text, libyaml=False, monkeypatch=monkeypatch)


@pytest.mark.parametrize("text", AGREEING.values(), ids=AGREEING.keys())
def test_libyaml_reads_as_ruamel_does(text, monkeypatch) -> None:
    assert _outcome(text, libyaml=True, monkeypatch=monkeypatch) == \
        _outcome(text, libyaml=False, monkeypatch=monkeypatch)


def test_the_poc_is_read_by_libyaml(monkeypatch) -> None:
    assert _libyaml_answered(POC, monkeypatch)


# Mutations that found the differences above: YAML's indicators, whitespace, escapes, the
# characters 1.1 and 1.2 treat differently, anchors, scalars the resolvers disagree on.
_PIECES = list(":-?#&*!|>'\"{}[],%@` \t\n\\") + [
    "\r\n", "  ", "\n  ", ": ", "- ", "\u00e9", "\u2028", "\x85", "\ufeff", "...", "---",
    "<<: *a", "&a ", "*a", "!!str ", "\\/", "\\N", '"\\', "\x7f", "\U0001f600", "0x1F", "0o17",
    "1_000", ".inf", "yes", "~", "null", "2020-01-01", "1:20", "&a:b ", "*a.b", "|-\n", ">+\n  ",
    "|2\n", "\n \n", "? ", "\"a\n  b\"", "'a\n\n b'", "|#", ">1", "|+ #", "\r"]


@st.composite
def _mutated(draw) -> str:
    text = draw(st.sampled_from([POC, *AGREEING.values(), *DIFFERING.values()]))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "delete", "repeat line"]))
        if action == "insert":
            text = text[:at] + draw(st.sampled_from(_PIECES)) + text[at:]
        elif action == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 8)):]
        else:
            lines = text.split("\n")
            line = lines[draw(st.integers(0, len(lines) - 1))]
            lines.insert(draw(st.integers(0, len(lines))), line)
            text = "\n".join(lines)
    return text


# Texts ruamel's round-trip comment handling fails on (its bugs), and what YAML says they hold.
RUAMEL_CRASHES = {
    "b:\n\n >+ # c\n  y\n": ("AssertionError", {"b": "y\n"}),
    "a: #\n x\n\n  # y\nb: 1\n": ("NotImplementedError", {"a": "x", "b": 1}),
}


@pytest.mark.parametrize("text", RUAMEL_CRASHES)
def test_a_text_ruamel_crashes_on_is_a_positioned_error_without_libyaml(text,
                                                                       monkeypatch) -> None:
    raised, data = RUAMEL_CRASHES[text]
    with monkeypatch.context() as patch:
        patch.setattr(loader, "_LibyamlParser", None)
        document, diagnostics = loader.load_text(text, "f.yaml")
    assert document is None and len(diagnostics) == 1
    assert (diagnostics[0].code, diagnostics[0].position) == ("S0C-YAML", loader.Position(1, 1))
    assert diagnostics[0].message.startswith(f"cannot read this YAML ({raised}")
    document, diagnostics = loader.load_text(text, "f.yaml")  # libyaml reads it
    assert diagnostics == [] and document.data == data


@settings(max_examples=300, deadline=None)
@given(_mutated())
def test_mutated_specs_read_the_same_with_and_without_libyaml(text) -> None:
    patch = pytest.MonkeyPatch()
    try:
        fast = _outcome(text, libyaml=True, monkeypatch=patch)
        slow = _outcome(text, libyaml=False, monkeypatch=patch)
    finally:
        patch.undo()
    if slow[:2] in (("raised", "AssertionError"), ("raised", "NotImplementedError")):
        assert fast[0] in ("loaded", "refused")  # ruamel's own failure; libyaml may read it
    else:
        assert fast == slow
