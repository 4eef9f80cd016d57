"""Property: a secret anywhere in a spec is an S0C-SECRET at its own line:col, and no output
repeats it — not the error text, not `s0c lint --format json|sarif|junit`, and, once the hit is
suppressed (the secret then reaches validation, the policy rules and the backends), not any
diagnostic or report either.

Compiled files are the one place a suppressed string still appears: suppressing says "this is
not a secret", and the app needs its env value on the host.
"""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from s0c.cli.main import cli
from s0c.spec.diagnostics import dotted
from s0c.spec.loader import load_text
from s0c.spec.secrets import mask, scan_string
from tests.specs import EXAMPLES, compile_text, dump, poc_data

URLSAFE = string.ascii_letters + string.digits + "-_"


def _random(alphabet: str, size: int) -> st.SearchStrategy[str]:
    return st.randoms(use_true_random=False).map(
        lambda r: "".join(r.choice(alphabet) for _ in range(size)))


# (value written into the spec, the secret it carries)
SECRETS = st.one_of(
    _random(string.ascii_uppercase + string.digits, 16).map(lambda s: ("AKIA" + s,) * 2),
    _random(string.ascii_uppercase + string.digits, 16).map(lambda s: ("ASIA" + s,) * 2),
    st.tuples(st.sampled_from(["ghp_", "gho_", "ghs_"]), _random(string.ascii_letters
                                                                  + string.digits, 36)).map(
        lambda t: (t[0] + t[1],) * 2),
    _random(string.ascii_letters + string.digits, 20).map(lambda s: ("glpat-" + s,) * 2),
    _random(string.ascii_letters + string.digits, 18).map(
        lambda pw: (f"https://deploy:{pw}@github.com/TKTINC/app.git", pw)),
    _random(string.ascii_letters + string.digits, 36).map(
        lambda token: (f"https://x-access-token:ghp_{token}@github.com/TKTINC/app.git",
                       f"ghp_{token}")),
    _random(URLSAFE, 40).filter(lambda s: bool(scan_string(s))).map(lambda s: (s, s)),
)


# Private key blocks: built so the secret (the body) is known.
@st.composite
def private_keys(draw: st.DrawFn) -> tuple[str, str]:
    body = draw(_random(string.ascii_letters + string.digits + "+/", 64))
    return f"-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----", body


def _set(data: dict, path: tuple, value: Any) -> None:
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value


# (where, path, how the value is written there)
PLACES = [
    ("env value", ("apps", 0, "env", "X_VALUE"), lambda v: v),
    ("tag value", ("tags", "Owner"), lambda v: v),
    ("repo", ("apps", 1, "repo"), lambda v: v),
    ("branch", ("apps", 0, "branch"), lambda v: v),
    ("health path query", ("apps", 0, "health_path"), lambda v: f"/health?check={v}"),
    ("iam resource", ("compute", "iam_statements", 0, "resources", 0),
     lambda v: f"arn:aws:s3:::smart-0dte-backups/{v}"),
    ("bucket name", ("buckets", 0, "name"), lambda v: v),
    ("alarm email", ("monitoring", "notify", 0), lambda v: f"{v}@example.com"),
    ("database name", ("database", "name"), lambda v: v),
    ("suppression reason", ("policies", "suppress", 0, "reason"), lambda v: f"because {v}"),
]


def _spec(place: tuple, value: str) -> tuple[dict, tuple]:
    data = poc_data()
    data["apps"][0]["env"] = {}
    data["compute"]["iam_statements"] = [{"actions": ["s3:GetObject"], "resources": ["x"]}]
    data["buckets"] = [{"name": "backups"}]
    data["monitoring"]["notify"] = ["ops@example.com"]
    _, path, shape = place
    _set(data, path, shape(value))
    return data, path


def _outputs(tmp_path: Path, text: str) -> dict[str, Any]:
    spec = tmp_path / "spec.yaml"
    spec.write_text(text)
    (tmp_path / "keys").mkdir(exist_ok=True)
    (tmp_path / "keys" / "poc.pub").write_text((EXAMPLES / "keys" / "poc.pub").read_text())
    runner = CliRunner()
    out = {"validate": runner.invoke(cli, ["validate", str(spec)])}
    for fmt in ("json", "sarif", "junit"):
        out[fmt] = runner.invoke(cli, ["lint", str(spec), "--format", fmt])
    return out


def _leaks(secret: str, texts: list[str]) -> list[str]:
    return [t for t in texts if secret in t]


def _line_col(output: str) -> list[tuple[int, int]]:
    return [(int(a), int(b)) for a, b in
            re.findall(r":(\d+):(\d+): S0C-SECRET \[error\]", output)]


ALL_SECRETS = st.one_of(SECRETS, private_keys())


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(place=st.sampled_from(PLACES), secret=ALL_SECRETS, as_key=st.booleans())
def test_secret_anywhere_is_found_positioned_and_never_printed(tmp_path_factory, place, secret,
                                                               as_key) -> None:
    value, hidden = secret
    assert hidden and hidden in value
    tmp_path = tmp_path_factory.mktemp("secret")
    if as_key and "\n" not in value:
        # The secret as a tag key instead: keys are scanned like values.
        data = poc_data()
        data["tags"][value] = "x"
        path, on_key = ("tags", value), True
        shown, written = ("tags", mask(value)), value
    else:
        data, path = _spec(place, value)
        on_key, shown, written = False, path, place[2](value)
    text = dump(data)
    document, problems = load_text(text, "spec.yaml")
    assert document is not None, problems
    expected = document.source.locate(path, on_key=on_key)

    outputs = _outputs(tmp_path, text)
    validate = outputs["validate"]
    assert validate.exit_code == 2, validate.output
    assert (expected.line, expected.col) in _line_col(validate.output), (validate.output, expected)
    reported = text.splitlines()[expected.line - 1]
    # The reported line is where the string starts (the dumper may fold the rest).
    assert (written.splitlines()[0][:8] in reported or "|" in reported or '"' in reported
            or "'" in reported), reported
    assert not _leaks(hidden, [o.output for o in outputs.values()])
    for fmt in ("json", "sarif", "junit"):
        assert outputs[fmt].exit_code == 2 and "S0C-SECRET" in outputs[fmt].output

    # Suppressed by its dotted path (as the message gives it): the secret now reaches the
    # schema, the checks, the policy rules and every backend; none of them may print it.
    data.setdefault("policies", {}).setdefault("suppress", []).append(
        {"rule": "S0C-SECRET", "resource": dotted(shown), "reason": "accepted in this test"})
    text = dump(data)
    outputs = _outputs(tmp_path, text)
    assert "S0C-SECRET" not in outputs["validate"].output, outputs["validate"].output
    assert not _leaks(hidden, [o.output for o in outputs.values()])
    for backend in ("terraform", "cloudformation", "boto3"):
        result = compile_text(text, backend=backend)
        messages = [d.message for d in result.diagnostics]
        if result.report is not None:
            messages += [d.message for d in result.report.findings + result.report.notices]
        assert not _leaks(hidden, messages), backend
