"""Which applied steps a recompiled plan changes, and what changing them would do.

``s0c apply`` creates what is missing and never updates an existing resource; a step whose
params changed since it was applied is reported, classified by the same catalogue facts as
``s0c diff`` (the CloudFormation column: the API calls are the ones CloudFormation makes).
"""

from __future__ import annotations

from dataclasses import dataclass

from s0c.catalogue import KINDS
from s0c.catalogue.changes import Unclassified, classify
from s0c.catalogue.model import Effect, worst


@dataclass(frozen=True)
class ChangedStep:
    step: str
    kind: str
    # (graph attribute or API field, effect) for each changed field; empty when the journal
    # recorded only a digest (a journal written before s0c kept params)
    fields: tuple[tuple[str, Effect], ...]

    @property
    def effect(self) -> Effect:
        # No recorded fields (a digest-only journal): assume the worst, as the diff does.
        return worst((effect for _, effect in self.fields), default=Effect.REPLACE)


def _attribute(kind: str, api_field: str, step: dict, spelled: dict[str, str]) -> str | None:
    """The graph attribute an API field of the kind's call comes from (``spelled``: API field ->
    graph attribute, for the kind's create call)."""
    if api_field in spelled:
        return spelled[api_field]
    for follow in KINDS[kind].api.follow:  # a follow-up call sets the attribute it is made for
        if step["id"].endswith("/" + follow.suffix) and follow.when:
            return follow.when
    return None


def classify_step(step: dict, applied: dict | None) -> ChangedStep:
    kind = step["kind"]
    if applied is None:
        return ChangedStep(step["id"], kind, ())
    spelled = {api: attr for attr, api in KINDS[kind].fields.spelling("api").items()}
    tags = KINDS[kind].api.tags
    fields = []
    for key in sorted(set(step["params"]) | set(applied)):
        if step["params"].get(key) == applied.get(key):
            continue
        if tags is not None and key == tags.param:
            fields.append((key, Effect.UPDATE))  # every kind updates its tags in place
            continue
        attr = _attribute(kind, key, step, spelled)
        try:
            effect = classify(kind, attr).cloudformation if attr else Effect.REPLACE
        except Unclassified:
            effect = Effect.REPLACE  # fail closed: an unknown field is assumed to replace
        fields.append((attr or key, effect))
    return ChangedStep(step["id"], kind, tuple(fields))
