"""The resource catalogue is complete: every kind says how each backend writes it, how it is
priced and what changing each attribute the lowering emits does, from a recorded source."""

from __future__ import annotations

import json
from importlib import resources

import botocore.session
import pytest
from hypothesis import given, settings

from s0c.backends.provider_schema import block_schema, is_block
from s0c.catalogue import CONCERNS, KINDS, by_api_call, by_cloudformation_type, by_terraform_type
from s0c.catalogue.changes import (Unclassified, attribute_paths, classify, cloudformation_facts,
                                   terraform_facts)
from s0c.catalogue.model import (NO_CHARGE, USAGE, Api, CfnFold, CfnResource, CfnStandIn, Effect,
                                 Keep, TagFind)
from s0c.cost.estimate import PER_ACCOUNT, PRICED
from s0c.cost.prices import load
from s0c.spec.models import CostAssumptions
from tests.specs import compile_data, poc_data
from tests.strategies import valid_specs

STAND_INS = {"get_azs", "pseudo", "parameter", "prop"}


@pytest.fixture(scope="module")
def botocore_session():
    return botocore.session.get_session()


def _operations(session, service: str) -> set[str]:
    return set(session.get_service_model(service).operation_names)


def _calls(api: Api):
    """Every call of the kind's life cycle, with the service that makes it."""
    yield api.create
    for spec in (api.find, api.read, api.undo if not callable(api.undo) else None):
        if spec is not None:
            yield spec.operation
    for follow in api.follow:
        yield follow.operation
        for spec in (follow.find, follow.undo):
            if spec is not None:
                yield spec.operation


@pytest.mark.parametrize("name", sorted(KINDS))
def test_every_kind_entry_is_complete(name: str, botocore_session) -> None:
    kind = KINDS[name]
    module = {k.name: m.__name__.rsplit(".", 1)[1] for m in CONCERNS for k in m.KINDS}[name]
    assert kind.concern == module, "a kind lives in the module of its concern"
    # Terraform: a type the provider schema knows (lookups are data sources, not in the trim).
    assert kind.terraform.startswith("aws_")
    if not kind.lookup:
        assert block_schema(kind.terraform), f"{kind.terraform} not in the provider schema"
        assert kind.terraform in terraform_facts(), "no replacement facts for the type"
    # CloudFormation: a type, a declared fold into a kind that has one, or a stand-in.
    cfn = kind.cloudformation
    assert isinstance(cfn, (CfnResource, CfnFold, CfnStandIn)), "no CloudFormation form"
    if isinstance(cfn, CfnResource):
        assert cfn.type in cloudformation_facts(), f"{cfn.type}: no update facts"
        if cfn.companion:
            assert cfn.companion.type in cloudformation_facts()
    elif isinstance(cfn, CfnFold):
        assert cfn.parent in kind.fields.names, "the fold's parent prop is one of the kind's"
        assert isinstance(KINDS[cfn.into].cloudformation, CfnResource)
    else:
        assert cfn.how in STAND_INS
        assert kind.lookup or cfn.how == "prop"
    # boto3: every call and waiter exists in botocore's model of the service.
    operations = _operations(botocore_session, kind.api.service)
    for operation in _calls(kind.api):
        assert operation in operations, f"{kind.api.service}:{operation}"
    waiters = botocore_session.get_waiter_model(kind.api.service).waiter_names \
        if kind.api.wait or any(f.wait for f in kind.api.follow) else []
    for wait in [kind.api.wait, *(f.wait for f in kind.api.follow)]:
        if wait is not None:
            assert wait.name in waiters, f"{kind.api.service} waiter {wait.name}"
    if isinstance(kind.api.find, TagFind):
        assert kind.taggable, "a kind found by its tags must be tagged"
    # Price: a key the estimate prices, or no charge; never silently absent.
    assert kind.price in (NO_CHARGE, USAGE) or kind.price in PRICED or kind.price in PER_ACCOUNT
    if kind.price == USAGE:
        assert kind.usage and kind.usage.assumption in CostAssumptions.model_fields, kind.name
        assert load().get(kind.usage.category, "us-east-1", kind.usage.key), kind.usage
    # Attributes other kinds may reference have a spelling in every backend that has the kind.
    if isinstance(cfn, CfnResource):
        assert set(cfn.attrs) == set(kind.attrs), "Terraform and CloudFormation attributes"


def test_stateful_kinds_match_cfn_lint_data() -> None:
    """cfn-lint's StatefulResources list and the catalogue agree: a kind that holds data says
    what it holds and what its deletion keeps."""
    facts = cloudformation_facts()
    for kind in KINDS.values():
        if kind.cfn_type:
            assert facts[kind.cfn_type]["stateful"] == (kind.stateful is not None), kind.name


def test_every_lookup_and_index_is_unique() -> None:
    assert len(by_terraform_type()) == len(KINDS)
    assert len(by_api_call()) == len(KINDS)
    assert all(k.cfn_type for k in by_cloudformation_type().values())


def test_what_a_stateful_deletion_keeps() -> None:
    db = KINDS["db_instance"].stateful
    assert db.keeps({"skip_final_snapshot": False}) is Keep.SNAPSHOT
    assert db.keeps({"skip_final_snapshot": True}) is Keep.NOTHING
    assert db.cfn_policy({"skip_final_snapshot": False}) == "Snapshot"
    assert KINDS["bucket"].stateful.keeps({}) is Keep.RETAIN


def test_map_attributes_are_not_blocks_and_blocks_are_not_maps() -> None:
    graph = compile_data(poc_data()).graph
    for node in graph.nodes.values():
        kind = KINDS[node.kind]
        if kind.lookup:
            continue
        schema = block_schema(kind.terraform)
        for name, value in node.props.items():
            if isinstance(value, dict):
                assert is_block(schema, name) != (name in kind.maps), (node.kind, name)


def _attributes(data: dict) -> set[tuple[str, str]]:
    graph = compile_data(data).graph
    assert graph is not None
    return {(node.kind, path) for node in graph.nodes.values()
            for path in attribute_paths(node.kind, node.props)}


def _assert_classified(pairs: set[tuple[str, str]]) -> None:
    for kind, path in sorted(pairs):
        try:
            change = classify(kind, path)
        except Unclassified as exc:  # a new attribute without a fact fails the suite
            pytest.fail(f"{kind}.{path}: {exc}")
        assert change.sources or change.terraform is Effect.NONE, (kind, path)
        if change.cloudformation is Effect.INTERRUPT or change.terraform is Effect.INTERRUPT:
            assert any("http" in s for s in change.sources), (kind, path, change.sources)


def test_every_attribute_of_the_poc_and_the_live_golden_is_classified() -> None:
    from pathlib import Path

    from ruamel.yaml import YAML

    live = YAML(typ="safe", pure=True).load(
        (Path(__file__).parents[1] / "golden" / "live_3az" / "input.yaml").read_text())
    _assert_classified(_attributes(poc_data()) | _attributes(live))


@settings(max_examples=25)
@given(valid_specs())
def test_every_attribute_the_lowering_emits_is_classified(data: dict) -> None:
    _assert_classified(_attributes(data))


def test_disagreements_between_terraform_and_cloudformation_are_recorded() -> None:
    """The cases the issue names: both targets' answers are kept, not merged."""
    identifier = classify("db_instance", "identifier")
    assert (identifier.terraform, identifier.cloudformation) == (Effect.UPDATE, Effect.REPLACE)
    subnets = classify("db_instance", "db_subnet_group_name")
    assert (subnets.terraform, subnets.cloudformation) == (Effect.UPDATE, Effect.REPLACE)
    root = classify("instance", "root_block_device.volume_size")
    assert (root.terraform, root.cloudformation) == (Effect.UPDATE, Effect.REPLACE)
    user_data = classify("instance", "user_data")
    assert (user_data.terraform, user_data.cloudformation) == (Effect.REPLACE, Effect.INTERRUPT)
    assert user_data.interruption == "stop-start"
    resize = classify("db_instance", "instance_class")
    assert resize.worst is Effect.INTERRUPT and resize.interruption
    assert classify("vpc", "cidr_block").worst is Effect.REPLACE
    assert classify("cache_replication_group", "at_rest_encryption_enabled").worst is Effect.REPLACE


def test_data_files_record_their_provenance() -> None:
    folder = resources.files("s0c.catalogue").joinpath("data")
    for name in ("terraform_replacement", "cloudformation_updates", "interruptions"):
        data = json.loads(folder.joinpath(f"{name}.json").read_text())
        assert data["_source"], name
    assert folder.joinpath("terraform_replacement.md").is_file()
    assert folder.joinpath("cloudformation_updates.md").is_file()
