"""CloudFormation YAML with short-form intrinsics (``!Ref``, ``!GetAtt``, ``!Sub``...).

Two long forms remain, both needed: ``Fn::Base64`` around a ``!Sub`` (a YAML node takes one
tag, so ``!Base64 !Sub`` cannot be written) and ``Fn::GetAtt`` of a dotted attribute (see
:func:`_represent_fn`). The template's header says so too.

ruamel.yaml does the quoting and escaping; this module only adds the intrinsic tags and makes
sure a string stays a string for every reader: CloudFormation and cfn-lint read YAML 1.1, where
``yes``, ``off`` or ``0777`` are not strings, so anything a YAML 1.1 or 1.2 reader would resolve
to another type is quoted.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedSeq
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.resolver import VersionedResolver

_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_YAML11 = VersionedResolver(version=(1, 1))
_YAML12 = VersionedResolver(version=(1, 2))


@dataclass(frozen=True)
class Fn:
    """One intrinsic function in short form: ``tag`` without the ``!``, value a scalar or list."""

    tag: str
    value: Any


def ref(name: str) -> Fn:
    return Fn("Ref", name)


def get_att(resource: str, attribute: str) -> Fn:
    return Fn("GetAtt", [resource, attribute] if "." in attribute else f"{resource}.{attribute}")


@lru_cache(maxsize=4096)
def _ambiguous(text: str) -> bool:
    # Cached: a template repeats the same strings (names, refs, tag keys) many times, and each
    # check runs two resolvers' regexes.
    return any(resolver.resolve(ScalarNode, text, (True, False)) != _STR
               for resolver in (_YAML11, _YAML12))


def _represent_str(representer, text: str):
    if "\n" in text:
        return representer.represent_scalar(_STR, text, style="|")
    return representer.represent_scalar(_STR, text, style="'" if _ambiguous(text) else None)


def _represent_fn(representer, fn: Fn):
    tag = f"!{fn.tag}"
    if fn.tag == "GetAtt" and isinstance(fn.value, list):
        # A dotted attribute (Endpoint.Address) in long form: the short forms "A.B.C" and
        # [A, B.C] are both valid, but some readers (moto) split the first at every dot and
        # do not construct the second.
        pair = CommentedSeq(fn.value)
        pair.fa.set_flow_style()
        return representer.represent_mapping(_MAP, {"Fn::GetAtt": pair})
    if isinstance(fn.value, list):
        # Short scalar lists (GetAtt, Select) read best inline; !Sub's [text, vars] does not.
        flow = all(not isinstance(item, (dict, list)) and not (isinstance(item, str) and "\n" in item)
                   for item in fn.value)
        return representer.represent_sequence(tag, fn.value, flow_style=flow)
    if isinstance(fn.value, dict):
        return representer.represent_mapping(tag, fn.value)
    text = str(fn.value)
    if "\n" in text:
        return representer.represent_scalar(tag, text, style="|")
    return representer.represent_scalar(tag, text, style="'" if text == "" or _ambiguous(text)
                                        else None)


def _represent_float(representer, value: float):
    # One style for numbers: a whole number is written as an integer (Threshold: 80, not 80.0),
    # whatever Python type the graph holds it in; the schemas type these "number".
    if value.is_integer():
        return representer.represent_int(int(value))
    return representer.represent_float(value)


def dump(document: dict[str, Any]) -> str:
    yaml = YAML(typ="rt")
    yaml.width = 1 << 20  # never fold long lines: templates are diffed line by line
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.add_representer(Fn, _represent_fn)
    yaml.representer.add_representer(str, _represent_str)
    yaml.representer.add_representer(float, _represent_float)
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue()
