"""The shape of a catalogue entry: everything s0c knows about one AWS resource kind.

A kind is s0c's canonical name for an AWS resource. Its entry says how each backend writes it
(the Terraform type; the CloudFormation type, or how it folds into another resource or stands in
as an intrinsic or a parameter; the boto3 calls of its life cycle), how its fields are spelled,
whether it holds data and what its deletion keeps, how it is priced, and what changing each of
its attributes does. Backends, cost, diff and the tests read these entries; none of them keeps
its own table of kinds.

Field spellings: the graph uses the Terraform provider's argument names; CloudFormation and the
service APIs mostly spell the same setting in PascalCase (``cidr_block`` -> ``CidrBlock``).
:class:`Fields` applies that default rule and records only the exceptions.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Protocol

Props = Mapping[str, Any]


class Encoder(Protocol):
    """How a backend writes graph values (CloudFormation intrinsics, plan markers)."""

    target: str  # "cfn" or "api"
    region: str

    def __call__(self, value: Any) -> Any: ...

    def text(self, value: Any) -> Any:
        """A string assembled at deploy time (``!Sub`` in CloudFormation)."""

    def json_text(self, value: Any) -> Any:
        """A JSON document written as one string (a dashboard body)."""



def pascal(name: str) -> str:
    """The default spelling rule: ``enable_dns_support`` -> ``EnableDnsSupport``."""
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


@dataclass(frozen=True)
class Fields:
    """Graph props that map one to one onto AWS fields, in the order they are written.

    ``rename`` spells a field differently from :func:`pascal` in both CloudFormation and the API;
    ``cfn`` and ``api`` override it for one target only; a name mapped to None is not written
    there (the target takes it another way).
    """

    names: tuple[str, ...] = ()
    rename: Mapping[str, str] = field(default_factory=dict)
    cfn: Mapping[str, str | None] = field(default_factory=dict)
    api: Mapping[str, str | None] = field(default_factory=dict)
    # The API's order where it differs from CloudFormation's (JSON key order is not semantic,
    # but the plan stays byte-identical across refactors).
    api_order: tuple[str, ...] | None = None

    def spelling(self, target: str) -> dict[str, str]:
        """Graph prop -> field name for ``target`` ("cfn" or "api"), in writing order."""
        overrides = self.cfn if target == "cfn" else self.api
        order = self.api_order if target == "api" and self.api_order else self.names
        out: dict[str, str] = {}
        for name in order:
            spelled = overrides.get(name, self.rename.get(name, pascal(name)))
            if spelled is not None:
                out[name] = spelled
        return out

    def pick(self, props: Props, target: str, encode: Encoder) -> dict[str, Any]:
        return {aws: encode(props[name]) for name, aws in self.spelling(target).items()
                if name in props}


def fields(*names: str, api_order: tuple[str, ...] | None = None,
           cfn: Mapping[str, str | None] | None = None,
           api: Mapping[str, str | None] | None = None, **rename: str) -> Fields:
    return Fields(tuple(names), rename, cfn or {}, api or {}, api_order)


# -- CloudFormation --------------------------------------------------------------------------

@dataclass(frozen=True)
class CfnResource:
    """The kind is one CloudFormation resource of ``type``."""

    type: str
    # canonical attribute -> "Ref" or the Fn::GetAtt attribute name
    attrs: Mapping[str, str] = field(default_factory=dict)
    # The property that takes the node's tags (None: the type takes no tags).
    tags: str | None = "Tags"
    # Properties every resource of the kind gets, whatever the spec says.
    fixed: Mapping[str, Any] = field(default_factory=dict)
    # Props CloudFormation's schema types as strings although they are numbers.
    as_text: tuple[str, ...] = ()
    # A second resource CloudFormation needs for the kind (an internet gateway's attachment);
    # resources that reference the kind wait for it.
    companion: "CfnCompanion | None" = None


@dataclass(frozen=True)
class CfnCompanion:
    suffix: str  # appended to the kind's logical id
    type: str
    # (props, encode, a Ref to the kind's own resource) -> the companion's Properties
    properties: Callable[[Props, "Encoder", Any], dict[str, Any]]


@dataclass(frozen=True)
class CfnFold:
    """No resource of its own: the kind becomes ``property`` of the resource its ``parent``
    prop references (policy attachments, target registrations, S3 bucket settings)."""

    parent: str  # the prop that references the parent node
    into: str    # the parent's kind
    property: str
    # One folded item for the parent's property (the property is a list when ``many``).
    value: Callable[[Props, "Encoder"], Any]
    many: bool = False


@dataclass(frozen=True)
class CfnStandIn:
    """No resource: a reference to the kind becomes something else, by ``how``:

    * ``"get_azs"``: ``!Select [i, !GetAZs '']``;
    * ``"pseudo"``: ``!Ref`` of the pseudo parameter ``value`` (``AWS::AccountId``);
    * ``"parameter"``: ``!Ref`` of a template parameter made from the graph input in prop
      ``value``, SSM-typed (``AWS::SSM::Parameter::Value<...>``) with the value type the
      referencing kind declares (``cfn_value_types``);
    * ``"prop"``: the node's own prop ``value`` (CloudFormation waits for it by itself).
    """

    how: str
    value: str = ""


Cfn = CfnResource | CfnFold | CfnStandIn


# -- boto3 life cycle ------------------------------------------------------------------------
# Call params are templates, filled in by the boto3 backend for one node:
#   "@attr"  -> the node's own output ``attr`` (known once the create step ran);
#   "=prop"  -> the node's prop (dotted for a nested one), encoded for the plan;
#   Fmt(...) -> text with literal props filled in (``{port}``);
#   Join(..) -> a string of literal text and the above, assembled at apply time;
#   Out(...) -> an output of another step of the plan.


@dataclass(frozen=True)
class Fmt:
    text: str


@dataclass(frozen=True)
class Join:
    parts: tuple[Any, ...]


@dataclass(frozen=True)
class Out:
    step: str
    attr: str


@dataclass(frozen=True)
class Waiter:
    name: str
    params: Mapping[str, Any]


@dataclass(frozen=True)
class Call:
    operation: str
    params: Mapping[str, Any] = field(default_factory=dict)
    outputs: Mapping[str, Any] = field(default_factory=dict)
    wait: Waiter | None = None
    # Error codes that mean "there is no such resource" (a find) or "already gone" (an undo).
    missing: tuple[str, ...] = ()
    gone: tuple[str, ...] = ()
    # A find of a resource known by its name: how apply proves that what it found is this
    # environment's before adopting it (None: the find looks inside a resource the plan already
    # holds - a route of its route table, a listener of its load balancer - and the found thing
    # belongs to whoever owns that).
    owner: "Owner | None" = None


@dataclass(frozen=True)
class Fingerprint:
    """Compare a key pair's public key (the create param) with the fingerprint EC2 reports at
    ``path`` (see s0c.runner.ownership.fingerprints for the rule)."""

    path: str


@dataclass(frozen=True)
class Owner:
    """How ``s0c apply`` checks a resource a name-keyed find returned before adopting it.

    It is this environment's when its tags carry ``s0c:environment`` and ``s0c:logical-id`` with
    the plan's values: ``tags`` is where they are (a JMESPath, ``[{Key, Value}]`` or a map) in the
    find's response, or in the response of ``call`` (a tag read of its own, whose templates may
    name the find's outputs as ``@attr``). ``tags=None``: the kind takes no tags, and only an
    interrupted run's record or ``--adopt`` make it adoptable. ``match``: create param ->
    where the found resource's value of it is (a JMESPath; JSON documents compare parsed), or a
    :class:`Fingerprint`; a difference refuses the adoption whatever proves ownership.
    """

    tags: str | None = None
    call: Call | None = None
    match: Mapping[str, "str | Fingerprint"] = field(default_factory=dict)


@dataclass(frozen=True)
class TagFind:
    """Find an EC2 resource by its ``s0c:environment`` and ``s0c:logical-id`` tags."""

    operation: str
    outputs: Mapping[str, Any]
    filter_key: str = "Filters"
    extra_filters: tuple[Mapping[str, Any], ...] = ()
    # Where the response lists the resources (``Vpcs``), and each one's ``[{Key, Value}]`` tags
    # within an item: apply keeps only the items whose tags are this environment's and this
    # logical id's, never trusting the server-side filter (moto ignores it on some calls).
    items: str = ""
    tags: str = "Tags"

    @property
    def item_list(self) -> str:
        """``items``, or the part of the first output's path before its first ``[0]``."""
        if self.items:
            return self.items
        first = next(iter(self.outputs.values()))
        return first.split("[0]", 1)[0]


# How a create call takes tags: AWS APIs use one of three shapes.

@dataclass(frozen=True)
class TagSpec:
    """``TagSpecifications`` for these EC2 resource types."""

    types: tuple[str, ...]
    param = "TagSpecifications"

    def render(self, tags: list[dict[str, str]]) -> dict[str, Any]:
        return {self.param: [{"ResourceType": t, "Tags": tags} for t in self.types]}


@dataclass(frozen=True)
class TagList:
    """A ``[{Key, Value}]`` list under ``param``."""

    param: str = "Tags"

    def render(self, tags: list[dict[str, str]]) -> dict[str, Any]:
        return {self.param: tags}


@dataclass(frozen=True)
class TagMap:
    """A ``{key: value}`` map under ``param`` (CloudWatch Logs, Lambda)."""

    param: str = "tags"

    def render(self, tags: list[dict[str, str]]) -> dict[str, Any]:
        return {self.param: {tag["Key"]: tag["Value"] for tag in tags}}


@dataclass(frozen=True)
class FollowUp:
    """One more call after the create (EC2 takes some settings only through Modify* calls).

    Made only when ``when`` is one of the node's props (and truthy, with ``truthy``), and, when
    ``params`` is a function, when it returns params."""

    suffix: str
    operation: str
    params: Mapping[str, Any] | Callable[[Props, "Encoder"], Mapping[str, Any] | None]
    when: str | None = None
    truthy: bool = False
    find: Call | None = None
    wait: Waiter | None = None
    undo: Call | None = None
    tolerate: tuple[str, ...] = ()


@dataclass(frozen=True)
class Api:
    """How ``s0c apply`` creates, finds again, waits for, reads and deletes the kind."""

    service: str
    create: str
    outputs: Mapping[str, Any] = field(default_factory=dict)
    tags: TagSpec | TagList | TagMap | None = None
    # Params the create call always has (besides the fields), as templates.
    params: Mapping[str, Any] = field(default_factory=dict)
    # Length of a deterministic idempotency token, under ``token_param``.
    token: int | None = None
    token_param: str = "ClientToken"
    find: Call | TagFind | None = None
    wait: Waiter | None = None
    read: Call | None = None
    undo: Call | Callable[[Props], Call] | None = None
    tolerate: tuple[str, ...] = ()
    retry: Mapping[str, Any] | None = None
    hint: str | None = None
    follow: tuple[FollowUp, ...] = ()
    # The calls need the account id (the Budgets API), which the plan reads first.
    needs_account: bool = False

    @property
    def call(self) -> str:
        return f"{self.service}:{self.create}"


# -- data, price, change semantics -----------------------------------------------------------

class Keep(enum.Enum):
    """What deleting a stateful resource keeps."""

    SNAPSHOT = "a final snapshot"
    RETAIN = "the resource itself (retained)"
    NOTHING = "nothing"

    @property
    def cfn_policy(self) -> str:
        """The CloudFormation DeletionPolicy (and UpdateReplacePolicy) that keeps this."""
        return {"SNAPSHOT": "Snapshot", "RETAIN": "Retain", "NOTHING": "Delete"}[self.name]


@dataclass(frozen=True)
class Stateful:
    """The kind holds data: replacing or deleting it loses ``what`` unless ``keeps`` says
    otherwise for the node's props."""

    what: str
    keeps: Callable[[Props], Keep]

    def cfn_policy(self, props: Props) -> str:
        """CloudFormation's DeletionPolicy and UpdateReplacePolicy for the props: always
        written for a stateful kind (Delete too), from what its deletion keeps, so the template
        says what a stack deletion or a replacement does to the data."""
        return self.keeps(props).cfn_policy


NO_CHARGE = "no charge"
USAGE = "usage"  # priced by a usage the spec states as a `cost:` assumption (Kind.usage)


@dataclass(frozen=True)
class Usage:
    """A charge per unit of usage that list prices alone cannot tell (GB ingested a month):
    the spec's ``cost.<assumption>`` says how much, shared by the kind's nodes."""

    category: str    # the price table's category
    key: str         # the price within it
    assumption: str  # the field of the spec's ``cost:`` section
    what: str        # what is charged, for the report


class Effect(enum.Enum):
    """What changing an attribute does to the deployed resource, mildest first."""

    NONE = "no change to the resource"     # a setting of the tool only (Terraform state)
    UPDATE = "update in place"
    INTERRUPT = "update with interruption"
    REPLACE = "replace"


def worst(effects: Iterable[Effect], default: Effect = Effect.NONE) -> Effect:
    """The most disruptive of ``effects`` (``default`` when there are none)."""
    return max(effects, key=list(Effect).index, default=default)


@dataclass(frozen=True)
class Change:
    """What changing one attribute does, per target, with the sources of each fact."""

    terraform: Effect
    cloudformation: Effect
    # What the interruption is (reboot, stop-start, failover, brief disconnect), if any.
    interruption: str | None = None
    reason: str = ""
    sources: tuple[str, ...] = ()
    # The catalogue's hand-written note (an Override's reason), said once per resource.
    note: str = ""

    @property
    def worst(self) -> Effect:
        return worst((self.terraform, self.cloudformation))


@dataclass(frozen=True)
class Override:
    """A hand-recorded change fact for one attribute, where the data files cannot say it
    (a setting that exists in one target only, a conditional replacement)."""

    terraform: Effect | None = None
    cloudformation: Effect | None = None
    interruption: str | None = None
    reason: str = ""
    source: str = ""


@dataclass(frozen=True)
class Kind:
    name: str
    concern: str
    terraform: str
    cloudformation: Cfn | None
    api: Api
    fields: Fields = field(default_factory=Fields)
    taggable: bool = True
    lookup: bool = False
    # canonical attribute -> Terraform attribute expression (after "<type>.<name>.")
    attrs: Mapping[str, str] = field(default_factory=dict)
    stateful: Stateful | None = None
    price: str = NO_CHARGE
    usage: Usage | None = None
    # Fields that are not one to one (nested blocks, settings AWS spells as a structure):
    # (props, encode) -> more fields, written after the plain ones; the encoder's target says
    # for which (CloudFormation and the API mostly share these shapes).
    extra: Callable[[Props, "Encoder"], Mapping[str, Any]] | None = None
    # attribute -> the CloudFormation property whose update behaviour it has, where the
    # spelling does not say (nested blocks, flattened settings, folded kinds).
    cfn_property: Mapping[str, str | None] = field(default_factory=dict)
    changes: Mapping[str, Override] = field(default_factory=dict)
    # Props whose value is a map of names to values (not a nested block): compared whole.
    maps: tuple[str, ...] = ("tags",)
    # prop -> CloudFormation value type when the prop reads an SSM-typed template parameter
    cfn_value_types: Mapping[str, str] = field(default_factory=dict)
    # Terraform: the provider's default_tags reach this type (it has tags_all), so the resource
    # writes only the tags that differ from them (its Name). False: it writes all its tags.
    # Every taggable type s0c writes has tags_all in hashicorp/aws 5.100 and 6.x (a test reads
    # the provider's schema); aws_autoscaling_group's tag blocks, or volume_tags (which
    # default_tags never reach), would be False.
    terraform_default_tags: bool = True

    @property
    def cfn_type(self) -> str | None:
        return self.cloudformation.type if isinstance(self.cloudformation, CfnResource) else None
