"""boto3 backend: the resource graph as an ordered plan of AWS API calls (``plan.json``).

Each step is ``{id, node, kind, service, operation, params, outputs}`` plus what makes apply
safe to repeat: ``find`` (a read call that adopts a resource an interrupted run created),
``wait`` (a botocore waiter), ``read`` (outputs only known once the resource is ready),
``undo`` (the call ``s0c destroy`` makes) and ``tolerate`` (error codes that mean "already
done"). Every call's params are checked against botocore's service model before the plan is
written (see :mod:`.plan_check`).

An interpreter of the catalogue (``s0c.catalogue``): each kind's entry holds its life cycle as
call templates; one generic path fills them in, and ``OVERRIDES`` names the one kind whose calls
the templates cannot express. Running the plan is :mod:`s0c.runner.apply`'s job.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Callable

from s0c.catalogue import KINDS
from s0c.catalogue.budget import ACCOUNT_STEP
from s0c.catalogue.model import (Call, Fingerprint, FollowUp, Fmt, Join, Kind, Out, Owner,
                                  TagFind, Waiter)
from s0c.compiler.graph import Graph, Json, Node, Ref
from s0c.compiler.naming import partition
from s0c.plugins.hookspecs import hookimpl
from s0c.runner.plan_values import CREATED, FORMAT, JOIN, REF, encode
from s0c.spec.diagnostics import Diagnostic, error

ENV_TAG, ID_TAG = "s0c:environment", "s0c:logical-id"


def _ref(node_id: str, attr: str) -> dict[str, str]:
    return {REF: f"{node_id}.{attr}"}


class _Builder:
    """Fills the catalogue's call templates in for one graph (the plan's :class:`Encoder`)."""

    target = "api"

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.region = graph.region

    def __call__(self, value: Any) -> Any:
        return encode(value)

    def text(self, value: Any) -> Any:
        return encode(value)

    def json_text(self, value: Json) -> Any:
        return encode(value)

    def tag_list(self, node: Node) -> list[dict[str, str]]:
        tags = dict(node.props.get("tags", {}))
        tags[ENV_TAG] = self.graph.name
        tags[ID_TAG] = node.id
        return [{"Key": k, "Value": v} for k, v in tags.items()]

    def tag_filters(self, node: Node) -> list[dict[str, Any]]:
        return [{"Name": f"tag:{ENV_TAG}", "Values": [self.graph.name]},
                {"Name": f"tag:{ID_TAG}", "Values": [node.id]}]

    def token(self, node: Node, size: int = 64) -> str:
        """An idempotency token that is the same on every run of this plan."""
        return hashlib.sha256(f"{self.graph.name}/{node.id}".encode()).hexdigest()[:size]

    def fill(self, node: Node, template: Any) -> Any:
        """A catalogue call template with the node's values in it (see catalogue/model.py)."""
        if isinstance(template, str):
            if template.startswith("@"):
                return _ref(node.id, template[1:])
            if template.startswith("="):
                return encode(_prop(node.props, template[1:]))
            return template
        if isinstance(template, Fmt):
            return template.text.format(**{"partition": partition(self.region), **node.props})
        if isinstance(template, Join):
            return {JOIN: [self.fill(node, part) for part in template.parts]}
        if isinstance(template, Out):
            return _ref(template.step, template.attr)
        if isinstance(template, dict):
            return {key: self.fill(node, value) for key, value in template.items()}
        if isinstance(template, (list, tuple)):
            return [self.fill(node, value) for value in template]
        return template

    def call(self, node: Node, spec: Call | TagFind | None) -> dict | None:
        if spec is None:
            return None
        if isinstance(spec, TagFind):
            params = {spec.filter_key: self.tag_filters(node) + list(spec.extra_filters)}
            return call(spec.operation, params, self.fill(node, spec.outputs),
                        owner=self.owner(node, spec))
        return call(spec.operation, self.fill(node, spec.params), self.fill(node, spec.outputs),
                    wait=self.waiter(node, spec.wait), missing=list(spec.missing) or None,
                    gone=list(spec.gone) or None, owner=self.owner(node, spec.owner))

    def owner(self, node: Node, spec: Owner | TagFind | None) -> dict | None:
        """How apply checks that a found resource is this environment's (see catalogue/model.py):
        the tags it must carry, where they are, and what must match."""
        if spec is None:
            return None
        expected = {ENV_TAG: self.graph.name, ID_TAG: node.id}
        if isinstance(spec, TagFind):
            return {"tags": spec.tags, "items": spec.item_list, "expect": expected}
        out: dict[str, Any] = {"tags": spec.tags, "expect": expected if spec.tags else None,
                               "call": self.call(node, spec.call)}
        if spec.match:
            out["match"] = {param: ({"fingerprint": how.path} if isinstance(how, Fingerprint)
                                    else how) for param, how in spec.match.items()}
        return {k: v for k, v in out.items() if v is not None}

    def waiter(self, node: Node, spec: Waiter | None) -> dict | None:
        return waiter(spec.name, self.fill(node, spec.params)) if spec else None


def _prop(props: dict[str, Any], path: str) -> Any:
    for key in path.split("."):
        props = props[key]
    return props


def step(node: Node, service: str, operation: str, params: dict[str, Any],
         outputs: dict[str, Any] | None = None, *, suffix: str = "", **extra: Any) -> dict:
    out = {"id": node.id + (f"/{suffix}" if suffix else ""), "node": node.id, "kind": node.kind,
           "service": service, "operation": operation, "params": params,
           "outputs": outputs or {}}
    out.update({k: v for k, v in extra.items() if v is not None})
    return out


def call(operation: str, params: dict[str, Any], outputs: dict[str, Any] | None = None,
         **extra: Any) -> dict:
    out: dict[str, Any] = {"operation": operation, "params": params}
    if outputs:
        out["outputs"] = outputs
    out.update({k: v for k, v in extra.items() if v is not None})
    return out


def waiter(name: str, params: dict[str, Any]) -> dict:
    return {"waiter": name, "params": params}


# -- the generic path: one create step (and its follow-ups) from the kind's catalogue entry ----

def _create_params(b: _Builder, kind: Kind, node: Node) -> dict[str, Any]:
    api = kind.api
    params = kind.fields.pick(node.props, "api", b)
    params.update(b.fill(node, api.params))
    if kind.extra:
        params.update(kind.extra(node.props, b))
    if api.token:
        params[api.token_param] = b.token(node, api.token)
    if api.tags is not None:
        params.update(api.tags.render(b.tag_list(node)))
    return params


def _follow_up(b: _Builder, node: Node, follow: FollowUp) -> dict | None:
    if follow.when is not None:
        if follow.when not in node.props or (follow.truthy and not node.props[follow.when]):
            return None
    params = follow.params(node.props, b) if callable(follow.params) else follow.params
    if params is None:
        return None
    return step(node, KINDS[node.kind].api.service, follow.operation, b.fill(node, params),
                suffix=follow.suffix, find=b.call(node, follow.find),
                wait=b.waiter(node, follow.wait), undo=b.call(node, follow.undo),
                tolerate=list(follow.tolerate) or None)


def generic_steps(b: _Builder, node: Node) -> list[dict]:
    kind = KINDS[node.kind]
    api = kind.api
    undo = api.undo(node.props) if callable(api.undo) else api.undo
    steps = [step(node, api.service, api.create, _create_params(b, kind, node),
                  b.fill(node, api.outputs), find=b.call(node, api.find),
                  wait=b.waiter(node, api.wait), read=b.call(node, api.read),
                  retry=dict(api.retry) if api.retry else None, undo=b.call(node, undo),
                  tolerate=list(api.tolerate) or None, hint=api.hint)]
    return steps + [s for s in (_follow_up(b, node, f) for f in api.follow) if s]


# -- named overrides: the kinds whose calls the catalogue's templates cannot say ------------------

def _bucket_key(name: str) -> dict[str, str]:
    return {"Bucket": name}


def _bucket(b: _Builder, n: Node) -> list[dict]:
    name = n.props["bucket"]
    arn = f"arn:{partition(b.graph.region)}:s3:::{name}"
    params: dict[str, Any] = {"Bucket": name}
    if b.graph.region != "us-east-1":  # S3's one region that refuses a LocationConstraint
        params["CreateBucketConfiguration"] = {"LocationConstraint": b.graph.region}
    listed = f"Buckets[?Name=='{name}'] | [0].Name"
    # A bucket's name is its id, known before it exists: the outputs are JMESPath literals.
    return [step(n, "s3", "CreateBucket", params, {"id": f"'{name}'", "arn": f"'{arn}'"},
                 find=call("ListBuckets", {"Prefix": name},
                           {"id": listed, "arn": f"{listed} && '{arn}'"},
                           owner={"tags": "TagSet",
                                  "expect": {ENV_TAG: b.graph.name, ID_TAG: n.id},
                                  "call": call("GetBucketTagging", _bucket_key(name),
                                               missing=["NoSuchTagSet"])}),
                 wait=waiter("BucketExists", {"Bucket": name}),
                 # A bucket that still holds objects is not deleted: the call fails and says so.
                 undo=call("DeleteBucket", {"Bucket": name}, gone=["NoSuchBucket"])),
            step(n, "s3", "PutBucketTagging",
                 {"Bucket": name, "Tagging": {"TagSet": b.tag_list(n)}}, suffix="tags")]


OVERRIDES: dict[str, Callable[[_Builder, Node], list[dict]]] = {"bucket": _bucket}


def build_plan(graph: Graph) -> dict[str, Any]:
    # The plan runs in the spec's region: the region, its partition (the region data, see
    # compiler.naming.partition) and the other deployment facts are literals here.
    # A "created" suffix (a final snapshot's name) is "-" and the creation time apply records
    # for the node (runner.plan_values.CREATED): a re-created database's snapshot gets a new name.
    graph = graph.literal(created=lambda node_id: ("-", Ref(node_id, CREATED)))
    builder = _Builder(graph)
    steps: list[dict] = []
    if any(KINDS[n.kind].api.needs_account for n in graph.nodes.values()):
        steps += generic_steps(builder, Node(ACCOUNT_STEP, "caller_identity", {}))
    for node in graph.ordered():
        # Steps run one at a time in the graph's order, so depends_on needs no translation.
        steps += OVERRIDES.get(node.kind, generic_steps)(builder, node)
    outputs = {name: {"description": o.description, "value": encode(o.value)}
               for name, o in sorted(graph.outputs.items())}
    return {"format": FORMAT, "name": graph.name, "region": graph.region, "mode": graph.mode,
            "inputs": {name: d.default for name, d in sorted(graph.inputs.items())},
            "steps": steps, "outputs": outputs}


def render(plan: dict[str, Any]) -> str:
    return json.dumps(plan, indent=2, ensure_ascii=False) + "\n"


class Boto3Backend:
    name = "boto3"
    description = "an ordered plan of boto3 calls (plan.json) for `s0c apply`"

    def emit(self, graph: Graph) -> tuple[dict[str, str], list[Diagnostic]]:
        from .plan_check import check_plan

        plan = build_plan(graph)
        problems = [error("S0C-BOTO3", message, graph.nodes[node].origin
                          if node in graph.nodes else ())
                    for node, message in check_plan(plan)]
        if problems:
            return {}, problems
        return {"plan.json": render(plan)}, []


@hookimpl
def s0c_register_backends(register) -> None:
    register(Boto3Backend())

