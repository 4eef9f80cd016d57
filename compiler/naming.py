"""Physical AWS names and logical ids, derived deterministically from the spec."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from s0c.spec.models import Spec

from .graph import Graph, Json, Node, Pseudo, Template
from s0c.catalogue import KINDS


def aws_name(*parts: str, max_len: int = 63) -> str:
    """``parts`` joined with '-'; too long for AWS, it is cut and given a stable hash suffix."""
    name = "-".join(p for p in parts if p)
    if len(name) <= max_len:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:6]
    return f"{name[: max_len - 7].rstrip('-')}-{digest}"


def ident(*parts: str) -> str:
    """A logical id: lowercase letters, digits and '_' (valid in HCL and, camel-cased, in CFN)."""
    return re.sub(r"[^a-z0-9]+", "_", "_".join(parts).lower()).strip("_")


def az_letter(index: int) -> str:
    return "abcdef"[index]


def partition(region: str) -> str:
    """The ARN partition of ``region``: ``aws``, ``aws-cn``, ``aws-us-gov``, ``aws-iso``...,
    from the region data the spec checks use (spec/data/aws_values.json, from botocore)."""
    from s0c.spec.aws_values import partition_of

    return partition_of(region) or "aws"


@dataclass
class Context:
    """What every lowering step needs: the spec, the graph being built and shared helpers."""

    spec: Spec
    graph: Graph
    public_key: str | None

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def region(self) -> Pseudo:
        """The deployment's region, as each backend says it (``var.region``, ``AWS::Region``)."""
        return Pseudo("region", self.spec.region)

    @property
    def partition(self) -> Pseudo:
        """The region's ARN partition, as each backend says it (``AWS::Partition``)."""
        return Pseudo("partition", partition(self.spec.region))

    def arn(self, service: str, *resource: Any, region: bool = True,
            account: Any = "") -> Template:
        """``arn:<partition>:<service>:<region>:<account>:<resource...>``, partition and region
        as :class:`Pseudo` values (``region=False`` for global services such as IAM)."""
        parts: list[Any] = ["arn:", self.partition, f":{service}:"]
        if region:
            parts.append(self.region)
        parts.append(":")
        parts += [account, ":", *resource] if account != "" else [":", *resource]
        merged: list[Any] = []
        for part in parts:
            if type(part) is str and merged and type(merged[-1]) is str:
                merged[-1] += part
            else:
                merged.append(part)
        return Template(tuple(merged))

    def tags(self, name: str) -> dict[str, str]:
        tags = dict(sorted(self.spec.tags.items()))
        tags["Name"] = name
        return tags

    def add(self, id: str, kind: str, props: dict[str, Any], origin: tuple = (), *,
            name: str | None = None, **meta: Any) -> Node:
        """Add a node; taggable kinds get the spec's tags plus a Name tag."""
        if KINDS[kind].taggable:
            props = {**props, "tags": self.tags(name or aws_name(self.name, id.replace("_", "-")))}
        return self.graph.add(Node(id, kind, props, tuple(origin), **meta))

    def service_role(self, id: str, name: str, service: str, description: str,
                     origin: tuple) -> Node:
        """An IAM role that only ``service`` (``ec2.amazonaws.com``) may assume."""
        return self.add(id, "iam_role", {
            "name": name,
            "description": description,
            "assume_role_policy": Json({
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                               "Principal": {"Service": service}}],
            }),
        }, origin, name=name)


def camel(node_id: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in node_id.split("_"))


def logical_ids(node_ids: list[str]) -> dict[str, str]:
    """Node id -> CloudFormation logical id (alphanumeric, CamelCase). Ids that camel-case alike
    ("app_1" and "app1") get a stable hash suffix, so the mapping is one-to-one."""
    first: dict[str, list[str]] = {}
    for nid in node_ids:
        first.setdefault(camel(nid), []).append(nid)
    out = {}
    for name, nids in first.items():
        for nid in nids:
            if len(nids) == 1:
                out[nid] = name
            else:
                out[nid] = f"{name}X{hashlib.sha256(nid.encode()).hexdigest()[:6]}"
    return out
