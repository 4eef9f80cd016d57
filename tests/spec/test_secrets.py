"""S0C-SECRET: secret-named keys and secret-shaped strings anywhere in a spec, found before
pydantic runs, positioned, masked in every output format, suppressible with a reason."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import typing
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import BaseModel

from s0c.cli.main import cli
from s0c.spec import models
from s0c.spec.loader import load_file, load_text
from s0c.spec.secrets import find_plaintext_secrets, mask, scan, scan_string, secret_key
from tests.specs import EXAMPLES

ROOT = Path(__file__).resolve().parents[2]
POC = (EXAMPLES / "poc.yaml").read_text()
GUIDE = Path("/work/shared/seed/000_c1dba1a764234ad2.txt")

# Fake credentials of the documented shapes (not live: made up for these tests).
AWS_ID = "AKIAZ7QW3EXAMPLE4Q2P"
AWS_SESSION_ID = "ASIAY34FZKBOKMUTVV7A"
GH = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
GHO = "gho_" + "Zy9Xw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDcBa"
GHS = "ghs_" + "Q1w2E3r4T5y6U7i8O9p0A1s2D3f4G5h6J7k8"
GH_PAT = "github_pat_11ABCDEFG0123456789abc_" + "Xy7" * 19 + "Q2"
GITLAB = "glpat-Ab3dE6gH9jK2mN5pQ8sT"
SLACK = "xoxb-2048-40961-Zb7kW3qP9xLmC"
SLACK_HOOK = "https://hooks.slack.com/services/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"
STRIPE = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"
JWT = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9l"
       "IiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")
PRIVATE_KEY = ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAAB"
               "\n-----END OPENSSH PRIVATE KEY-----\n")
URL_PASSWORD = "Tr0ub4dor-and-3"
ENTROPY = "Jf8Qz2Lw9Xk4Rb7Tn1Vm5Hc3Ys6Pd0Ga"   # 32 random-looking base64 characters


def spec_with(old: str, new: str) -> str:
    assert POC.count(old) == 1, old
    return POC.replace(old, new)


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def write(tmp_path: Path, text: str, name: str = "spec.yaml") -> str:
    path = tmp_path / name
    path.write_text(text)
    # The PoC's public key is resolved against the spec's folder.
    (tmp_path / "keys").mkdir(exist_ok=True)
    (tmp_path / "keys" / "poc.pub").write_text((EXAMPLES / "keys" / "poc.pub").read_text())
    return str(path)


def secret_lines(output: str) -> list[tuple[int, int, str]]:
    return [(int(m[1]), int(m[2]), m[3]) for m in
            re.finditer(r"^[^\n]*?:(\d+):(\d+): S0C-SECRET \[error\] ([^\n]*)$", output, re.M)]


def position_of(text: str, needle: str, after: str | None = None) -> tuple[int, int]:
    start = text.index(after) if after else 0
    index = text.index(needle, start)
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def assert_positioned_and_masked(tmp_path: Path, text: str, secret: str, at: str,
                                 after: str | None = None) -> str:
    """`s0c validate` exits 2 with one S0C-SECRET at `at`'s line:col; no output holds `secret`;
    neither do the json, sarif and junit lint reports."""
    path = write(tmp_path, text)
    result = run("validate", path)
    assert result.exit_code == 2, result.output
    found = secret_lines(result.output)
    assert found, result.output
    assert position_of(text, at, after) in [(line, col) for line, col, _ in found], result.output
    assert secret not in result.output
    for fmt in ("json", "sarif", "junit", "text"):
        report = run("lint", path, "--format", fmt)
        assert report.exit_code == 2, report.output
        assert "S0C-SECRET" in report.output
        assert secret not in report.output, fmt
    return result.output


# --- key names -----------------------------------------------------------------------------

SECRET_NAMES = ["PWD", "DB_PWD", "PASSCODE", "PASS_PHRASE", "CREDENTIALS", "AUTH", "BEARER", "JWT",
                "ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "SIGNING_KEY",
                "MASTER_KEY", "ENCRYPTION_KEY", "HMAC_KEY", "DATABASE_URL", "SENTRY_DSN",
                "SLACK_WEBHOOK_URL", "SSH_KEY", "COOKIE", "SALT", "PASSWORD", "DB_PASSWORD",
                "API_KEY", "POLYGON_API_KEY", "CLIENT_SECRET", "AUTH_TOKEN", "PRIVATE_KEY",
                "SESSION_SECRET", "CONNECTION_STRING", "BASIC_AUTH", "LICENSE_KEY"]


@pytest.mark.parametrize("name", SECRET_NAMES)
def test_secret_named_env_key_is_positioned_and_masked(tmp_path: Path, name: str) -> None:
    value = "plain-Value-7319x"
    text = spec_with("    health_path: /health\n  - name: mag7-7dte",
                     f"    health_path: /health\n    env: {{{name}: {value}}}\n  - name: mag7-7dte")
    output = assert_positioned_and_masked(tmp_path, text, value, f"{name}:")
    assert "plai…(17 chars)" in output


@pytest.mark.parametrize("name", ["password", "dbPassword", "apiKey", "secret_key", "auth_token",
                                  "jwt", "pwd", "credentials", "cookie", "salt"])
def test_secret_named_keys_at_any_depth(name: str) -> None:
    data = {"database": {"nested": [{name: "s3cr3t-value"}]}}
    hits = scan(data)
    assert [(h.path, h.kind) for h in hits] == [(("database", "nested", 0, name),
                                                 "secret-named key")]


@pytest.mark.parametrize("name", [
    # The spec's own vocabulary: every field of every model is checked below too.
    "key_pair", "public_key_file", "transit_encryption", "at_rest_encryption", "encrypted",
    "certificate_arn", "secrets", "allowed_cidrs", "private_subnets", "iam_statements",
    # Names that describe or point at a secret, or only look like one.
    "AUTHOR", "AUTHORS", "MAX_TOKENS", "OPENAI_MAX_TOKENS", "TOKEN_TTL", "SECRET_NAME",
    "SECRET_ARN", "PASSWORD_FILE", "PASSWORD_MIN_LENGTH", "KMS_KEY_ID", "AUTH_URL",
    "AUTH_PROVIDER", "PARTITION_KEY", "CACHE_KEY_PREFIX", "PUBLIC_KEY", "SSH_PUBLIC_KEY",
    "REDIS_URL", "OAUTH_CLIENT_ID", "TOKENIZER", "COOKIE_DOMAIN", "JWT_ISSUER", "KEY_PAIR_NAME",
    "MARKET_DATA_FEED", "LOG_LEVEL", "PASSENGER", "COMPASS", "BYPASS_CACHE", "SALTSTACK_MASTER",
    "KEYBOARD_LAYOUT", "MONKEY", "DATABASE_HOST", "IBKR_USERNAME",
])
def test_not_secret_names(name: str) -> None:
    assert not secret_key(name)


def _fields(model: type[BaseModel]) -> set[str]:
    names: set[str] = set()
    for name, info in model.model_fields.items():
        names.add(name)
        stack = [info.annotation]
        while stack:
            tp = stack.pop()
            if isinstance(tp, type) and issubclass(tp, BaseModel):
                names |= _fields(tp)
            stack.extend(typing.get_args(tp))
    return names


def test_no_field_of_the_spec_is_a_secret_name() -> None:
    fields = _fields(models.Spec)
    assert len(fields) > 60
    assert [f for f in fields if secret_key(f)] == []


def test_references_and_templates_under_secret_names_are_fine() -> None:
    data = {"apps": [{"env": {"DB_PASSWORD": "${db_password}", "API_KEY": "$API_KEY",
                              "TOKEN": "<your token>", "SECRET": "ssm:/app/secret",
                              "PWD": "secretsmanager:app/pwd", "COOKIE": ""},
                      "secrets": {"API_KEY": "ssm:/app/api", "PASSWORD": "secretsmanager:x"}}]}
    assert scan(data) == []


def test_plaintext_under_secrets_is_a_secret_and_never_echoed(tmp_path: Path) -> None:
    text = spec_with("    health_path: /health\n  - name: mag7-7dte",
                     f"    health_path: /health\n    secrets: {{API_KEY: \"{STRIPE}\"}}\n"
                     "  - name: mag7-7dte")
    output = assert_positioned_and_masked(tmp_path, text, STRIPE, f'"{STRIPE}"')
    assert "sk_l…(32 chars)" in output


# --- values --------------------------------------------------------------------------------

def _env(value: str) -> tuple[str, str]:
    return spec_with("    health_path: /health\n  - name: mag7-7dte",
                     f"    health_path: /health\n    env: {{X_VALUE: \"{value}\"}}\n"
                     "  - name: mag7-7dte"), f'"{value}"'


def _repo(value: str) -> tuple[str, str]:
    old = "repo: https://github.com/TKTINC/smart-0DTE-system.git"
    return spec_with(old, f"repo: \"{value}\""), f'"{value}"'


def _tag(value: str) -> tuple[str, str]:
    return spec_with("Environment: poc}", f"Environment: poc, Owner: \"{value}\"}}"), f'"{value}"'


def _health(value: str) -> tuple[str, str]:
    old = "    health_path: /health\n  - name: mag7-7dte"
    return spec_with(old, f"    health_path: \"{value}\"\n  - name: mag7-7dte"), f'"{value}"'


def _iam(value: str) -> tuple[str, str]:
    return spec_with("  volume_gb: 100\n", "  volume_gb: 100\n  iam_statements:\n"
                     f"    - {{actions: [s3:GetObject], resources: [\"{value}\"]}}\n"), f'"{value}"'


def _bucket(value: str) -> tuple[str, str]:
    return spec_with("monitoring: {", f"buckets:\n  - name: \"{value}\"\nmonitoring: {{"), \
        f'"{value}"'


VALUE_CASES = [
    ("aws key id", _env, AWS_ID, AWS_ID),
    ("aws session key id", _tag, AWS_SESSION_ID, AWS_SESSION_ID),
    ("github ghp", _env, GH, GH),
    ("github gho", _bucket, GHO, GHO),
    ("github ghs", _tag, GHS, GHS),
    ("github fine-grained", _env, GH_PAT, GH_PAT),
    ("gitlab", _env, GITLAB, GITLAB),
    ("slack token", _env, SLACK, SLACK),
    ("slack webhook", _env, SLACK_HOOK, SLACK_HOOK),
    ("stripe", _env, STRIPE, STRIPE),
    ("jwt", _env, JWT, JWT),
    ("url basic auth", _repo, f"https://deploy:{URL_PASSWORD}@github.com/TKTINC/x.git",
     URL_PASSWORD),
    ("url token", _repo, f"https://x-access-token:{GH}@github.com/TKTINC/x.git", GH),
    ("url token as user", _repo, f"https://{GITLAB}@gitlab.com/TKTINC/x.git", GITLAB),
    ("query token", _health, "/health?token=Qx7-monitor-Kp2", "Qx7-monitor-Kp2"),
    ("query api_key", _env, "https://api.example.com/v2?format=json&api_key=Lm4Zr8-key-Tw1",
     "Lm4Zr8-key-Tw1"),
    ("high entropy env", _env, ENTROPY, ENTROPY),
    ("high entropy iam resource", _iam, f"arn:aws:s3:::bucket/{ENTROPY}x9Qm", ENTROPY + "x9Qm"),
    ("aws secret access key", _env, "wJalrXUtnFEMI/K7MDENG/bPxRfiCY3x4mPl9KeY",
     "wJalrXUtnFEMI/K7MDENG/bPxRfiCY3x4mPl9KeY"),
    ("bearer header", _env, "Authorization: Bearer abc123.def456.ghi789", "abc123.def456.ghi789"),
    ("connection string", _env, "Server=db;User Id=app;Password=Plain7Text;", "Plain7Text"),
]


@pytest.mark.parametrize("case", VALUE_CASES, ids=[c[0] for c in VALUE_CASES])
def test_secret_values_are_positioned_and_masked(tmp_path: Path, case: tuple) -> None:
    _, place, value, secret = case
    text, at = place(value)
    assert_positioned_and_masked(tmp_path, text, secret, at)


def test_private_key_block_is_positioned_and_masked(tmp_path: Path) -> None:
    block = "".join(f"        {line}\n" for line in PRIVATE_KEY.splitlines())
    text = spec_with("    health_path: /health\n  - name: mag7-7dte",
                     f"    health_path: /health\n    env:\n      X_CERT_BUNDLE: |\n{block}"
                     "  - name: mag7-7dte")
    output = assert_positioned_and_masked(tmp_path, text, "b3BlbnNzaC1rZXktdjEAAAAA", "|\n")
    assert "private key" in output and "BEGIN" not in output


def test_secret_as_a_key_is_masked_in_the_message_and_the_path(tmp_path: Path) -> None:
    text = spec_with("Environment: poc}", f"Environment: poc, {GH}: x}}")
    path = write(tmp_path, text)
    output = assert_positioned_and_masked(tmp_path, text, GH, f"{GH}:")
    report = json.loads(run("lint", path, "--format", "json").output)
    assert GH not in json.dumps(report)
    assert "ghp_…(40 chars)" in output


def test_mask() -> None:
    assert mask(GH) == "ghp_…(40 chars)"
    assert mask("hunter2") == "(7 chars)"
    assert mask(PRIVATE_KEY, "private key") == f"({len(PRIVATE_KEY)} chars)"


# --- no false positives --------------------------------------------------------------------

def _repository_specs() -> list[Path]:
    return sorted([*EXAMPLES.glob("*.yaml"), *(ROOT / "tests" / "golden").glob("*/input.yaml")])


@pytest.mark.parametrize("path", _repository_specs(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_finding_on_the_repository_specs(path: Path) -> None:
    document, problems, _ = load_file(str(path))
    assert document is not None, problems
    assert scan(document.data) == []


def test_no_finding_on_the_rule_test_specs() -> None:
    from tests.policies.specs import CASES, GOOD, GOOD_LIVE, apply

    texts = [GOOD, GOOD_LIVE] + [apply(base, edits) for cases in CASES.values()
                                 for base, edits, _ in cases]
    for text in texts:
        document, problems = load_text(text, "rules.yaml")
        assert document is not None, problems
        assert scan(document.data) == []


NOT_SECRETS = [
    "America/Los_Angeles", "America/Argentina/Buenos_Aires", "smart-0DTE-system", "en_US.UTF-8",
    "arn:aws:acm:us-west-2:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-111122223333",
    "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-0f1e2d3c-aaaa-bbbb-cccc-"
    "111122223333-AbCdEf", "arn:aws:s3:::smart-0dte-backups/*", "postgresql+asyncpg",
    "Mozilla/5.0", "ExampleCorpProductionAccount2024", "SmartTradingSystemProduction",
    "gpt-4o-mini-2024-07-18", "https://github.com/TKTINC/smart-0DTE-system.git",
    "https://git@github.com/TKTINC/smart-0DTE-system.git", "level=info", "/health?verbose=1",
    "Basic authentication", "MFA token verification", "ssm:/smart-0dte/live/polygon_api_key",
    "it's \"hi\" $(not) a ${var} `cmd` é", "2027-06-30", "ami-0abcdef1234567890",
]


@pytest.mark.parametrize("value", NOT_SECRETS)
def test_ordinary_values_are_not_secrets(value: str) -> None:
    assert scan_string(value) == []
    assert scan({"apps": [{"env": {"X_VALUE": value}}]}) == []


def _guide_env() -> dict[str, str]:
    text = GUIDE.read_text(encoding="utf-8")
    return dict(re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", text, re.M))


@pytest.mark.skipif(not GUIDE.exists(), reason="the team's guide is not on this machine")
def test_the_guides_env_file() -> None:
    """The guide's .env: the secret-named keys holding values are found, nothing else."""
    env = _guide_env()
    assert len(env) == 17
    hits = scan({"apps": [{"env": env}]})
    assert sorted(h.path[-1] for h in hits) == ["ALPHA_VANTAGE_API_KEY", "IBKR_PASSWORD",
                                                "OPENAI_API_KEY", "POLYGON_API_KEY"]
    # DATABASE_PASSWORD=${db_password} is a template, not a value.
    assert "DATABASE_PASSWORD" in env


@pytest.mark.skipif(not GUIDE.exists(), reason="the team's guide is not on this machine")
def test_the_guides_lines_as_values() -> None:
    """Every line of the guide as a spec string (prose, shell, HCL, 1,100 lines): only its .env
    lines that give a secret-named variable a value (placeholders, which belong under secrets:)."""
    lines = [line for line in GUIDE.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(lines) > 1000
    flagged = [line.split("=")[0] for line in lines if scan_string(line)]
    assert flagged == ["POLYGON_API_KEY", "ALPHA_VANTAGE_API_KEY", "OPENAI_API_KEY",
                       "IBKR_PASSWORD"]


# --- suppression ---------------------------------------------------------------------------

SUPPRESSED_TEXT = spec_with("    health_path: /health\n  - name: mag7-7dte",
                            f"    health_path: /health\n    env: {{X_BUILD_ID: \"{ENTROPY}\"}}\n"
                            "  - name: mag7-7dte")


def _suppress(resource: str, extra: str = "") -> str:
    return SUPPRESSED_TEXT + (f"    - rule: S0C-SECRET\n      resource: \"{resource}\"\n"
                              f"      reason: a build id, not a credential\n{extra}")


def test_suppression_by_dotted_path_silences_the_hit(tmp_path: Path) -> None:
    path = write(tmp_path, SUPPRESSED_TEXT)
    result = run("validate", path)
    assert result.exit_code == 2 and "resource: 'apps[0].env.X_BUILD_ID'" in result.output
    assert run("validate", write(tmp_path, _suppress("apps[0].env.X_BUILD_ID"))).exit_code == 0
    # Lint does not call it unknown or unused: it was applied while validating.
    linted = run("lint", write(tmp_path, _suppress("apps[0].env.X_BUILD_ID")))
    assert "S0C-SUP-003" not in linted.output and "S0C-SUP-002" not in linted.output


@pytest.mark.parametrize("resource,extra", [
    ("apps[0].env", ""),                                       # a parent is not enough
    ("apps[1].env.X_BUILD_ID", ""),                            # another place
    ("apps[0].env.X_BUILD_ID", '      expires: "2020-01-01"\n'),   # expired
])
def test_suppression_must_name_the_exact_live_path(tmp_path: Path, resource: str,
                                                   extra: str) -> None:
    result = run("validate", write(tmp_path, _suppress(resource, extra)))
    assert result.exit_code == 2 and "S0C-SECRET" in result.output


def test_suppression_on_an_invalid_document_is_read_carefully() -> None:
    data = {"policies": {"suppress": ["x", {"rule": "S0C-SECRET"}, {"rule": "S0C-SECRET",
                                                                      "resource": 3}]},
            "mode": ["odd"], "apps": [{"env": {"API_KEY": "abc"}}]}
    assert len(find_plaintext_secrets(data)) == 1
    assert find_plaintext_secrets({"policies": "nope", "tags": {"x": GH}})


# --- other messages never echo a secret ---------------------------------------------------

def test_schema_errors_on_secret_fields_are_masked(tmp_path: Path) -> None:
    """A malformed reference under secrets: fails the schema; the message masks the value."""
    bad = "ssm:not a path hunter2hunter2"
    text = spec_with("    health_path: /health\n  - name: mag7-7dte",
                     f"    health_path: /health\n    secrets: {{API_KEY: \"{bad}\"}}\n"
                     "  - name: mag7-7dte")
    result = run("validate", write(tmp_path, text))
    assert result.exit_code == 2 and "S0C-SCHEMA" in result.output
    assert bad not in result.output and "hunter2" not in result.output
    assert "secret reference" in result.output


def test_suppressed_secret_is_masked_in_schema_errors(tmp_path: Path) -> None:
    # Suppressed (accepted), then wrong for the schema: the message still masks it.
    text = spec_with("  nat: single ", f"  nat: {{x: \"{GH}\"}} ") + (
        "    - rule: S0C-SECRET\n      resource: network.nat.x\n      reason: test fixture only\n")
    result = run("validate", write(tmp_path, text))
    assert result.exit_code == 2 and "S0C-SCHEMA" in result.output
    assert GH not in result.output and "ghp_…(40 chars)" in result.output


def test_duplicate_key_messages_do_not_echo_values() -> None:
    _, problems = load_text(f"version: 1\nX_PASSWORD: hunter2\nX_PASSWORD: {GH}\n", "d.yaml")
    assert problems[0].code == "S0C-DUPKEY"
    assert "hunter2" not in problems[0].message and GH not in problems[0].message


def test_detect_secrets_is_imported_lazily() -> None:
    code = ("import sys, s0c.spec.validate, s0c.cli.main; "
            "assert 'detect_secrets' not in sys.modules, 'imported at start'")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_prefilter_patterns_are_the_plugins_own() -> None:
    """spec/secrets.py imports detect-secrets only when one of the plugins' patterns (copied)
    matches: the copy must be exactly the installed plugins' denylists, in order."""
    import importlib

    from s0c.spec import secrets

    installed = [(regex.pattern, regex.flags & (re.IGNORECASE | re.VERBOSE))
                 for module, name in secrets.DETECT_SECRETS_PLUGINS
                 for regex in getattr(importlib.import_module(f"detect_secrets.plugins.{module}"),
                                      name).denylist]
    assert list(secrets._PLUGIN_PATTERNS) == installed


def test_local_entropy_is_detect_secrets_entropy() -> None:
    from detect_secrets.plugins.high_entropy_strings import (Base64HighEntropyString,
                                                             HexHighEntropyString)

    from s0c.spec.secrets import entropy

    samples = ["a", "0123456789", "deadbeef" * 3, "4f9a2c" * 5, "12345678901234567890", ENTROPY,
               GH, "x9Qm/+\\-_=AbCd", "ÄÖü ascii"]
    for text in samples:
        assert entropy(text) == Base64HighEntropyString().calculate_shannon_entropy(text)
        assert entropy(text, "hex") == HexHighEntropyString().calculate_shannon_entropy(text)


def test_a_spec_without_candidates_does_not_import_detect_secrets() -> None:
    code = ("import sys; from s0c.spec.loader import load_file; from s0c.spec.validate import"
            " validate; document, problems, _ = load_file('examples/poc.yaml');"
            " assert not problems and validate(document)[0] is not None;"
            " assert 'detect_secrets' not in sys.modules, 'imported for the PoC'")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


@pytest.mark.parametrize("text,kind", [
    ("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", "GitHub Token"),
    ("https://x-access-token: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@github.com/o/r.git",
     "GitHub Token"),
    ("AKIAIOSFODNN7EXAMPLE", "AWS Access Key"),
])
def test_a_known_token_is_named_by_its_detector_not_as_entropy(text: str, kind: str) -> None:
    # detect-secrets yields only a pattern's first group ("ghp"): the finding is the whole token.
    from s0c.spec.secrets import scan_string
    hits = scan_string(text)
    assert [k for k, _ in hits] == [kind] and len(hits[0][1]) >= 20
