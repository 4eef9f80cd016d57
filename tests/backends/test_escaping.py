"""Strings with quotes, ${, %{, newlines, $(...) and non-ASCII survive HCL unchanged, checked by
parsing the output back with HashiCorp's own parser and comparing."""

from __future__ import annotations

import tempfile
import unicodedata
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from s0c.backends import hcl
from s0c.backends.terraform import PSEUDO, ref_expr
from s0c.compiler.graph import Pseudo, Ref
from tests import tfcheck
from tests.specs import compile_data
from tests.strategies import nasty_text, valid_specs


def decode_template(text: str) -> list[tuple[str, str]]:
    """A Terraform JSON-syntax template -> [("lit", text) | ("ref", expression)]."""
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(text):
        if text.startswith("$${", i) or text.startswith("%%{", i):
            out.append(("lit", text[i + 1: i + 3]))
            i += 3
        elif text.startswith("${", i):
            end = text.index("}", i)
            expression = text[i + 2: end]
            out.append(("lit", "$") if expression == '"$"' else ("ref", expression))
            i = end + 1
        else:
            out.append(("lit", text[i]))
            i += 1
    merged: list[tuple[str, str]] = []
    for kind, value in out:
        if merged and kind == merged[-1][0] == "lit":
            merged[-1] = ("lit", merged[-1][1] + value)
        else:
            merged.append((kind, value))
    return merged


def expected_template(graph, parts) -> list[tuple[str, str]]:
    merged: list[tuple[str, str]] = []
    for part in parts:
        if isinstance(part, Pseudo):
            item = ("ref", PSEUDO[part.name])
        else:
            item = ("lit", part) if isinstance(part, str) else ("ref", ref_expr(graph, part))
        if merged and item[0] == merged[-1][0] == "lit":
            merged[-1] = ("lit", merged[-1][1] + item[1])
        else:
            merged.append(item)
    return merged


@settings(max_examples=25)
@given(valid_specs(templates=True))
def test_strings_round_trip_through_hashicorp_parser(data: dict) -> None:
    result = compile_data(data)
    assert result.ok, result.diagnostics
    # Written already in NFC, so what HashiCorp's parser (which normalizes) reads is what s0c
    # wrote, and what the other backends carry.
    assert all(unicodedata.is_normalized("NFC", text) for text in result.files.values())
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in result.files.items():
            (Path(tmp) / name).write_text(text)
        parsed = tfcheck.hashicorp_parse(Path(tmp))
    vpc = parsed["network.tf"]["resource"]["aws_vpc"]["vpc"][0]
    # The spec's tags are the provider's default_tags; the VPC adds its Name.
    provider = parsed["versions.tf"]["provider"]["aws"][0]
    defaults = (provider.get("default_tags") or [{}])[0].get("tags", {})
    tags = {tfcheck.template_value(k): tfcheck.template_value(v)
            for k, v in {**defaults, **vpc["tags"]}.items()}
    nfc = {unicodedata.normalize("NFC", k): unicodedata.normalize("NFC", v)
           for k, v in data["tags"].items()}  # the loader normalizes, as HCL would
    assert tags == {**nfc, "Name": f"{data['name']}-vpc"}
    host = parsed["compute.tf"]["resource"]["aws_instance"]["host"][0]
    user_data = result.graph.nodes["host"].props["user_data"]
    assert decode_template(host["user_data"]) == expected_template(result.graph, user_data.parts)


@given(nasty_text(0, 60))
def test_hcl_string_escapes_everything_hashicorp_would_interpret(text: str) -> None:
    body = hcl.hcl_string_body(text)
    assert "\n" not in body and '"' not in body.replace('\\"', "")
    unescaped = body.replace("$${", "\x01").replace("%%{", "\x02")
    assert "${" not in unescaped and "%{" not in unescaped


@settings(max_examples=15)
@given(st.lists(nasty_text(0, 40), min_size=1, max_size=8))
def test_hcl_strings_round_trip_in_one_file(values: list[str]) -> None:
    block = hcl.Block("locals")
    for index, value in enumerate(values):
        block.attr(f"v{index}", value)
        block.attr(f"k{index}", {value or "empty": index})
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "main.tf").write_text(hcl.render_file([block], "# test\n"))
        parsed = tfcheck.hashicorp_parse(Path(tmp))["main.tf"]["locals"][0]
    for index, value in enumerate(values):
        # HashiCorp's parser NFC-normalizes string literals (U+F900 reads back as U+8C48); spec
        # strings are normalized when loaded, so this is the round trip a spec value sees.
        value = unicodedata.normalize("NFC", value)
        assert tfcheck.template_value(parsed[f"v{index}"]) == value
        assert [tfcheck.template_value(k) for k in parsed[f"k{index}"]] == [value or "empty"]


def test_dollar_before_interpolation_is_not_an_escape() -> None:
    from s0c.backends.terraform import _Translator
    from s0c.compiler.graph import Graph, Node, Template

    graph = Graph("t", "us-east-1", "development")
    graph.add(Node("vpc", "vpc", {"cidr_block": "10.0.0.0/16"}))
    text = _Translator(graph).template(Template(("cost $", Ref("vpc", "id"), " $${x}")))
    assert decode_template(text[1:-1]) == [("lit", "cost $"), ("ref", "aws_vpc.vpc.id"),
                                           ("lit", " $${x}")]


def test_compatibility_ideograph_is_written_as_hcl_reads_it() -> None:
    """U+F900 (a CJK compatibility ideograph) is U+8C48 after NFC, as HashiCorp's parser reads
    it: the spec loader normalizes, so the .tf file, the parsed value and the CloudFormation
    template all hold U+8C48 and the raw form is never written."""
    from tests.specs import poc_data

    data = poc_data()
    data["tags"]["Owner"] = "\uf900"
    data["apps"][0]["env"] = {"GREETING": "\uf900 \u0041\u030a"}  # and A + ring -> U+00C5
    result = compile_data(data)
    assert result.ok, result.diagnostics
    cfn = compile_data(data, backend="cloudformation")
    for text in [*result.files.values(), *cfn.files.values()]:
        assert "\uf900" not in text and "\u030a" not in text
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in result.files.items():
            (Path(tmp) / name).write_text(text)
        parsed = tfcheck.hashicorp_parse(Path(tmp))
    written = {k: v for k, v in _all_strings(parsed) if "\u8c48" in v}
    assert written and all("\uf900" not in v for v in written.values())
    assert any("\u8c48 \u00c5" in v for v in written.values())


def _all_strings(value, path=""):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _all_strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _all_strings(item, f"{path}[{index}]")
    elif isinstance(value, str):
        yield path, value
