"""Checks on generated Terraform through real parsers: python-hcl2 for structure, the provider
v6 schema for arguments, and HashiCorp's own parser (via node) for string round trips."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any, Iterator

import hcl2

from s0c.backends.provider_schema import check_body

NODE_DIR = Path(__file__).parent / "node"
_INTERPOLATION = re.compile(r"(?<!\$)\$\{(.*?)\}")
_STRING_LITERAL = re.compile(r'"(?:[^"\\]|\\.)*"')
_REFERENCE = re.compile(r"(?<![\w.])(data\.[\w-]+\.[\w-]+|var\.[\w-]+|local\.[\w-]+|aws_\w+\.[\w-]+)")


def parse_files(files: dict[str, str]) -> dict[str, dict]:
    return {name: hcl2.load(io.StringIO(text)) for name, text in files.items()}


def _unquote_label(label: str) -> str:
    return label[1:-1] if label.startswith('"') and label.endswith('"') else label


def resources(parsed: dict[str, dict]) -> Iterator[tuple[str, str, str, dict]]:
    """(section, type, name, body) for every resource and data block."""
    for doc in parsed.values():
        for section in ("resource", "data"):
            for entry in doc.get(section, []):
                for rtype, named in entry.items():
                    for name, body in named.items():
                        if name.startswith("__"):
                            continue
                        yield section, _unquote_label(rtype), _unquote_label(name), body


def schema_problems(parsed: dict[str, dict]) -> list[str]:
    problems = []
    for section, rtype, name, body in resources(parsed):
        if section == "resource":
            problems += [f"{rtype}.{name}: {p}" for p in check_body(rtype, body)]
    return problems


def _expressions(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "lifecycle":
                continue  # ignore_changes lists attribute names, not references
            yield from _expressions(item)
    elif isinstance(value, list):
        for item in value:
            yield from _expressions(item)
    elif isinstance(value, str):
        if value.startswith("${") and value.endswith("}") and not value.startswith('"'):
            yield value[2:-1]
        elif value.startswith('"'):
            yield from _INTERPOLATION.findall(value)
        else:
            yield value  # bare references (depends_on items)


def references(value: Any) -> set[str]:
    found = set()
    for expression in _expressions(value):
        found.update(_REFERENCE.findall(_STRING_LITERAL.sub('""', expression)))
    return found


def unresolved_references(parsed: dict[str, dict]) -> list[str]:
    defined = set()
    for section, rtype, name, _ in resources(parsed):
        defined.add(f"data.{rtype}.{name}" if section == "data" else f"{rtype}.{name}")
    for doc in parsed.values():
        for entry in doc.get("variable", []):
            defined.update(f"var.{_unquote_label(n)}" for n in entry if not n.startswith("__"))
        for entry in doc.get("locals", []):
            defined.update(f"local.{n}" for n in entry if not n.startswith("__"))
    missing = []
    for doc in parsed.values():
        for section in ("resource", "data", "output"):
            for ref in sorted(references(doc.get(section, []))):
                if ref not in defined:
                    missing.append(ref)
    return missing


def hashicorp_parse(directory: Path) -> dict[str, Any]:
    """Every .tf file in ``directory`` through @cdktf/hcl2json (HashiCorp's parser in WASM)."""
    node = shutil.which("node")
    script = NODE_DIR / "hcl2json.js"
    if node is None or not (NODE_DIR / "node_modules" / "@cdktf" / "hcl2json").exists():
        raise RuntimeError("HashiCorp's HCL parser is not installed: run"
                           " `npm ci --prefix tests/node` (needs Node.js)")
    files = sorted(str(p) for p in directory.glob("*.tf"))
    proc = subprocess.run([node, str(script), *files], capture_output=True, text=True, timeout=120)
    if proc.returncode:
        raise AssertionError(f"HashiCorp's parser rejected the output: {proc.stderr}")
    return {Path(k).name: v for k, v in json.loads(proc.stdout).items()}


def template_value(text: str) -> str:
    """The value of a literal Terraform JSON-syntax template (``$${`` -> ``${``, ``%%{`` -> ``%{``)."""
    return text.replace("$${", "${").replace("%%{", "%{")
