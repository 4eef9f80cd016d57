"""Bad specs: every error is positioned (file:line:col) at the offending key or value."""

from __future__ import annotations

from pathlib import Path

import pytest

from s0c.cli.common import format_diagnostics
from tests.specs import EXAMPLES, compile_text

POC = (EXAMPLES / "poc.yaml").read_text()


def _errors(text: str) -> list[str]:
    result = compile_text(text, name="bad.yaml")
    assert not result.ok
    return format_diagnostics((result.source, d) for d in result.diagnostics)


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def _replace(old: str, new: str) -> str:
    assert old in POC
    return POC.replace(old, new, 1)


CASES = [
    # (description, old, new, code, text at the reported line, column or None, message part)
    ("bad cidr", "cidr: 10.0.0.0/16", "cidr: 10.0.0.1/16", "S0C-SCHEMA", "cidr: 10.0.0.1/16", 9,
     "host bits set"),
    ("subnet outside vpc", "public_subnets: [10.0.1.0/24, 10.0.3.0/24]",
     "public_subnets: [10.0.1.0/24, 10.9.3.0/24]", "S0C-NET", "public_subnets", 33,
     "outside the VPC"),
    ("overlapping subnets", "private_subnets: [10.0.2.0/24, 10.0.4.0/24]",
     "private_subnets: [10.0.2.0/24, 10.0.1.128/25]", "S0C-NET", "private_subnets", 34,
     "overlaps 10.0.1.0/24"),
    ("port out of range", "api_port: 8001", "api_port: 80010", "S0C-SCHEMA", "api_port: 80010",
     15, "less than or equal to 65535"),
    ("unknown key", "storage_gb: 50", "storage_gib: 50", "S0C-SCHEMA", "storage_gib", 3,
     "did you mean 'storage_gb'"),
    ("plaintext password", "username: postgres", "username: postgres\n  password: hunter2",
     "S0C-SECRET", "password: hunter2", 3, "plaintext secret"),
    ("string for int", "nodes: 1", "nodes: '1'", "S0C-SCHEMA", "nodes: '1'", 10,
     "valid integer"),
    ("bad mode", "mode: development ", "mode: production ", "S0C-SCHEMA", "mode: production", 7,
     "'development', 'testing' or 'live'"),
    ("negative redis db", "redis_db: 8", "redis_db: -1", "S0C-SCHEMA", "redis_db: -1", 15,
     "greater than or equal to 0"),
    ("too few subnets", "availability_zones: 2", "availability_zones: 3", "S0C-NET",
     "public_subnets", 19, "give exactly one subnet per AZ"),
    ("missing key file", "public_key_file: keys/poc.pub", "public_key_file: keys/none.pub",
     "S0C-FILE", "public_key_file", None, "cannot read public key file"),
    ("duplicate key", "region: us-east-1", "region: us-east-1\nregion: us-west-2", "S0C-DUPKEY",
     "region: us-west-2", 1, 'duplicate key "region"'),
    ("reserved name prefix", "name: smart-0dte-poc", "name: sg-poc", "S0C-NAME", "name: sg-poc",
     7, "must not start with 'sg-'"),
    ("tag character IAM refuses", "Environment: poc", 'Environment: "poc;prod"', "S0C-TAG",
     "Environment:", 49, "holds ';'"),
    ("empty tag value", "Environment: poc", 'Environment: ""', "S0C-TAG", "Environment:", 49,
     "must not be empty"),
    ("yaml syntax", "cpu_alarm_percent: 80}", "cpu_alarm_percent: 80", "S0C-YAML",
     None, None, ""),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_positioned_error(case: tuple) -> None:
    _, old, new, code, at, col, message = case
    text = _replace(old, new)
    errors = _errors(text)
    line = _line_of(text, at) if at is not None else None
    matching = [e for e in errors if f" {code} " in e and message in e]
    assert matching, errors
    first = matching[0]
    file, got_line, got_col = first.split(":")[:3]
    assert file == "bad.yaml"
    if line is not None:
        assert int(got_line) == line, first
    if col is not None:
        assert int(got_col) == col, first


def test_missing_key_points_at_parent() -> None:
    text = _replace("  node_type: cache.t3.micro\n", "")
    errors = _errors(text)
    assert any("missing required key 'node_type'" in e and
               e.startswith(f"bad.yaml:{_line_of(text, 'cache:') + 1}:") for e in errors), errors


@pytest.mark.parametrize("text,message", [
    ("", "the spec is empty"),
    ("- a\n- b\n", "must be a mapping"),
    ("version: 1\nname: \"a\\0b\"\n", "control character U+0000"),
    ("version: 1\n? [a, b]\n: c\n", "keys must be strings"),
    ("version: !!python/object:os.system x\n", ""),
])
def test_degenerate_documents(text: str, message: str) -> None:
    errors = _errors(text)
    assert errors and all(e.startswith("bad.yaml:") for e in errors)
    assert any(message in e for e in errors), errors


def test_private_key_is_refused(tmp_path: Path) -> None:
    (tmp_path / "k").write_text("-----BEGIN OPENSSH PRIVATE KEY-----\nxx\n-----END OPENSSH PRIVATE KEY-----\n")
    from s0c.compiler.pipeline import compile_spec

    text = _replace("public_key_file: keys/poc.pub", "public_key_file: k")
    result = compile_spec("bad.yaml", "terraform", text=text, base_dir=str(tmp_path))
    assert [d.code for d in result.diagnostics] == ["S0C-SECRET"]


def test_strings_are_normalized_to_nfc_as_terraform_would() -> None:
    from s0c.spec.loader import load_text

    # U+2F873 is a CJK compatibility ideograph: NFC turns it into U+5C06, and so does HCL.
    document, problems = load_text("name: \"\U0002f873\"\n\U0002f873: x\n", "t.yaml")
    assert not problems
    assert document.data == {"\u5c06": "x", "name": "\u5c06"}
