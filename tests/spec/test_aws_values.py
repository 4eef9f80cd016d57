"""Values AWS would refuse are spec errors at file:line:col (exit 2), checked against botocore's and
cfn-lint's data (spec/data/aws_values.json), with "did you mean" where a value is close."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from s0c.cli.main import cli
from s0c.spec import aws_values, load_text, validate
from s0c.spec.aws_checks import OWN_TAGS, bucket_name_problem
from tests.specs import EXAMPLES, dump
from tests.strategies import valid_specs

ROOT = Path(__file__).resolve().parents[2]
POC = (EXAMPLES / "poc.yaml").read_text()
DATA = ROOT / "spec" / "data" / "aws_values.json"
ARN = "arn:aws:acm:{region}:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-111122223333"


def _replace(text: str, *pairs: tuple[str, str]) -> str:
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def _cli(tmp_path: Path, text: str, command: str = "validate") -> tuple[int, list[str]]:
    spec = tmp_path / "bad.yaml"
    spec.write_text(text)
    if not (tmp_path / "keys").exists():
        shutil.copytree(EXAMPLES / "keys", tmp_path / "keys")
    args = [command, str(spec)] + (["-o", str(tmp_path / "out")] if command == "compile" else [])
    result = CliRunner().invoke(cli, args)
    # validate and compile print diagnostics on stderr; lint prints them with its report.
    output = result.stderr + result.stdout
    lines = [line.replace(str(spec), "bad.yaml") for line in output.splitlines()]
    return result.exit_code, lines


def _position(text: str, needle: str, at: str) -> tuple[int, int]:
    """1-based line and column of ``at`` in the first line holding ``needle``."""
    for number, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return number, line.index(at) + 1
    raise AssertionError(needle)


# (id, replacements, code, line holding, text at the column, message parts)
CASES = [
    ("unknown region", [("region: us-east-1", "region: us-east-9")], "S0C-AWS-REGION",
     "region: us-east-9", "us-east-9", ["unknown AWS region 'us-east-9'", "did you mean",
                                        "'us-east-1'"]),
    ("budgets in govcloud", [("region: us-east-1", "region: us-gov-west-1")], "S0C-AWS-REGION",
     "region: us-gov-west-1", "us-gov-west-1",
     ["AWS Budgets", "not available in us-gov-west-1", "aws-us-gov"]),
    ("instance type typo", [("instance_type: t3.xlarge", "instance_type: t3.xlarg")],
     "S0C-AWS-TYPE", "instance_type: t3.xlarg", "t3.xlarg",
     ["'t3.xlarg' is not an EC2 instance type", "did you mean 't3.xlarge'"]),
    ("instance type not in region", [("region: us-east-1", "region: ap-southeast-4"),
                                     ("instance_type: t3.xlarge", "instance_type: m6i.large")],
     "S0C-AWS-TYPE", "instance_type: m6i.large", "m6i.large",
     ["'m6i.large' is not an EC2 instance type offered in ap-southeast-4"]),
    ("db class typo", [("instance_class: db.t3.small", "instance_class: db.t3.smal")],
     "S0C-AWS-TYPE", "instance_class: db.t3.smal", "db.t3.smal",
     ["not an RDS instance class for PostgreSQL", "did you mean 'db.t3.small'"]),
    ("db class not for version", [('version: "15"', 'version: "16.13"'),
                                  ("instance_class: db.t3.small", "instance_class: db.m4.large")],
     "S0C-AWS-TYPE", "instance_class: db.m4.large", "db.m4.large",
     ["'db.m4.large' is not an RDS instance class for PostgreSQL 16.13"]),
    ("db class not for major", [('version: "15"', 'version: "16"'),
                                ("instance_class: db.t3.small", "instance_class: db.m4.large")],
     "S0C-AWS-TYPE", "instance_class: db.m4.large", "db.m4.large", ["PostgreSQL 16"]),
    ("postgres 9.6", [('version: "15"', 'version: "9.6"')], "S0C-AWS-VERSION",
     'version: "9.6"', '"9.6"', ["PostgreSQL 9.6 is not a version RDS offers",
                                 "supported major versions: 11, 12, 13, 14, 15, 16, 17, 18"]),
    ("postgres minor gone", [('version: "15"', 'version: "15.4"')], "S0C-AWS-VERSION",
     'version: "15.4"', '"15.4"', ["PostgreSQL 15.4", "RDS offers 15.13", "or \"15\""]),
    ("node type typo", [("node_type: cache.t3.micro", "node_type: cache.t3.mirco")],
     "S0C-AWS-TYPE", "node_type: cache.t3.mirco", "cache.t3.mirco",
     ["not an ElastiCache node type", "did you mean 'cache.t3.micro'"]),
    ("node type not in region", [("region: us-east-1", "region: ap-southeast-6")],
     "S0C-AWS-TYPE", "node_type: cache.t3.micro", "cache.t3.micro",
     ["not an ElastiCache node type offered in ap-southeast-6"]),
    ("redis version", [('version: "7.1"', 'version: "7.3"')], "S0C-AWS-VERSION",
     'version: "7.3"', '"7.3"', ["redis 7.3 is not an ElastiCache redis version",
                                 "6.0, 6.2, 7.0, 7.1"]),
    ("certificate from another region",
     [("load_balancer: {domain: poc.example.com}",
       "load_balancer: {domain: poc.example.com, certificate_arn: "
       + ARN.format(region="us-west-2") + "}")],
     "S0C-AWS-ARN", "certificate_arn", "arn:aws", ["the certificate is in us-west-2",
                                                "from us-east-1"]),
    ("certificate from another partition",
     [("load_balancer: {domain: poc.example.com}",
       "load_balancer: {domain: poc.example.com, certificate_arn: "
       + ARN.format(region="us-east-1").replace("arn:aws:", "arn:aws-us-gov:") + "}")],
     "S0C-AWS-ARN", "certificate_arn", "arn:aws", ["partition aws-us-gov", "in aws"]),
    ("certificate common name",
     [("domain: poc.example.com", "domain: " + "a" * 60 + ".example.com")],
     "S0C-AWS-LIMIT", "load_balancer:", "a" * 60, ["72 characters", "Common Name", "limits to 64"]),
    ("too many tags",
     [("tags: {Project: smart-0dte-system, Environment: poc}",
       "tags: {" + ", ".join(f"T{i}: v" for i in range(50 - len(OWN_TAGS) + 1)) + "}")],
     "S0C-AWS-LIMIT", "tags:", "tags", ["48 tags: AWS allows 50 per resource", "at most 47"]),
    ("long health path", [("health_path: /health\n", "health_path: /" + "h" * 1024 + "\n")],
     "S0C-AWS-LIMIT", "health_path: /hhh", "/hhh", ["1025 characters", "at most 1024"]),
    ("duplicate sid",
     [("  volume_gb: 100\n", "  volume_gb: 100\n  iam_statements:\n"
       "    - {sid: Read, actions: [s3:GetObject], resources: ['arn:aws:s3:::a/*']}\n"
       "    - {sid: Read, actions: [s3:PutObject], resources: ['arn:aws:s3:::a/*']}\n")],
     "S0C-AWS-POLICY", "s3:PutObject", "Read", ["sid 'Read' is already used by iam_statements[0]"]),
    ("bucket reserved suffix",
     [("monitoring: {cpu_alarm_percent: 80}",
       "buckets: [{name: x-s3alias}]\nmonitoring: {cpu_alarm_percent: 80}")],
     "S0C-AWS-NAME", "buckets:", "x-s3alias",
     ["'smart-0dte-poc-x-s3alias'", "ends with '-s3alias'"]),
    ("bucket reserved prefix",
     [("name: smart-0dte-poc", "name: sthree"),
      ("monitoring: {cpu_alarm_percent: 80}",
       "buckets: [{name: data}]\nmonitoring: {cpu_alarm_percent: 80}")],
     "S0C-AWS-NAME", "buckets:", "data", ["'sthree-data'", "starts with 'sthree-'"]),
    ("loopback vpc",
     [("cidr: 10.0.0.0/16", "cidr: 127.0.0.0/16")], "S0C-AWS-CIDR", "cidr: 127.0.0.0/16",
     "127.0.0.0/16", ["loopback", "not usable for a VPC"]),
    ("link-local vpc",
     [("cidr: 10.0.0.0/16", "cidr: 169.254.0.0/16")], "S0C-AWS-CIDR", "cidr: 169.254",
     "169.254.0.0/16", ["link-local"]),
    ("multicast vpc",
     [("cidr: 10.0.0.0/16", "cidr: 224.1.0.0/16")], "S0C-AWS-CIDR", "cidr: 224", "224.1.0.0/16",
     ["multicast"]),
    ("docker bridge vpc",
     [("cidr: 10.0.0.0/16", "cidr: 172.17.0.0/16")], "S0C-AWS-CIDR", "cidr: 172.17",
     "172.17.0.0/16", ["Docker's default bridge"]),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_refused_value_is_positioned(tmp_path: Path, case: tuple) -> None:
    _, pairs, code, needle, at, parts = case
    text = _replace(POC, *pairs)
    exit_code, lines = _cli(tmp_path, text)
    assert exit_code == 2, lines
    matching = [line for line in lines if f" {code} [error] " in line
                and all(part in line for part in parts)]
    assert matching, lines
    line, col = _position(text, needle, at)
    assert matching[0].startswith(f"bad.yaml:{line}:{col}: "), (matching[0], line, col)


@pytest.mark.parametrize("command", ["compile", "lint"])
def test_compile_and_lint_exit_2(tmp_path: Path, command: str) -> None:
    text = _replace(POC, ("instance_type: t3.xlarge", "instance_type: t3.xlarg"))
    exit_code, lines = _cli(tmp_path, text, command)
    assert exit_code == 2
    assert any("S0C-AWS-TYPE" in line and "did you mean 't3.xlarge'" in line for line in lines)
    assert not (tmp_path / "out").exists()


def test_the_specs_in_the_repository_pass() -> None:
    specs = [EXAMPLES / "poc.yaml", ROOT / "tests" / "golden" / "live_3az" / "input.yaml"]
    specs += sorted(EXAMPLES.glob("*.yaml"))
    for path in specs:
        document, problems = load_text(path.read_text(), str(path))
        assert not problems and document is not None
        spec, diagnostics = validate(document)
        assert spec is not None, (path, diagnostics)


@pytest.mark.parametrize("name,problem", [
    ("ab", "3 to 63"), ("a" * 64, "3 to 63"), ("-ab", "start and end"), ("Ab1", "lowercase"),
    ("a..b", "'..'"), ("192.168.5.4", "IP address"), ("xn--abc", "'xn--'"),
    ("sthree-abc", "'sthree-'"), ("amzn-s3-demo-abc", "'amzn-s3-demo-'"),
    ("abc-s3alias", "'-s3alias'"), ("abc--ol-s3", "'--ol-s3'"), ("abc.mrap", "'.mrap'"),
    ("abc--x-s3", "'--x-s3'"), ("abc--table-s3", "'--table-s3'"),
])
def test_bucket_name_rules(name: str, problem: str) -> None:
    assert problem in (bucket_name_problem(name) or "")


@pytest.mark.parametrize("name", ["abc", "smart-0dte-poc-backups", "a.b-c", "a" * 63])
def test_bucket_names_s3_accepts(name: str) -> None:
    assert bucket_name_problem(name) is None


def test_data_facts() -> None:
    """The facts the checks rest on, as the sources state them today."""
    assert aws_values.missing_services("us-gov-west-1") == ["budgets"]
    assert aws_values.missing_services("us-east-1") == []
    assert aws_values.partition("cn-north-1") == "aws-cn"
    assert aws_values.cfn_types_missing("us-gov-east-1") == ["AWS::Budgets::Budget"]
    assert aws_values.limit("tags_per_resource") == 50
    assert aws_values.limit("health_check_path_max") == 1024
    assert aws_values.limit("acm_common_name_max") == 64
    assert "t3.xlarge" in aws_values.instance_types()
    assert aws_values.postgres_version_ok("15") and not aws_values.postgres_version_ok("9.6")
    assert aws_values.suggest("zzzz", ["t3.micro"]) == ""


def test_regenerating_gives_the_same_bytes(tmp_path: Path) -> None:
    recorded = json.loads(DATA.read_text())["_source"]
    from importlib.metadata import version

    installed = {"botocore": version("botocore"), "cfn-lint": version("cfn-lint")}
    if installed != {k: recorded[k]["version"] for k in installed}:
        pytest.skip(f"installed {installed} differ from the versions the data was extracted from")
    out = tmp_path / "aws_values.json"
    for _ in range(2):
        subprocess.run([sys.executable, str(ROOT / "scripts" / "update_aws_values.py"),
                        "--output", str(out)], check=True, capture_output=True)
        assert out.read_bytes() == DATA.read_bytes()


def test_provenance_names_the_recorded_versions() -> None:
    source = json.loads(DATA.read_text())["_source"]
    notes = (ROOT / "spec" / "data" / "aws_values.md").read_text()
    assert f"botocore {source['botocore']['version']}" in notes
    assert f"cfn-lint {source['cfn-lint']['version']}" in notes


def test_validation_imports_neither_botocore_nor_cfnlint() -> None:
    code = ("import sys\n"
            "from s0c.spec import load_text, validate\n"
            f"doc, _ = load_text(open({str(EXAMPLES / 'poc.yaml')!r}).read(), 'poc.yaml')\n"
            "spec, diags = validate(doc)\n"
            "assert spec is not None, diags\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('botocore', 'cfnlint')))\n")
    result = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                            text=True)
    assert result.stdout.strip() == "[]"


# Valid values, drawn from the data, in the form the spec's patterns accept (the instance type
# pattern refuses the "metal-24xl" sizes; the version patterns have no room for "-rds" suffixes).
_TYPE = re.compile(r"[a-z][a-z0-9-]*\.[a-z0-9]+")
_VERSION = re.compile(r"[0-9]+(\.[0-9]+)?")
_REGIONS = sorted(r for r in aws_values.regions() if not aws_values.missing_services(r)
                  and re.fullmatch(r"[a-z]{2}(-gov)?-[a-z]+-[0-9]", r))


@st.composite
def specs_with_aws_values(draw: st.DrawFn) -> dict:
    data = draw(valid_specs())
    region = draw(st.sampled_from(_REGIONS))
    data["region"] = region
    types = [t for t in aws_values.instance_types_in(region) or aws_values.instance_types()
             if t in aws_values.instance_types() and _TYPE.fullmatch(t)]
    data["compute"]["instance_type"] = draw(st.sampled_from(sorted(types)))
    versions = [v for v in aws_values.postgres_offered() if _VERSION.fullmatch(v)]
    versions += aws_values.postgres_majors()
    version = draw(st.sampled_from(sorted(set(versions))))
    classes = set(aws_values.rds_classes_in(region) or aws_values.rds_classes())
    for_version = aws_values.rds_classes_for_version(version)
    if for_version is not None:
        classes &= set(for_version)
    if not classes:  # this version has no class in this region: keep the PoC's pair
        version, classes = "15", {"db.t3.small"}
    data["database"]["version"] = version
    data["database"]["instance_class"] = draw(st.sampled_from(sorted(classes)))
    nodes = aws_values.node_types_in(region) or aws_values.node_types()
    data["cache"]["node_type"] = draw(st.sampled_from(sorted(nodes)))
    data["cache"]["version"] = draw(st.sampled_from(
        [v for v in aws_values.cache_versions("redis") if _VERSION.fullmatch(v)]))
    if draw(st.booleans()):
        data["load_balancer"]["certificate_arn"] = ARN.format(region=region).replace(
            "arn:aws:", f"arn:{aws_values.partition(region)}:")
    return data


@given(specs_with_aws_values())
def test_nothing_valid_is_refused(data: dict) -> None:
    document, problems = load_text(dump(data), "spec.yaml")
    assert not problems and document is not None
    spec, diagnostics = validate(document)
    assert spec is not None, [(d.code, d.path, d.message) for d in diagnostics]
