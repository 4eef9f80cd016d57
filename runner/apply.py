"""Runs a boto3 plan: idempotent, resumable, journaled.

After every step the journal next to the plan (``journal.json``) records the step's outputs
(logical id -> physical ids). A step the journal records is never run again. A step an
interrupted run had started (the call succeeded, the journal was not written) is found again
by its ``find`` call - by the ``s0c:logical-id`` tag or by its unique name - and adopted instead
of created twice; the calls without a ``find`` are idempotent in AWS itself (Put*, Attach*,
Register*, Modify*). ``destroy`` runs each recorded step's ``undo`` in reverse order.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import jmespath

from .plan_values import FORMAT
from .plan_values import JOIN, marker, resolve

JOURNAL_FORMAT = "s0c.journal/1"
PLAN_FILE, JOURNAL_FILE = "plan.json", "journal.json"


class PlanError(ValueError):
    """The directory holds no usable plan, or its journal belongs elsewhere (a usage error)."""


class StepFailed(RuntimeError):
    def __init__(self, step: dict[str, Any], action: str, code: str, message: str) -> None:
        self.step, self.action, self.code, self.message = step, action, code, message
        super().__init__(f"step {step['id']} ({step['service']} {action}) failed: {code}:"
                         f" {message}")


def load_plan(directory: str | Path) -> dict[str, Any]:
    path = Path(directory) / PLAN_FILE
    try:
        plan = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PlanError(f"{path}: no plan here (run `s0c compile SPEC --backend boto3 -o"
                        f" {directory}` first)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PlanError(f"{path}: not a readable plan: {exc}") from None
    if not isinstance(plan, dict) or plan.get("format") != FORMAT:
        raise PlanError(f"{path}: not an s0c boto3 plan (expected format {FORMAT!r})")
    return plan


def digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:16]


@dataclass
class Journal:
    path: Path
    data: dict[str, Any]

    @classmethod
    def open(cls, directory: str | Path, plan: dict[str, Any], region: str) -> "Journal":
        path = Path(directory) / JOURNAL_FILE
        if path.exists():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as exc:
                raise PlanError(f"{path}: unreadable journal: {exc}") from None
            if data.get("format") != JOURNAL_FORMAT or data.get("name") != plan["name"]:
                raise PlanError(f"{path}: journal of another plan ({data.get('name')!r})")
            if data.get("region") != region:
                raise PlanError(f"{path}: this environment was applied in"
                                f" {data.get('region')}, not {region}")
            return cls(path, data)
        return cls(path, {"format": JOURNAL_FORMAT, "name": plan["name"], "region": region,
                          "steps": {}, "outputs": {}})

    @property
    def steps(self) -> dict[str, Any]:
        return self.data["steps"]

    def save(self) -> None:
        """Atomically: a kill at any moment leaves either the old or the new journal."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".journal-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(self.data, handle, indent=2, sort_keys=True)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


def extract(spec: Any, response: Any, fill: Callable[[Any], Any]) -> Any:
    """One output of a call: a JMESPath expression, optionally with a regex group applied."""
    if marker(spec) == JOIN:
        spec = fill(spec)
    if isinstance(spec, str):
        return jmespath.search(spec, response)
    value = jmespath.search(spec["path"], response)
    if isinstance(value, str) and "match" in spec:
        found = re.search(spec["match"], value)
        return found.group(1) if found else None
    return value


@dataclass
class Event:
    kind: str  # start | skip | adopt | create | wait | done | changed | undo | gone | hint
    step: dict[str, Any]
    detail: str = ""


@dataclass
class Runner:
    plan: dict[str, Any]
    journal: Journal
    region: str
    endpoint_url: str | None = None
    on_event: Callable[[Event], None] = lambda event: None
    # Called right after a create call returns, before the journal records it: tests use it
    # to kill a run at the worst moment.
    after_call: Callable[[dict[str, Any]], None] = lambda step: None
    sleep: Callable[[float], None] = time.sleep
    # botocore WaiterConfig for every waiter ({"Delay": s, "MaxAttempts": n}); None: AWS's own.
    waiter_config: dict[str, Any] | None = None
    # Waiters not to run at all (a stand-in for AWS that never finishes some transition).
    skip_waiters: frozenset[str] = frozenset()
    _clients: dict[str, Any] = field(default_factory=dict)

    def client(self, service: str):
        if service not in self._clients:
            import boto3
            from botocore.config import Config

            self._clients[service] = boto3.session.Session().client(
                service, region_name=self.region, endpoint_url=self.endpoint_url,
                config=Config(retries={"mode": "standard", "max_attempts": 5}))
        return self._clients[service]

    # -- values -------------------------------------------------------------------------------

    def output(self, ref: str) -> Any:
        node, attr = ref.split(".", 1)
        for entry in self.journal.steps.values():
            if entry.get("node") == node and attr in entry.get("outputs", {}):
                return entry["outputs"][attr]
        raise PlanError(f"{ref}: no step recorded this output (is the journal from this plan?)")

    def fill(self, value: Any) -> Any:
        return resolve(value, self.output, self.plan.get("inputs", {}))

    # -- AWS calls ----------------------------------------------------------------------------

    def call(self, step: dict, operation: str, params: dict, *, tolerate=(), retry=None) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError
        from botocore.parsers import ResponseParserError

        method = getattr(self.client(step["service"]), _snake(operation))
        attempts = (retry or {}).get("attempts", 1)
        for attempt in range(1, attempts + 1):
            try:
                return method(**params)
            except ClientError as exc:
                code = exc.response.get("Error", {}).get("Code", "Unknown")
                if code in tolerate:
                    return {}
                if retry and code in retry.get("errors", ()) and attempt < attempts:
                    self.sleep(retry.get("delay", 5))
                    continue
                raise StepFailed(step, operation, code,
                                 exc.response.get("Error", {}).get("Message", str(exc))) from None
            except (BotoCoreError, ResponseParserError) as exc:
                # No answer, or one botocore cannot read (an endpoint's internal error page).
                detail = str(exc).splitlines()[0] if str(exc) else ""
                raise StepFailed(step, operation, type(exc).__name__, detail) from None
        raise AssertionError("unreachable")

    def outputs(self, specs: dict[str, Any], response: Any) -> dict[str, Any]:
        return {name: extract(spec, response, self.fill) for name, spec in specs.items()}

    def find(self, step: dict) -> dict[str, Any] | None:
        find = step.get("find")
        if not find:
            return None
        # A "not found" error code answers {}, whose outputs are all None: not found.
        response = self.call(step, find["operation"], self.fill(find["params"]),
                             tolerate=find.get("missing", ()))
        found = self.outputs(find.get("outputs", {}), response)
        if not found or any(v in (None, []) for v in found.values()):
            return None
        return {k: v for k, v in found.items() if not k.startswith("_")}

    def wait(self, step: dict, wait: dict) -> None:
        from botocore.exceptions import BotoCoreError
        from botocore.parsers import ResponseParserError

        if wait["waiter"] in self.skip_waiters:
            return
        self.on_event(Event("wait", step, wait["waiter"]))
        waiter = self.client(step["service"]).get_waiter(_snake(wait["waiter"]))
        params = self.fill(wait["params"])
        if self.waiter_config:
            params["WaiterConfig"] = self.waiter_config
        try:
            waiter.wait(**params)
        except (BotoCoreError, ResponseParserError) as exc:  # WaiterError is a BotoCoreError
            detail = str(exc).splitlines()[0] if str(exc) else ""
            raise StepFailed(step, f"waiter {wait['waiter']}", type(exc).__name__, detail) from None

    # -- apply / destroy ----------------------------------------------------------------------

    def orphans(self) -> list[str]:
        """Steps the journal records that this plan no longer has (a changed spec): apply
        leaves them alone and destroy cannot undo them."""
        known = {s["id"] for s in self.plan["steps"]}
        return sorted(sid for sid in self.journal.steps if sid not in known)

    def changed(self) -> list[dict]:
        """Steps done in an earlier run whose params the plan has changed since."""
        return [s for s in self.plan["steps"]
                if self.journal.steps.get(s["id"], {}).get("status") == "done"
                and self.journal.steps[s["id"]].get("params") != digest(s["params"])]

    def pending(self) -> list[dict]:
        return [s for s in self.plan["steps"]
                if self.journal.steps.get(s["id"], {}).get("status") != "done"]

    def apply_step(self, step: dict) -> str:
        """Runs one step to "done"; says whether it "created", "adopted" or "resumed" it."""
        entry = self.journal.steps.get(step["id"])
        outcome = "resumed"
        if entry is None:
            found = self.find(step)
            if found is not None:
                self.on_event(Event("adopt", step, ", ".join(map(str, found.values()))))
                outputs, outcome = found, "adopted"
            else:
                outcome = "created"
                self.on_event(Event("create", step))
                response = self.call(step, step["operation"], self.fill(step["params"]),
                                     tolerate=step.get("tolerate", ()), retry=step.get("retry"))
                outputs = self.outputs(step.get("outputs", {}), response)
                self.after_call(step)
            # The params themselves (no secret is ever in a plan) let a later dry run say what
            # a recompiled plan changes; the digest stays for journals that predate them.
            entry = {"node": step["node"], "status": "created", "outputs": outputs,
                     "params": digest(step["params"]), "applied": step["params"]}
            self.journal.steps[step["id"]] = entry
            self.journal.save()
        if step.get("hint"):
            self.on_event(Event("hint", step, step["hint"]))
        if "wait" in step:
            self.wait(step, step["wait"])
        if "read" in step:
            read = step["read"]
            response = self.call(step, read["operation"], self.fill(read["params"]))
            entry["outputs"].update(self.outputs(read.get("outputs", {}), response))
        entry["status"] = "done"
        self.journal.save()
        return outcome

    def apply(self) -> dict[str, int]:
        counts = {"created": 0, "adopted": 0, "resumed": 0, "skipped": 0}
        for step in self.plan["steps"]:
            entry = self.journal.steps.get(step["id"])
            if entry is not None and entry.get("status") == "done":
                counts["skipped"] += 1
                if entry.get("params") != digest(step["params"]):
                    self.on_event(Event("changed", step))
                self.on_event(Event("skip", step))
                continue
            self.on_event(Event("start", step))
            counts[self.apply_step(step)] += 1
            self.on_event(Event("done", step))
        self.journal.data["outputs"] = {
            name: self.fill(output["value"]) for name, output in self.plan["outputs"].items()}
        self.journal.save()
        return counts

    def destroy(self) -> dict[str, int]:
        counts = {"deleted": 0, "forgotten": 0}
        for step in reversed(self.plan["steps"]):
            if step["id"] not in self.journal.steps:
                continue
            undo = step.get("undo")
            self.on_event(Event("undo", step, undo["operation"] if undo else ""))
            if undo:
                self.call(step, undo["operation"], self.fill(undo["params"]),
                          tolerate=undo.get("gone", ()))
                if "wait" in undo:
                    self.wait(step, undo["wait"])
                counts["deleted"] += 1
            else:
                counts["forgotten"] += 1
            del self.journal.steps[step["id"]]
            self.journal.save()
            self.on_event(Event("gone", step))
        if not self.journal.steps:
            self.journal.remove()
        return counts


def _snake(operation: str) -> str:
    from botocore import xform_name

    return xform_name(operation)
