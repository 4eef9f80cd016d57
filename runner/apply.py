"""Runs a boto3 plan: idempotent, resumable, journaled, and never on what it does not own.

After every step the journal next to the plan (``journal.json``, see :mod:`.journal`) records
the step's outputs (logical id -> physical ids) and whether s0c created the resource or adopted
it. A step the journal records is run again only if AWS no longer has what it recorded. Before a
create call the journal records the intent, so a run killed right after the call finds the
resource again (by its ``find``) and knows it made it. A find's result is adopted only when it
provably belongs to this environment (:mod:`.ownership`: its ``s0c:environment`` and
``s0c:logical-id`` tags, checked here, never trusted to a server-side filter; or ``--adopt``) and
matches the step (an IAM role's trust policy, a key pair's public key). The calls without a
``find`` are idempotent in AWS itself (Put*, Attach*, Register*, Modify*). ``destroy`` runs each
created step's ``undo`` in reverse order and leaves adopted ones unless told otherwise.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import jmespath

from . import ownership
from .journal import FILE as JOURNAL_FILE
from .journal import Journal as _Journal
from .journal import JournalError
from .plan_values import CREATED, FORMAT, JOIN, REF, Unresolved, marker, refs, resolve

PLAN_FILE = "plan.json"


class PlanError(ValueError):
    """The directory holds no usable plan, or its journal is unreadable or belongs elsewhere
    (a usage error)."""


class StepFailed(RuntimeError):
    def __init__(self, step: dict[str, Any], action: str, code: str, message: str, *,
                 definitive: bool = True) -> None:
        self.step, self.action, self.code, self.message = step, action, code, message
        # False: AWS may have done it anyway (no answer); True: it refused or was never asked.
        self.definitive = definitive
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


class Journal(_Journal):
    @classmethod
    def open(cls, directory: str | Path, plan: dict[str, Any], region: str) -> "Journal":
        path = Path(directory) / JOURNAL_FILE
        try:
            journal = cls.load(path)
        except JournalError as exc:
            raise PlanError(str(exc)) from None
        if journal is None:
            return cls.new(path, plan["name"], region)
        data = journal.data
        if data["name"] != plan["name"]:
            raise PlanError(f"{path}: journal of another plan ({data['name']!r})")
        if data["region"] != region:
            raise PlanError(f"{path}: this environment was applied in {data['region']}, not"
                            f" {region}")
        return journal


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
    # start | skip | adopt | create | wait | done | changed | undo | gone | hint | missing | keep
    kind: str
    step: dict[str, Any]
    detail: str = ""


@dataclass
class Found:
    """What a step's find returned, and what apply makes of it."""

    outputs: dict[str, Any]       # the step's outputs (private ``_`` ones left out)
    private: dict[str, Any]       # every output of the find, ``_`` ones included
    owned: bool | None            # carries this environment's tags (None: the find has no owner)
    why_not: str = ""             # why it is not provably this environment's
    mismatches: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        shown = [str(v) for v in self.outputs.values() if v not in (None, "", [])]
        shown = shown or [str(v) for v in self.private.values() if v not in (None, "", [])]
        return ", ".join(shown) or "it"


def _origin_word(entry: dict[str, Any]) -> str:
    return entry.get("origin", "unknown")


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
    # Logical (node) or step ids the user told apply to take over although nothing proves they
    # are this environment's (--adopt).
    adopt: frozenset[str] = frozenset()
    _clients: dict[str, Any] = field(default_factory=dict)
    # Outputs of a find not yet recorded (node -> outputs), for the find's own tag read.
    _overlay: dict[str, dict[str, Any]] = field(default_factory=dict)

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
        if attr in self._overlay.get(node, {}):
            return self._overlay[node][attr]
        for entry in self.journal.steps.values():
            if entry.get("node") == node and attr in entry.get("outputs", {}):
                return entry["outputs"][attr]
        raise Unresolved(f"{ref}: no step recorded this output (is the journal from this"
                         " plan?)")

    def fill(self, value: Any, step: dict | None = None, action: str = "") -> Any:
        """Plan JSON -> boto3 values; a reference that cannot be filled in fails ``step``."""
        try:
            return resolve(value, self.output, self.plan.get("inputs", {}))
        except Unresolved as exc:
            if step is None:
                raise
            raise StepFailed(step, action or step["operation"], "UnresolvedReference",
                             str(exc)) from None

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
                raise StepFailed(step, operation, type(exc).__name__, detail,
                                 definitive=False) from None
        raise AssertionError("unreachable")

    def outputs(self, specs: dict[str, Any], response: Any, step: dict | None = None) -> dict:
        return {name: extract(spec, response, lambda v: self.fill(v, step))
                for name, spec in specs.items()}

    def look(self, step: dict, checks: bool = True) -> Found | None:
        """The step's find: what it returns, with the ownership and match checks done (not
        acted on: :meth:`verdict` decides; ``checks=False``: only whether it exists, as
        ``owned=None``). None: nothing found (or no find)."""
        find = step.get("find")
        if not find:
            return None
        operation = find["operation"]
        # A "not found" error code answers {}, whose outputs are all None: not found.
        response = self.call(step, operation, self.fill(find["params"], step, operation),
                             tolerate=find.get("missing", ()))
        owner = find.get("owner")
        if owner is not None and "items" in owner:
            response = ownership.keep_owned(response, owner)
        found = self.outputs(find.get("outputs", {}), response, step)
        if not found or any(v in (None, []) for v in found.values()):
            return None
        public = {k: v for k, v in found.items() if not k.startswith("_")}
        if owner is None or not checks:
            return Found(public, found, None)
        if "items" in owner:  # every item left carries this environment's tags
            return Found(public, found, True)
        owned, why_not = False, "the kind takes no tags, so nothing shows who created it"
        if owner.get("tags"):
            tags_from = response
            if "call" in owner:
                tag_call = owner["call"]
                self._overlay[step["node"]] = found
                try:
                    params = self.fill(tag_call["params"], step, tag_call["operation"])
                finally:
                    self._overlay.pop(step["node"], None)
                tags_from = self.call(step, tag_call["operation"], params,
                                      tolerate=tag_call.get("missing", ()))
            tags = jmespath.search(owner["tags"], tags_from)
            owned = ownership.carries(tags, owner["expect"])
            why_not = "" if owned else ownership.why_not_ours(tags, owner["expect"])
        return Found(public, found, owned, why_not, tuple(self._mismatches(step, owner,
                                                                           response)))

    def _mismatches(self, step: dict, owner: dict, response: Any) -> list[str]:
        out = []
        for param, where in owner.get("match", {}).items():
            want = self.fill(step["params"].get(param), step)
            if isinstance(where, dict) and "fingerprint" in where:
                have = jmespath.search(where["fingerprint"], response)
                if not ownership.same_key(want, have):
                    out.append(f"its public key (fingerprint {have}) is not the spec's"
                               f" ({', '.join(sorted(_safe_fingerprints(want)))})")
            else:
                have = jmespath.search(where, response)
                if not ownership.same_value(want, have):
                    shown = json.dumps(have, sort_keys=True) if not isinstance(have, str) \
                        else have
                    out.append(f"its {param} is {shown}, not the step's"
                               f" {want if isinstance(want, str) else json.dumps(want)}")
        return out

    def find(self, step: dict) -> dict[str, Any] | None:
        """The step's resource as its outputs, if its find returns one (checks not applied)."""
        found = self.look(step)
        return None if found is None else found.outputs

    def verdict(self, step: dict, found: Found, intent: bool) -> tuple[str, str]:
        """(origin, how) for a found resource apply may take; raises StepFailed otherwise."""
        what = f"{step['kind'].replace('_', ' ')} {found.name}"
        if found.mismatches:
            raise StepFailed(step, step["find"]["operation"], "NotTheSpecs",
                             f"found {what}, but {'; '.join(found.mismatches)}: it is not what"
                             " this step creates, so apply does not adopt it; delete or rename"
                             " it (or change the spec to match it), then run apply again")
        if found.owned is None:  # inside a resource the plan holds: belongs with it
            origin = "created" if intent else self._inherited(step)
            part = "s0c created" if origin == "created" else "was adopted"
            return origin, f"found {what}, part of a resource that {part}"
        if intent:
            return "created", f"found {what}, created by an interrupted run"
        if found.owned:
            return "adopted", f"found {what}, tagged as this environment's (adopted)"
        if step["id"] in self.adopt or step["node"] in self.adopt:
            return "adopted", f"found {what}, adopted as told (--adopt {step['node']})"
        raise StepFailed(step, step["find"]["operation"], "NotOwned",
                         f"found {what}, which this environment did not create: {found.why_not};"
                         " apply does not adopt it. Delete or rename it, tag it"
                         f" s0c:environment={self.plan['name']} and"
                         f" s0c:logical-id={step['node']}, or run apply with --adopt"
                         f" {step['node']} to take it over (destroy then leaves it unless given"
                         " --include-adopted)")

    def _inherited(self, step: dict) -> str:
        """A step with no find of its own (or one inside another resource) is adopted when a
        resource it works on is: its own node's first step, or a node its params name."""
        nodes = {step["node"]} | {ref.split(".", 1)[0] for ref in refs(step["params"])}
        nodes |= {ref.split(".", 1)[0] for ref in refs(step.get("find", {}).get("params", {}))}
        for sid, entry in self.journal.steps.items():
            if sid != step["id"] and entry["node"] in nodes and sid == entry["node"] \
                    and entry.get("origin") != "created":
                return "adopted"
        return "created"

    def wait(self, step: dict, wait: dict) -> None:
        from botocore.exceptions import BotoCoreError
        from botocore.parsers import ResponseParserError

        if wait["waiter"] in self.skip_waiters:
            return
        self.on_event(Event("wait", step, wait["waiter"]))
        waiter = self.client(step["service"]).get_waiter(_snake(wait["waiter"]))
        params = self.fill(wait["params"], step, f"waiter {wait['waiter']}")
        if self.waiter_config:
            params["WaiterConfig"] = self.waiter_config
        try:
            waiter.wait(**params)
        except (BotoCoreError, ResponseParserError) as exc:  # WaiterError is a BotoCoreError
            detail = str(exc).splitlines()[0] if str(exc) else ""
            raise StepFailed(step, f"waiter {wait['waiter']}", type(exc).__name__, detail,
                             definitive=False) from None

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

    def check_recorded(self) -> list[str]:
        """Checks what the journal records against AWS before trusting it: a step whose
        resource its find no longer returns (or returns as another one) is forgotten, to be
        created again, and so is every later step on a forgotten node or naming one."""
        gone: set[str] = set()
        forgotten = []
        for step in self.plan["steps"]:
            entry = self.journal.steps.get(step["id"])
            if entry is None or entry["status"] != "done":
                continue
            named = {ref.split(".", 1)[0] for ref in refs(step["params"])}
            named |= {ref.split(".", 1)[0] for ref in refs(step.get("find", {}).get("params", {}))}
            named.add(step["node"])
            if named & gone:
                why = f"it depends on {', '.join(sorted(named & gone))}, which is re-created"
            elif step.get("find"):
                found = self.look(step, checks=False)
                recorded = entry["outputs"]
                if found is not None and all(recorded.get(k) == v for k, v in
                                             found.outputs.items() if k in recorded):
                    continue
                shown = ", ".join(str(v) for v in recorded.values() if v not in (None, "", []))
                why = f"AWS no longer has the recorded {step['kind'].replace('_', ' ')}" \
                      f" {shown or step['id']}; creating it again"
            else:
                continue
            del self.journal.steps[step["id"]]
            gone.add(step["node"])
            forgotten.append(step["id"])
            self.on_event(Event("missing", step, why))
        if forgotten:
            self.journal.save()
        return forgotten

    def _indexed(self) -> dict[str, tuple[int, list[str]]]:
        """ref -> (the highest item the plan asks of it, the steps asking)."""
        out: dict[str, tuple[int, list[str]]] = {}

        def visit(value: Any, sid: str) -> None:
            if marker(value) == REF and isinstance(value.get("index"), int):
                top, users = out.get(value[REF], (-1, []))
                out[value[REF]] = (max(top, value["index"]),
                                   users + ([sid] if sid not in users else []))
            elif isinstance(value, dict):
                for item in value.values():
                    visit(item, sid)
            elif isinstance(value, list):
                for item in value:
                    visit(item, sid)

        for step in self.plan["steps"]:
            visit({k: v for k, v in step.items() if k not in ("id", "node", "kind")}, step["id"])
        return out

    def check_counts(self, step: dict, entry: dict) -> None:
        """A list output later steps index into holds enough items (before anything uses it:
        the region's AZs are read before anything is created)."""
        for ref, (top, users) in self._indexes.items():
            node, attr = ref.split(".", 1)
            if node != step["node"] or attr not in entry["outputs"]:
                continue
            items = entry["outputs"][attr]
            if isinstance(items, list) and len(items) > top:
                continue
            count = len(items) if isinstance(items, list) else 0
            named = ", ".join(users[:6]) + (", ..." if len(users) > 6 else "")
            if step["kind"] == "availability_zones":
                message = (f"the region {self.region} has {count} availability zones"
                           f" ({', '.join(map(str, items or []))}); the spec asks for {top + 1}"
                           f" (steps {named}): lower availability_zones in the spec or deploy"
                           " to a region with enough zones; nothing was created for them")
            else:
                message = (f"{ref} has {count} items; the plan asks for item {top}"
                           f" (steps {named})")
            raise StepFailed(step, step["operation"], "NotEnoughItems", message)

    def apply_step(self, step: dict) -> str:
        """Runs one step to "done"; says whether it "created", "adopted" or "resumed" it."""
        entry = self.journal.steps.get(step["id"])
        outcome = "resumed"
        if entry is None or entry["status"] == "calling":
            intent = entry is not None
            found = self.look(step)
            if found is not None:
                origin, how = self.verdict(step, found, intent)
                self.on_event(Event("adopt", step, how))
                outputs, why = found.outputs, how
                outcome = "adopted" if origin != "created" else "resumed"
            else:
                outcome, origin, why = "created", None, None
                self.on_event(Event("create", step))
                params = self.fill(step["params"], step)
                if step.get("find"):  # a run killed after the call must know it made it
                    self.journal.steps[step["id"]] = {
                        "node": step["node"], "status": "calling", "origin": "created",
                        "outputs": {}}
                    self.journal.save()
                try:
                    response = self.call(step, step["operation"], params,
                                         tolerate=step.get("tolerate", ()),
                                         retry=step.get("retry"))
                except StepFailed as exc:
                    if exc.definitive and step.get("find"):  # AWS refused: nothing was made
                        self.journal.steps.pop(step["id"], None)
                        self.journal.save()
                    raise
                outputs = self.outputs(step.get("outputs", {}), response, step)
                self.after_call(step)
                origin = "created" if step.get("find") else self._inherited(step)
            if any(ref == f"{step['node']}.{CREATED}" for ref in refs(step.get("undo", {}))):
                # The undo names something after this creation (a final snapshot): record when.
                outputs = {**outputs, CREATED: time.strftime("%Y%m%d%H%M%S", time.gmtime())}
            # The params themselves (no secret is ever in a plan) let a later dry run say what
            # a recompiled plan changes; the digest stays for journals that predate them.
            entry = {"node": step["node"], "status": "created", "origin": origin,
                     "outputs": outputs, "params": digest(step["params"]),
                     "applied": step["params"]}
            if why and origin != "created":
                entry["why"] = why
            self.journal.steps[step["id"]] = entry
            self.journal.save()
        if step.get("hint"):
            self.on_event(Event("hint", step, step["hint"]))
        if "wait" in step:
            self.wait(step, step["wait"])
        if "read" in step:
            read = step["read"]
            response = self.call(step, read["operation"],
                                 self.fill(read["params"], step, read["operation"]))
            entry["outputs"].update(self.outputs(read.get("outputs", {}), response, step))
        self.check_counts(step, entry)
        entry["status"] = "done"
        self.journal.save()
        return outcome

    @property
    def _indexes(self) -> dict[str, tuple[int, list[str]]]:
        if not hasattr(self, "_indexes_cache"):
            self._indexes_cache = self._indexed()
        return self._indexes_cache

    def apply(self) -> dict[str, int]:
        counts = {"created": 0, "adopted": 0, "resumed": 0, "skipped": 0,
                  "recreated": len(self.check_recorded())}
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
        outputs = {}
        for name, output in self.plan["outputs"].items():
            outputs[name] = self.fill(output["value"], {"id": f"outputs.{name}",
                                                        "service": "plan"}, "output")
        self.journal.data["outputs"] = outputs
        self.journal.save()
        return counts

    def kept(self, include_adopted: bool = False) -> list[dict]:
        """The recorded steps destroy leaves in place: what s0c did not create."""
        if include_adopted:
            return []
        return [s for s in self.plan["steps"] if s["id"] in self.journal.steps
                and self.journal.steps[s["id"]].get("origin") != "created"]

    def destroy(self, include_adopted: bool = False) -> dict[str, int]:
        counts = {"deleted": 0, "forgotten": 0, "kept": 0}
        for step in reversed(self.plan["steps"]):
            entry = self.journal.steps.get(step["id"])
            if entry is None:
                continue
            if entry.get("origin") != "created" and not include_adopted:
                counts["kept"] += 1
                self.on_event(Event("keep", step, _origin_word(entry)))
                continue
            if entry["status"] == "calling":
                # Killed around the create call: whatever the find returns is what it made.
                found = self.look(step)
                if found is None or found.mismatches:  # nothing made, or not what it makes
                    del self.journal.steps[step["id"]]
                    self.journal.save()
                    counts["forgotten"] += 1
                    continue
                entry["outputs"] = found.outputs
            undo = step.get("undo")
            self.on_event(Event("undo", step, undo["operation"] if undo else ""))
            if undo:
                self.call(step, undo["operation"],
                          self.fill(undo["params"], step, undo["operation"]),
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


def _safe_fingerprints(public_key: Any) -> set[str]:
    try:
        return ownership.fingerprints(str(public_key))
    except Exception:  # noqa: BLE001 - a key s0c cannot read: say so instead of a fingerprint
        return {"unreadable key"}


def _snake(operation: str) -> str:
    from botocore import xform_name

    return xform_name(operation)
