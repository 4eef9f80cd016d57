"""Which applied steps a recompiled plan changes, and what changing them would do.

``s0c apply`` creates what is missing and never updates an existing resource; a step whose
params changed since it was applied is reported, classified by the same catalogue facts as
``s0c diff`` (the CloudFormation column: the API calls are the ones CloudFormation makes).
"""

from __future__ import annotations

from dataclasses import dataclass

from s0c.catalogue import KINDS
from s0c.catalogue.changes import Unclassified, classify
from s0c.catalogue.model import Effect


@dataclass(frozen=True)
class ChangedStep:
    step: str
    kind: str
    # (graph attribute or API field, effect) for each changed field; empty when the journal
    # recorded only a digest (a journal written before s0c kept params)
    fields: tuple[tuple[str, Effect], ...]

    @property
    def effect(self) -> Effect:
        effects = [effect for _, effect in self.fields] or [Effect.REPLACE]
        return max(effects, key=list(Effect).index)


def _attribute(kind: str, api_field: str, step: dict) -> str | None:
    """The graph attribute an API field of the kind's create call comes from."""
    spelled = {api: attr for attr, api in KINDS[kind].fields.spelling("api").items()}
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
    fields = []
    for key in sorted(set(step["params"]) | set(applied)):
        if step["params"].get(key) == applied.get(key):
            continue
        if key in ("Tags", "TagSpecifications", "ResourceTags", "tags"):
            fields.append((key, Effect.UPDATE))  # every kind updates its tags in place
            continue
        attr = _attribute(kind, key, step)
        try:
            effect = classify(kind, attr).cloudformation if attr else Effect.REPLACE
        except Unclassified:
            effect = Effect.REPLACE  # fail closed: an unknown field is assumed to replace
        fields.append((attr or key, effect))
    return ChangedStep(step["id"], kind, tuple(fields))
