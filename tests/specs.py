"""Helpers that build spec texts for tests (from the PoC, so every test starts from a real spec)."""

from __future__ import annotations

import copy
import io
from functools import lru_cache
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from s0c.compiler.pipeline import Result, compile_spec

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@lru_cache(maxsize=1)
def _poc() -> dict[str, Any]:
    return YAML(typ="safe", pure=True).load((EXAMPLES / "poc.yaml").read_text())


def poc_data() -> dict[str, Any]:
    return copy.deepcopy(_poc())


def dump(data: dict[str, Any]) -> str:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    stream = io.StringIO()
    yaml.dump(data, stream)
    return stream.getvalue()


def compile_data(data: dict[str, Any], backend: str = "terraform", name: str = "spec.yaml") -> Result:
    """Compile a spec given as data; the PoC's key file resolves against examples/."""
    return compile_spec(name, backend, text=dump(data), base_dir=str(EXAMPLES))


def compile_text(text: str, backend: str = "terraform", name: str = "spec.yaml") -> Result:
    return compile_spec(name, backend, text=text, base_dir=str(EXAMPLES))
