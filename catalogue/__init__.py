"""The resource catalogue: one entry per AWS resource kind, grouped one module per concern.

Every consumer reads it - the three backends, the cost estimate, the diff and the tests - and
none keeps a table of kinds of its own. Adding a kind is one entry in its concern's module (and,
for an irregular shape, one function beside it). See :mod:`.model` for what an entry holds.
"""

from __future__ import annotations

from . import budget, cache, compute, database, iam, load_balancer, monitoring, network, \
    security, storage
from .model import Kind

CONCERNS = (network, security, database, cache, iam, compute, storage, load_balancer,
            monitoring, budget)


def _index() -> dict[str, Kind]:
    out: dict[str, Kind] = {}
    for module in CONCERNS:
        for kind in module.KINDS:
            if kind.name in out:
                raise ValueError(f"kind {kind.name!r} is catalogued twice")
            out[kind.name] = kind
    return out


KINDS: dict[str, Kind] = _index()


def by_terraform_type() -> dict[str, Kind]:
    return {kind.terraform: kind for kind in KINDS.values()}


def by_cloudformation_type() -> dict[str, Kind]:
    return {kind.cfn_type: kind for kind in KINDS.values() if kind.cfn_type}


def by_api_call() -> dict[str, Kind]:
    """``service:Operation`` of the call that creates (or, for a lookup, reads) each kind."""
    return {kind.api.call: kind for kind in KINDS.values()}
