"""Terraform itself as an oracle for "what happens when the spec changes from OLD to NEW".

``TerraformOracle`` applies s0c's Terraform for OLD to a moto server, then plans NEW's Terraform
against that state and reports Terraform's own verdict per resource address::

    with TerraformOracle(aws.endpoint, tmp_path) as tf:
        tf.apply(old.files)
        tf.plan(new.files)          # {"aws_db_instance.db": "update", ...: "replace", ...}
        tf.plan_details(new.files)  # the same with replace_paths, changed attributes and the reason

It needs the ``terraform`` binary and a filesystem mirror of hashicorp/aws (see
``terraform_available``). What every Terraform run in the tests shares lives here too:
``TerraformSetup`` (a CLI configuration pointing at the mirror and a plugin cache that links to
it, so ``terraform init`` copies nothing), ``run_terraform``, ``relaxed_pin_text``, and
``fmt_check`` / ``validate_many`` (tests/test_terraform_real.py). s0c pins the provider ``~> 6.0``; only 5.100 is mirrored, so an override
file (``zz_moto_override.tf``, Terraform's ``_override.tf`` mechanism) relaxes the pin to
``>= 5.0`` and replaces the provider configuration with one that talks to moto. s0c's own files
are written unchanged.

moto does not model everything the PoC uses. Between Terraform and moto sits a small HTTP proxy
(``MotoShim``) that answers the few calls moto lacks from what Terraform itself sent earlier, so
the whole PoC applies and an unchanged spec plans to no-ops; ``MOTO_GAPS`` lists every gap found,
what the shim does about it and what stays out of reach.
"""

from __future__ import annotations

import functools
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NamedTuple
from xml.etree import ElementTree
from xml.sax.saxutils import escape

PROVIDER = "registry.terraform.io/hashicorp/aws"
# Where a filesystem mirror holding registry.terraform.io/hashicorp/aws may be; the first with the
# provider wins. S0C_TF_PLUGIN_MIRROR names another one.
MIRROR_CANDIDATES = ("/opt/tf-plugins", "/usr/share/terraform/plugins",
                     "/usr/local/share/terraform/plugins", "~/.terraform.d/plugins",
                     "~/.local/share/terraform/plugins")

# Every service the generated Terraform touches, pointed at moto (through the shim).
SERVICES = ("acm", "budgets", "cloudwatch", "ec2", "elasticache", "elbv2", "iam", "logs", "rds",
            "s3", "secretsmanager", "sns", "ssm", "sts")

# What moto 5.2 cannot model when Terraform (hashicorp/aws 5.100) applies and plans the PoC, found
# by applying examples/poc.yaml (checked 2026-11-24). Without the shim, apply fails on the first
# three and the rest are perpetual diffs (an unchanged spec does not plan to no-ops). With it, the
# whole PoC (74 resources) applies and an unchanged spec plans to no-ops; what an entry calls "not
# shimmed" stays out of the oracle's reach. type -> what goes wrong and what the shim does.
MOTO_GAPS: dict[str, str] = {
    "aws_elasticache_replication_group": (
        "moto creates the group and lists its member cluster <id>-001 but never creates that "
        "cluster; the provider reads node type, engine version, parameter and subnet group, "
        "security groups, maintenance window and both encryption flags from it, so "
        "DescribeCacheClusters -> 404 CacheClusterNotFound fails the create, and the host that "
        "uses the primary endpoint (with its target group attachments and alarms) is never "
        "created. Shim: answers DescribeCacheClusters for member clusters from the group's "
        "CreateReplicationGroup/ModifyReplicationGroup parameters. Not shimmed: deleting a group, "
        "which moto leaves in 'deleting' for ever while the provider waits up to 40 min, so an "
        "apply() that destroys or replaces the cache runs into the apply timeout; plan() is fine."),
    "aws_budgets_budget": (
        "moto has no DescribeSubscribersForNotification (HTTP 500, retried by the provider for "
        "about 8 minutes at the default max_retries, then the create fails) and no budgets "
        "ListTagsForResource/TagResource/UntagResource (tags = {} after every read: a perpetual "
        "update of tags). Shim: answers them from the subscribers and tags the provider sent "
        "(CreateBudget's Budget.BudgetName and ResourceTags, CreateNotification, "
        "CreateSubscriber, DeleteSubscriber, TagResource, UntagResource). Not shimmed: "
        "UpdateBudget, so an apply() that changes the budget fails; plan() is fine. The provider "
        "must look up the account id (skip_requesting_account_id stays false; it asks "
        "iam:GetUser): the budget's id is <account>:<name>."),
    "aws_instance": (
        "moto has no MonitorInstances/UnmonitorInstances (the provider calls MonitorInstances "
        "after creating an instance with monitoring = true: HTTP 500, the create fails). An "
        "instance launched through a network interface spec (the provider does that whenever "
        "associate_public_ip_address is set) comes back with an empty instance-level groupSet "
        "(a perpetual update of vpc_security_group_ids) and an empty <association/> on the "
        "interface, which the provider reads as associate_public_ip_address = true (a perpetual "
        "REPLACE of the host and, through its id, updates of the host alarms' dimensions and the "
        "dashboard body and replaces of every target group attachment). Shim: answers "
        "Monitor/UnmonitorInstances and reports that state, copies the primary interface's "
        "groups into the instance's groupSet and drops empty associations in DescribeInstances."),
    "aws_vpc_security_group_ingress_rule": (
        "moto keeps the description of a rule whose peer is a security group "
        "(referenced_security_group_id) but DescribeSecurityGroupRules leaves it out: a "
        "perpetual update adding description. Shim: puts back the description the provider sent "
        "(AuthorizeSecurityGroupIngress/Egress, ModifySecurityGroupRules)."),
    "aws_vpc_security_group_egress_rule": "as aws_vpc_security_group_ingress_rule.",
    # Seen applying a NEW (a moved private subnet) on top of the applied PoC; plan() is fine.
    "aws_elasticache_subnet_group": (
        "not shimmed: moto has no ModifyCacheSubnetGroup (HTTP 500) and no "
        "DeleteCacheSubnetGroup, so an apply() that changes its subnets or removes it fails."),
    "aws_db_subnet_group": (
        "not shimmed: moto's ModifyDBSubnetGroup drops the group (it pops it and never puts it "
        "back), so an apply() that changes its subnets fails with 'Provider produced "
        "inconsistent result after apply ... now absent' and the next plan creates it again."),
}

TIMEOUTS = {"init": 120, "apply": 900, "plan": 300, "show": 120, "validate": 300, "fmt": 60}
# Where to look for a mirror when no candidate holds one: one bounded ``find`` per process.
_FIND_ROOTS = ("/opt", "/usr/local", "/usr/share", "/srv", "/var/lib", "/root", "/home")


def _provider_dir(root: Path) -> bool:
    return any(root.glob("registry.terraform.io/hashicorp/aws/*/*/terraform-provider-aws_*"))


def _find_mirror() -> Path | None:
    """The mirror root holding a ``terraform-provider-aws_*`` binary under _FIND_ROOTS, if any."""
    roots = [r for r in _FIND_ROOTS if Path(r).is_dir()]
    if not roots or shutil.which("find") is None:
        return None
    try:
        found = subprocess.run(["find", *roots, "-xdev", "-maxdepth", "9", "-type", "f",
                                "-name", "terraform-provider-aws_*",
                                "-path", "*/registry.terraform.io/hashicorp/aws/*"],
                               capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    for line in found.splitlines():
        # <root>/registry.terraform.io/hashicorp/aws/<version>/<os_arch>/<binary>
        root = Path(line).parents[5]
        if _provider_dir(root) and ".terraform" not in root.parts:
            return root
    return None


@functools.lru_cache(maxsize=1)
def mirror_root() -> Path | None:
    """The filesystem mirror that holds hashicorp/aws, or None: $S0C_TF_PLUGIN_MIRROR, then
    MIRROR_CANDIDATES, then one bounded ``find`` (cached for the process)."""
    candidates = [os.environ.get("S0C_TF_PLUGIN_MIRROR", ""), *MIRROR_CANDIDATES]
    for candidate in candidates:
        if candidate:
            root = Path(candidate).expanduser()
            if root.is_dir() and _provider_dir(root):
                return root
    return _find_mirror()


@functools.lru_cache(maxsize=1)
def terraform_available() -> str | None:
    """None when Terraform and a mirrored hashicorp/aws provider are usable, else why not."""
    binary = shutil.which("terraform")
    if binary is None:
        return "the terraform binary is not on PATH (no registry carries it: install it by hand)"
    if mirror_root() is None:
        return ("no filesystem mirror of hashicorp/aws found (looked in "
                f"{', '.join(MIRROR_CANDIDATES)} and under {', '.join(_FIND_ROOTS)}; "
                "set S0C_TF_PLUGIN_MIRROR to its root)")
    try:
        proc = subprocess.run([binary, "version", "-json"], capture_output=True, text=True,
                              timeout=30, env=_base_env())
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"`terraform version` failed: {exc}"
    if proc.returncode:
        return f"`terraform version` failed: {proc.stderr.strip()[-500:]}"
    return None


def _base_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TF_", "AWS_")) and k != "CHECKPOINT_DISABLE"}
    env.update({"CHECKPOINT_DISABLE": "1", "TF_IN_AUTOMATION": "1", "TF_INPUT": "0",
                "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": os.devnull,
                "AWS_SHARED_CREDENTIALS_FILE": os.devnull})
    return env


class TerraformError(RuntimeError):
    pass


# -- what every Terraform run shares --------------------------------------------------------------

class TerraformSetup:
    """A CLI configuration that installs hashicorp/aws from the mirror only, and a plugin cache
    whose entries are symlinks into the mirror: ``terraform init`` then links the provider (the
    binary is ~675 MB) instead of copying it, ~1 s per init. Make one per session (or per oracle)
    in a scratch directory; ``env()`` is the environment for every terraform subprocess."""

    def __init__(self, directory: Path | str) -> None:
        mirror = mirror_root()
        if mirror is None:
            raise TerraformError(terraform_available() or "no provider mirror")
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.cli_config = self.directory / "terraform.tfrc"
        self.cli_config.write_text(
            "provider_installation {\n"
            f'  filesystem_mirror {{\n    path    = "{mirror}"\n'
            f'    include = ["{PROVIDER}"]\n  }}\n'
            f'  direct {{\n    exclude = ["{PROVIDER}"]\n  }}\n}}\n')
        self.plugin_cache = self.directory / "plugin-cache"
        for platform_dir in mirror.glob("registry.terraform.io/hashicorp/aws/*/*"):
            if platform_dir.is_dir():
                link = self.plugin_cache / platform_dir.relative_to(mirror)
                link.parent.mkdir(parents=True, exist_ok=True)
                if not link.exists():
                    link.symlink_to(platform_dir.resolve(), target_is_directory=True)

    def env(self) -> dict[str, str]:
        return {**_base_env(), "TF_CLI_CONFIG_FILE": str(self.cli_config),
                "TF_PLUGIN_CACHE_DIR": str(self.plugin_cache)}


def _stop(process: subprocess.Popen) -> tuple[str, str]:
    """Interrupt terraform (it then stops its provider and writes its state), kill it and its
    provider plugin if that does not end it within 30 s."""
    try:
        os.killpg(process.pid, signal.SIGINT)
        return process.communicate(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        return process.communicate()


class Run(NamedTuple):
    returncode: int | None   # None: timed out (and stopped)
    stdout: str
    stderr: str
    seconds: float


def run_terraform(args: list[str] | tuple[str, ...], cwd: Path, env: dict[str, str],
                  timeout: float, log: Path | None = None) -> Run:
    """``terraform *args`` in ``cwd`` in its own process group (stopped on timeout, with its
    provider plugins); stdout and stderr go to ``log`` too when given."""
    started = time.monotonic()
    process = subprocess.Popen(["terraform", *args], cwd=cwd, env=env,
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = process.communicate(timeout=timeout)
        code: int | None = process.returncode
    except subprocess.TimeoutExpired:
        out, err = _stop(process)
        code = None
    if log is not None:
        log.write_text(out + "\n--- stderr ---\n" + err)
    return Run(code, out, err, round(time.monotonic() - started, 2))


def relaxed_pin_text() -> str:
    """An override file (Terraform's ``*_override.tf``) relaxing s0c's ``~> 6.0`` pin of
    hashicorp/aws to what is mirrored (5.x); s0c's own files stay byte for byte as emitted."""
    return ("# Written by tests/tfplan.py: only hashicorp/aws 5.x is mirrored here, not by s0c.\n"
            "terraform {\n  required_providers {\n    aws = {\n"
            '      source  = "hashicorp/aws"\n      version = ">= 5.0"\n    }\n  }\n}\n')


PIN_OVERRIDE_NAME = "zz_pin_override.tf"


def fmt_check(directory: Path, setup: TerraformSetup) -> list[str]:
    """``terraform fmt -check -recursive``: the files (relative to ``directory``) it would
    rewrite. One process for the whole tree; needs no init."""
    done = run_terraform(["fmt", "-check", "-recursive", "-list=true", "-no-color"], directory,
                         setup.env(), TIMEOUTS["fmt"])
    if done.returncode not in (0, 3):
        raise TerraformError(f"terraform fmt failed ({done.returncode}): {done.stderr[-2000:]}")
    return sorted(line.strip() for line in done.stdout.splitlines() if line.strip())


def validate_many(configs: dict[str, dict[str, str]], workdir: Path,
                  setup: TerraformSetup) -> dict[str, list[str]]:
    """``terraform validate`` of several configurations in one init and one validate: each
    becomes a child module ``./<name>`` of a root that only calls them (plus the pin override
    file), so the provider's schema loads once. name -> its error and warning diagnostics
    (``file:line: severity: summary: detail``); "" holds anything not inside a module.
    Terraform stops at the first phase that has errors, so one broken configuration may hide
    another's errors of a later phase (never hides that it is broken)."""
    workdir.mkdir(parents=True, exist_ok=True)
    calls = []
    for name, files in sorted(configs.items()):
        if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            raise ValueError(f"module name {name!r}")
        module = workdir / name
        module.mkdir(exist_ok=True)
        for file_name, text in files.items():
            if Path(file_name).name != file_name or file_name == PIN_OVERRIDE_NAME:
                raise ValueError(f"unexpected file name {file_name!r}")
            (module / file_name).write_text(text)
        (module / PIN_OVERRIDE_NAME).write_text(relaxed_pin_text())
        calls.append(f'module "{name}" {{\n  source = "./{name}"\n}}\n')
    (workdir / "main.tf").write_text("\n".join(calls))
    env = setup.env()
    init = run_terraform(["init", "-backend=false", "-input=false", "-no-color"], workdir, env,
                         TIMEOUTS["init"], workdir / "init.log")
    if init.returncode != 0:
        raise TerraformError(f"terraform init failed ({init.returncode}), log: "
                             f"{workdir / 'init.log'}\n{init.stdout[-2000:]}{init.stderr[-2000:]}")
    done = run_terraform(["validate", "-json", "-no-color"], workdir, env, TIMEOUTS["validate"],
                         workdir / "validate.log")
    try:
        report = json.loads(done.stdout)
    except ValueError:
        raise TerraformError(f"terraform validate failed ({done.returncode}): "
                             f"{done.stdout[-2000:]}{done.stderr[-2000:]}") from None
    found: dict[str, list[str]] = {name: [] for name in [*sorted(configs), ""]}
    for diag in report.get("diagnostics", []):
        where = diag.get("range") or {}
        path = where.get("filename", "")
        owner = path.split("/", 1)[0] if "/" in path and path.split("/", 1)[0] in configs else ""
        line = (where.get("start") or {}).get("line", "")
        found[owner].append(f"{path}:{line}: {diag.get('severity')}: {diag.get('summary', '')}: "
                            f"{diag.get('detail', '')}".strip())
    return found


# -- Terraform's verdict ---------------------------------------------------------------------------

_ACTIONS = {("create",): "create", ("update",): "update", ("delete",): "delete",
            ("no-op",): "no-op", ("read",): "read", ("forget",): "forget",
            ("delete", "create"): "replace", ("create", "delete"): "replace"}


class Change(NamedTuple):
    """One resource's planned change."""
    action: str                          # create update replace delete no-op read (forget)
    replace_paths: tuple[tuple, ...]     # attribute paths that force the replacement
    changed: tuple[str, ...]             # top-level attributes whose value changes (or unknown)
    reason: str | None                   # Terraform's action_reason, e.g. replace_because_tainted


def _changed(change: dict[str, Any]) -> tuple[str, ...]:
    before, after = change.get("before") or {}, change.get("after") or {}
    unknown = change.get("after_unknown") or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        return ()
    return tuple(sorted(k for k in set(before) | set(after) | set(unknown)
                        if unknown.get(k) is True or before.get(k) != after.get(k)))


def changes_from_plan(plan: dict[str, Any]) -> dict[str, Change]:
    """address -> Change from ``terraform show -json`` of a saved plan."""
    out = {}
    for rc in plan.get("resource_changes", []):
        change = rc["change"]
        actions = tuple(change["actions"])
        action = _ACTIONS.get(actions, "+".join(actions))
        paths = tuple(tuple(p) for p in change.get("replace_paths", []) or [])
        changed = _changed(change) if action in ("update", "replace") else ()
        out[rc["address"]] = Change(action, paths, changed, rc.get("action_reason"))
    return dict(sorted(out.items()))


def _diagnostics(stdout: str) -> list[str]:
    """The error diagnostics of a ``-json`` run's output stream, one line each."""
    found = []
    for line in stdout.splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        diag = event.get("diagnostic") if isinstance(event, dict) else None
        if diag and diag.get("severity") == "error":
            where = diag.get("address") or (diag.get("range") or {}).get("filename", "")
            found.append(f"{where}: {diag.get('summary', '')}: {diag.get('detail', '')}".strip())
    return found


# -- the oracle ------------------------------------------------------------------------------------

OVERRIDE_NAME = "zz_moto_override.tf"


def override_text(endpoint: str, region: str) -> str:
    endpoints = "\n".join(f'    {s:<14} = "{endpoint}"' for s in SERVICES)
    pin = relaxed_pin_text().split("\n", 1)[1]  # the pin, without its comment line
    return f"""# Written by tests/tfplan.py: hashicorp/aws 5.x against moto, not by s0c.
{pin}
provider "aws" {{
  region                      = "{region}"
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  s3_use_path_style           = true
  max_retries                 = 2

  endpoints {{
{endpoints}
  }}
}}
"""


# The spec's region: the default of s0c's `region` variable (or a literal provider region).
_REGION = re.compile(r'(?:provider\s+"aws"|variable\s+"region")\s*\{[^}]*?'
                     r'\b(?:region|default)\s*=\s*"([a-z0-9-]+)"', re.S)


def _events(stream: str, kind: str):
    """The messages of one type in Terraform's machine-readable UI output (one JSON per line)."""
    for line in stream.splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if isinstance(event, dict) and event.get("type") == kind:
            yield event


# `terraform plan -json` names actions as its UI does.
_STREAM_ACTIONS = {"noop": "no-op"}


class TerraformOracle:
    """Terraform against one moto server, in ``workdir`` (state, plans and logs stay there).

    Use it as a context manager (the shim proxy lives as long as the ``with``). ``apply(files)``
    once, then ``plan``/``plan_details`` as often as needed: each plan replaces the .tf files,
    keeps the state and changes nothing in moto. ``apply`` may be called again (OLD, then NEW, ...)
    within moto's gaps (see MOTO_GAPS). ``timings`` holds the seconds each step took.
    """

    def __init__(self, endpoint: str, workdir: Path | str, *, region: str | None = None,
                 shim: bool = True, timeouts: dict[str, int] | None = None,
                 setup: TerraformSetup | None = None) -> None:
        reason = terraform_available()
        if reason is not None:
            raise TerraformError(reason)
        self.endpoint = endpoint
        self.workdir = Path(workdir)
        self.region = region
        self.shim = shim
        self.timeouts = {**TIMEOUTS, **(timeouts or {})}
        self.timings: dict[str, list[float]] = {}
        self.proxy: MotoShim | None = None
        self.tfdir = self.workdir / "tf"
        self.tfdir.mkdir(parents=True, exist_ok=True)
        # A session's shared setup (one CLI configuration, one plugin cache), or one of its own.
        self.setup = setup or TerraformSetup(self.workdir / "setup")
        self.cli_config = self.setup.cli_config
        self._initialised = False
        self._runs = 0

    def __enter__(self) -> "TerraformOracle":
        if self.shim and self.proxy is None:
            self.proxy = MotoShim(self.endpoint).start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        if self.proxy is not None:
            self.proxy.stop()
            self.proxy = None

    # -- files and runs

    def _write(self, files: dict[str, str]) -> None:
        if self.shim and self.proxy is None:
            raise TerraformError("use TerraformOracle as a context manager (it runs the moto shim)")
        for old in [*self.tfdir.glob("*.tf"), *self.tfdir.glob("*.tf.json")]:
            old.unlink()
        region = self.region
        for name, text in sorted(files.items()):
            if Path(name).name != name or name == OVERRIDE_NAME or not name.endswith(".tf"):
                raise ValueError(f"unexpected file name {name!r}")
            (self.tfdir / name).write_text(text)
            if region is None and (match := _REGION.search(text)):
                region = match.group(1)
        endpoint = self.proxy.endpoint if self.proxy is not None else self.endpoint
        (self.tfdir / OVERRIDE_NAME).write_text(override_text(endpoint, region or "us-east-1"))

    def _run(self, step: str, *args: str) -> str:
        """Run ``terraform *args``; its stdout. Output goes to NN-<command>.log in workdir."""
        self._runs += 1
        log = self.workdir / f"{self._runs:02d}-{args[0]}.log"
        seen = len(self.proxy.errors) if self.proxy is not None else 0
        done = run_terraform(args, self.tfdir, self.setup.env(), self.timeouts[step], log)
        self.timings.setdefault(step, []).append(done.seconds)
        out, err = done.stdout, done.stderr
        if done.returncode is None:
            raise TerraformError(
                f"terraform {args[0]} did not finish within {self.timeouts[step]} s, log: {log}\n"
                + "\n".join(_diagnostics(out)) + f"\n--- stderr ---\n{err[-3000:]}"
                + self._moto_errors(seen))
        if done.returncode:
            problems = _diagnostics(out) or [out[-3000:]]
            raise TerraformError(f"terraform {' '.join(args)} failed ({done.returncode}),"
                                 f" log: {log}\n" + "\n".join(problems)
                                 + f"\n--- stderr ---\n{err[-3000:]}" + self._moto_errors(seen))
        return out

    def _moto_errors(self, seen: int) -> str:
        if self.proxy is None or len(self.proxy.errors) == seen:
            return ""
        return "\n--- moto errors during the run (last 10) ---\n" + "\n".join(
            self.proxy.errors[seen:][-10:])

    def _init(self) -> None:
        if not self._initialised:
            self._run("init", "init", "-input=false", "-no-color")
            self._initialised = True

    # -- the API

    def apply(self, files: dict[str, str]) -> dict[str, str]:
        """Write ``files`` and ``terraform apply`` them: address -> action Terraform took."""
        self._write(files)
        self._init()
        out = self._run("apply", "apply", "-auto-approve", "-input=false", "-no-color",
                        "-lock=false", "-json")
        done = {hook["resource"]["addr"]: hook["action"]
                for hook in (event["hook"] for event in _events(out, "apply_complete"))}
        return dict(sorted(done.items()))

    def plan_details(self, files: dict[str, str], *, refresh: bool = True) -> dict[str, Change]:
        """Write ``files`` (the state stays) and plan them: address -> Change, every resource
        in state or configuration included. ``refresh=False`` skips reading moto (about 5 s
        less; the same answer once an unchanged plan has shown no drift)."""
        self._write(files)
        self._init()
        plan = self.workdir / "plan.tfplan"
        args = ["plan", "-input=false", "-no-color", "-lock=false", "-json", f"-out={plan}"]
        if not refresh:
            args.append("-refresh=false")
        self._run("plan", *args)
        return changes_from_plan(json.loads(self._run("show", "show", "-json", "-no-color",
                                                      str(plan))))

    def plan(self, files: dict[str, str], *, refresh: bool = True) -> dict[str, str]:
        """address -> create | update | replace | delete | read, for the resources that change
        (the rest are no-op). Reads the plan's own JSON stream: no saved plan, no ``show``."""
        self._write(files)
        self._init()
        args = ["plan", "-input=false", "-no-color", "-lock=false", "-json"]
        if not refresh:
            args.append("-refresh=false")
        out = {}
        for event in _events(self._run("plan", *args), "planned_change"):
            change = event["change"]
            out[change["resource"]["addr"]] = _STREAM_ACTIONS.get(change["action"],
                                                                  change["action"])
        return dict(sorted(out.items()))

    def state(self) -> dict[str, Any]:
        """``terraform show -json`` of the current state."""
        return json.loads(self._run("show", "show", "-json", "-no-color"))


# -- the shim between Terraform and moto -----------------------------------------------------------

_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request")
_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
        "proxy-authorization", "proxy-authenticate", "content-length", "accept-encoding", "host"}
_CLUSTER_MEMBER = re.compile(r"^(.+)-(\d{3})$")


def _members(params: dict[str, str], prefix: str) -> list[str]:
    """Values of a query-protocol list ``prefix.N`` in N order."""
    pattern = re.compile(re.escape(prefix) + r"\.(\d+)$")
    found = [(int(m.group(1)), v) for k, v in params.items() if (m := pattern.match(k))]
    return [v for _, v in sorted(found)]


def _xml_bool(value: Any) -> str:
    return "true" if str(value).lower() == "true" else "false"


class MotoShim:
    """A forwarding proxy to moto that answers what moto lacks (see MOTO_GAPS).

    It only ever answers from what the provider sent earlier through it, so it is as faithful as a
    round trip through AWS for the attributes concerned, and it passes everything else through
    unchanged.
    """

    def __init__(self, upstream: str) -> None:
        parsed = urllib.parse.urlsplit(upstream)
        self.upstream = (parsed.hostname or "127.0.0.1", parsed.port or 80)
        self.port = 0  # the kernel's pick, known once the shim listens (no port race)
        self.endpoint = ""
        self.lock = threading.Lock()
        self.rules_lock = threading.Lock()  # security group rule changes, one at a time
        self.cache_groups: dict[str, dict[str, Any]] = {}
        self.budget_subscribers: dict[tuple, list[dict[str, str]]] = {}
        self.budget_tags: dict[str, dict[str, str]] = {}
        self.rule_descriptions: dict[str, str] = {}
        self.monitoring: dict[str, str] = {}
        self.answered: list[str] = []  # "service:Action" the shim answered or patched
        self.calls: list[tuple[str, str, int]] = []  # (service, action, HTTP status), in order
        self.errors: list[str] = []  # every 5xx (and 4xx outside S3) moto or the shim answered
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> "MotoShim":
        shim = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _body(self) -> bytes:
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    chunks = []
                    while True:
                        size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                        if size == 0:
                            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                                pass
                            return b"".join(chunks)
                        chunks.append(self.rfile.read(size))
                        self.rfile.readline()
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def _handle(self) -> None:
                body = self._body()
                status, headers, payload = shim.handle(self.command, self.path,
                                                       dict(self.headers.items()), body)
                self.send_response(status)
                for key, value in headers:
                    if key.lower() not in _HOP:
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _handle

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True,
                         name=f"moto-shim-{self.port}").start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # -- plumbing

    def forward(self, method: str, path: str, headers: dict[str, str],
                body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        conn = http.client.HTTPConnection(*self.upstream, timeout=120)
        try:
            sent = {k: v for k, v in headers.items() if k.lower() not in _HOP}
            sent["Host"] = f"{self.upstream[0]}:{self.upstream[1]}"
            sent["Content-Length"] = str(len(body))
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            conn.close()

    def handle(self, method: str, path: str, headers: dict[str, str],
               body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        auth = headers.get("Authorization") or headers.get("authorization") or ""
        scope = _SCOPE.search(auth)
        service = scope.group(1) if scope else ""
        target = headers.get("X-Amz-Target") or headers.get("x-amz-target")
        if target:
            action = target.rsplit(".", 1)[-1]
        else:
            action = (re.search(rb"(?:^|&)Action=([A-Za-z0-9]+)", body) or [None, None])[1]
            action = action.decode() if action else f"{method} {path.split('?')[0]}"
        try:
            if service == "elasticache":
                answer = self._elasticache(method, path, headers, body)
            elif service == "budgets":
                answer = self._budgets(method, path, headers, body)
            elif service == "ec2":
                answer = self._ec2(method, path, headers, body)
            else:
                answer = self.forward(method, path, headers, body)
        except Exception as exc:  # never hang Terraform on a shim bug: show it as a 500
            answer = 500, [("Content-Type", "text/plain")], f"moto shim: {exc!r}".encode()
        with self.lock:
            self.calls.append((service, action, answer[0]))
            if answer[0] >= 500 or (answer[0] >= 400 and service != "s3"):
                self.errors.append(f"{service}:{action} -> HTTP {answer[0]}: "
                                   f"{answer[2][:300].decode(errors='replace')}")
        return answer

    @staticmethod
    def _query(body: bytes) -> dict[str, str]:
        return dict(urllib.parse.parse_qsl(body.decode(), keep_blank_values=True))

    # -- ElastiCache: member clusters of a replication group

    _GROUP_FIELDS = ("CacheNodeType", "Engine", "EngineVersion", "CacheParameterGroupName",
                     "CacheSubnetGroupName", "PreferredMaintenanceWindow",
                     "AutoMinorVersionUpgrade", "AtRestEncryptionEnabled",
                     "TransitEncryptionEnabled", "TransitEncryptionMode", "SnapshotRetentionLimit",
                     "SnapshotWindow", "Port", "NumCacheClusters")

    def _elasticache(self, method: str, path: str, headers: dict[str, str], body: bytes):
        params = self._query(body)
        action = params.get("Action", "")
        status, out_headers, payload = self.forward(method, path, headers, body)
        group_id = params.get("ReplicationGroupId", "")
        if action == "CreateReplicationGroup" and status == 200:
            group = {k: params[k] for k in self._GROUP_FIELDS if k in params}
            group["SecurityGroupIds"] = _members(params, "SecurityGroupIds.SecurityGroupId")
            group["AuthTokenEnabled"] = bool(params.get("AuthToken"))
            with self.lock:
                self.cache_groups[group_id] = group
        elif action == "ModifyReplicationGroup" and status == 200:
            with self.lock:
                group = self.cache_groups.setdefault(group_id, {})
                group.update({k: params[k] for k in self._GROUP_FIELDS if k in params})
                if ids := _members(params, "SecurityGroupIds.SecurityGroupId"):
                    group["SecurityGroupIds"] = ids
        elif action == "DeleteReplicationGroup" and status == 200:
            with self.lock:
                self.cache_groups.pop(group_id, None)
        elif action == "DescribeCacheClusters" and status == 404:
            cluster_id = params.get("CacheClusterId", "")
            match = _CLUSTER_MEMBER.match(cluster_id)
            with self.lock:
                group = self.cache_groups.get(match.group(1)) if match else None
            if group is not None:
                self.answered.append("elasticache:DescribeCacheClusters")
                return 200, [("Content-Type", "text/xml")], self._cluster_xml(
                    cluster_id, match.group(1), group)
        return status, out_headers, payload

    def _cluster_xml(self, cluster_id: str, group_id: str, group: dict[str, Any]) -> bytes:
        def el(name: str, value: Any) -> str:
            return "" if value is None else f"<{name}>{escape(str(value))}</{name}>"

        groups = "".join(f"<member><SecurityGroupId>{escape(g)}</SecurityGroupId>"
                         "<Status>active</Status></member>"
                         for g in group.get("SecurityGroupIds", []))
        parameter_group = group.get("CacheParameterGroupName")
        cluster = "".join([
            el("CacheClusterId", cluster_id), el("ReplicationGroupId", group_id),
            el("CacheNodeType", group.get("CacheNodeType")),
            el("Engine", group.get("Engine", "redis")),
            el("EngineVersion", group.get("EngineVersion")),
            el("CacheClusterStatus", "available"), el("NumCacheNodes", 1),
            el("PreferredMaintenanceWindow", group.get("PreferredMaintenanceWindow")),
            (f"<CacheParameterGroup>{el('CacheParameterGroupName', parameter_group)}"
             "<ParameterApplyStatus>in-sync</ParameterApplyStatus></CacheParameterGroup>"
             if parameter_group else ""),
            el("CacheSubnetGroupName", group.get("CacheSubnetGroupName")),
            "<CacheSecurityGroups/>",
            f"<SecurityGroups>{groups}</SecurityGroups>",
            el("AutoMinorVersionUpgrade", _xml_bool(group.get("AutoMinorVersionUpgrade", True))),
            el("SnapshotRetentionLimit", group.get("SnapshotRetentionLimit")),
            el("SnapshotWindow", group.get("SnapshotWindow")),
            el("AuthTokenEnabled", _xml_bool(group.get("AuthTokenEnabled"))),
            el("TransitEncryptionEnabled", _xml_bool(group.get("TransitEncryptionEnabled"))),
            el("TransitEncryptionMode", group.get("TransitEncryptionMode")),
            el("AtRestEncryptionEnabled", _xml_bool(group.get("AtRestEncryptionEnabled"))),
        ])
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<DescribeCacheClustersResponse '
                'xmlns="http://elasticache.amazonaws.com/doc/2015-02-02/">'
                f"<DescribeCacheClustersResult><CacheClusters><CacheCluster>{cluster}"
                "</CacheCluster></CacheClusters></DescribeCacheClustersResult>"
                "<ResponseMetadata><RequestId>moto-shim</RequestId></ResponseMetadata>"
                "</DescribeCacheClustersResponse>").encode()

    # -- Budgets: subscribers and tags

    @staticmethod
    def _notification_key(account: str, budget: str, notification: dict[str, Any]) -> tuple:
        return (account, budget, notification.get("NotificationType"),
                notification.get("ComparisonOperator"), float(notification.get("Threshold", 0)),
                notification.get("ThresholdType") or "PERCENTAGE")

    def _budgets(self, method: str, path: str, headers: dict[str, str], body: bytes):
        target = headers.get("X-Amz-Target") or headers.get("x-amz-target") or ""
        action = target.rsplit(".", 1)[-1]
        request = json.loads(body or b"{}")
        account = request.get("AccountId", "")
        name = request.get("BudgetName") or (request.get("Budget") or {}).get("BudgetName", "")

        def answer(data: dict[str, Any]):
            self.answered.append(f"budgets:{action}")
            return 200, [("Content-Type", "application/x-amz-json-1.1")], json.dumps(data).encode()

        with self.lock:
            if action == "DescribeSubscribersForNotification":
                key = self._notification_key(account, name, request.get("Notification", {}))
                return answer({"Subscribers": self.budget_subscribers.get(key, [])})
            if action == "ListTagsForResource":
                tags = self.budget_tags.get(request.get("ResourceARN", ""), {})
                return answer({"ResourceTags": [{"Key": k, "Value": v}
                                                for k, v in sorted(tags.items())]})
            if action == "TagResource":
                tags = self.budget_tags.setdefault(request.get("ResourceARN", ""), {})
                tags.update({t["Key"]: t["Value"] for t in request.get("ResourceTags", [])})
                return answer({})
            if action == "UntagResource":
                tags = self.budget_tags.setdefault(request.get("ResourceARN", ""), {})
                for key in request.get("ResourceTagKeys", []):
                    tags.pop(key, None)
                return answer({})
            if action in ("CreateSubscriber", "DeleteSubscriber"):
                key = self._notification_key(account, name, request.get("Notification", {}))
                subscribers = self.budget_subscribers.setdefault(key, [])
                subscriber = request.get("Subscriber", {})
                if action == "CreateSubscriber" and subscriber not in subscribers:
                    subscribers.append(subscriber)
                elif subscriber in subscribers:
                    subscribers.remove(subscriber)
                return answer({})

        status, out_headers, payload = self.forward(method, path, headers, body)
        if status != 200:
            return status, out_headers, payload
        with self.lock:
            if action == "CreateBudget":
                for item in request.get("NotificationsWithSubscribers", []):
                    key = self._notification_key(account, name, item.get("Notification", {}))
                    self.budget_subscribers[key] = list(item.get("Subscribers", []))
                if tags := request.get("ResourceTags"):
                    arn = f"arn:aws:budgets::{account}:budget/{name}"
                    self.budget_tags[arn] = {t["Key"]: t["Value"] for t in tags}
            elif action == "CreateNotification":
                key = self._notification_key(account, name, request.get("Notification", {}))
                self.budget_subscribers[key] = list(request.get("Subscribers", []))
            elif action == "DeleteNotification":
                key = self._notification_key(account, name, request.get("Notification", {}))
                self.budget_subscribers.pop(key, None)
            elif action == "DeleteBudget":
                for key in [k for k in self.budget_subscribers if k[:2] == (account, name)]:
                    del self.budget_subscribers[key]
                self.budget_tags.pop(f"arn:aws:budgets::{account}:budget/{name}", None)
        return status, out_headers, payload

    # -- EC2: descriptions of security group rules whose peer is a group

    _RULE_ID = re.compile(rb"<securityGroupRuleId>(sgr-[0-9a-f]+)</securityGroupRuleId>")

    def _ec2(self, method: str, path: str, headers: dict[str, str], body: bytes):
        params = self._query(body) if method == "POST" else {}
        action = params.get("Action", "")
        if action in ("MonitorInstances", "UnmonitorInstances"):
            state = "enabled" if action == "MonitorInstances" else "disabled"
            ids = _members(params, "InstanceId")
            with self.lock:
                self.monitoring.update(dict.fromkeys(ids, state))
            self.answered.append(f"ec2:{action}")
            items = "".join(f"<item><instanceId>{escape(i)}</instanceId><monitoring><state>"
                            f"{state}</state></monitoring></item>" for i in ids)
            return 200, [("Content-Type", "text/xml")], (
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                f'<{action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
                f"<requestId>moto-shim</requestId><instancesSet>{items}</instancesSet>"
                f"</{action}Response>").encode()
        if action.startswith(("AuthorizeSecurityGroup", "RevokeSecurityGroup")):
            # moto checks a group's rules for a duplicate and then extends them, without a lock:
            # Terraform creating two rules of one group at once (alb_in_http and alb_in_https,
            # app_out_https and its neighbours) has drawn a spurious InvalidPermission.Duplicate
            # on a loaded machine. The shim sends them to moto one at a time.
            with self.rules_lock:
                status, out_headers, payload = self.forward(method, path, headers, body)
        else:
            status, out_headers, payload = self.forward(method, path, headers, body)
        if status != 200:
            return status, out_headers, payload
        if action in ("AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress"):
            description = params.get("IpPermissions.1.Groups.1.Description")
            ids = self._RULE_ID.findall(payload)
            if description is not None and len(ids) == 1:
                with self.lock:
                    self.rule_descriptions[ids[0].decode()] = description
        elif action == "ModifySecurityGroupRules":
            rule = params.get("SecurityGroupRule.1.SecurityGroupRuleId")
            description = params.get("SecurityGroupRule.1.SecurityGroupRule.Description")
            if rule and "SecurityGroupRule.1.SecurityGroupRule.ReferencedGroupId" in params:
                with self.lock:
                    if description:
                        self.rule_descriptions[rule] = description
                    else:
                        self.rule_descriptions.pop(rule, None)
        elif action == "DescribeSecurityGroupRules" and self.rule_descriptions:
            payload = self._describe_rules(payload)
        elif action == "DescribeInstances":
            payload = self._describe_instances(payload)
        return status, out_headers, payload

    def _describe_rules(self, payload: bytes) -> bytes:
        """Put each rule's recorded description back into a DescribeSecurityGroupRules answer."""
        matches = list(self._RULE_ID.finditer(payload))
        out, last = [], 0
        for i, match in enumerate(matches):
            end = matches[i + 1].start() if i + 1 < len(matches) else len(payload)
            with self.lock:
                description = self.rule_descriptions.get(match.group(1).decode())
            out.append(payload[last:match.end()])
            last = match.end()
            if description is not None and b"<description>" not in payload[match.end():end]:
                self.answered.append("ec2:DescribeSecurityGroupRules")
                out.append(b"<description>" + escape(description).encode() + b"</description>")
        out.append(payload[last:])
        return b"".join(out)

    def _describe_instances(self, payload: bytes) -> bytes:
        """Make moto's DescribeInstances say what AWS would for an instance launched through a
        network interface spec (the provider does that whenever associate_public_ip_address is
        set): moto leaves the instance's own groupSet empty (the provider then plans to add the
        security groups again) and writes an empty <association/> into the interface (which the
        provider reads as "has a public IP": associate_public_ip_address = true, a perpetual
        replacement). Also reports the monitoring state MonitorInstances last asked for."""
        try:
            root = ElementTree.fromstring(payload)
        except ElementTree.ParseError:
            return payload
        ns = root.tag[1:root.tag.index("}")] if root.tag.startswith("{") else ""

        def q(name: str) -> str:
            return f"{{{ns}}}{name}" if ns else name

        changed = False
        for instances in root.iter(q("instancesSet")):
            for instance in instances.findall(q("item")):
                interfaces = instance.findall(f"{q('networkInterfaceSet')}/{q('item')}")
                for parent in [*interfaces, *instance.iter(q("privateIpAddressesSet"))]:
                    for holder in [parent, *parent.findall(q("item"))]:
                        for association in holder.findall(q("association")):
                            if len(association) == 0 and not (association.text or "").strip():
                                holder.remove(association)
                                changed = True
                groups = instance.find(q("groupSet"))
                primary = next((i for i in interfaces
                                if i.findtext(f"{q('attachment')}/{q('deviceIndex')}") == "0"),
                               None)
                if groups is not None and len(groups) == 0 and primary is not None:
                    for group in primary.findall(f"{q('groupSet')}/{q('item')}"):
                        groups.append(group)
                        changed = True
                with self.lock:
                    state = self.monitoring.get(instance.findtext(q("instanceId")) or "")
                monitoring = instance.find(f"{q('monitoring')}/{q('state')}")
                if state and monitoring is not None and monitoring.text != state:
                    monitoring.text = state
                    changed = True
        if not changed:
            return payload
        self.answered.append("ec2:DescribeInstances")
        return (b'<?xml version="1.0" encoding="UTF-8"?>\n'
                + ElementTree.tostring(root, default_namespace=ns or None))
