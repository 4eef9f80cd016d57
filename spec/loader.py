"""YAML text -> plain Python data plus an index of where every key and value sits.

ruamel.yaml's round-trip loader keeps line/column marks on every mapping and sequence; we copy
them into a :class:`SourceMap` keyed by spec path and hand pydantic plain ``dict``/``list``/scalar
data, so no ruamel type leaks into validation.
"""

from __future__ import annotations

import datetime
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from .diagnostics import Diagnostic, Position, SpecPath, error

MAX_SPEC_BYTES = 1_000_000
_ALLOWED_CONTROL = {"\n", "\t"}


@dataclass
class SourceMap:
    file: str
    values: dict[SpecPath, Position] = field(default_factory=dict)
    keys: dict[SpecPath, Position] = field(default_factory=dict)

    def locate(self, path: SpecPath, *, on_key: bool = False) -> Position:
        """Position of ``path``; falls back to the nearest parent that the document has."""
        path = tuple(path)
        if on_key and path in self.keys:
            return self.keys[path]
        if path in self.values:
            return self.values[path]
        while path:
            # A path the document lacks (a default the user did not write) points at the key
            # of its nearest written ancestor: "monitoring:", where the missing key would go.
            if path in self.keys:
                return self.keys[path]
            if path in self.values:
                return self.values[path]
            path = path[:-1]
        return self.values.get((), Position(1, 1))


@dataclass
class Document:
    data: Any
    source: SourceMap
    base_dir: str = "."


def _pos(line: int, col: int) -> Position:
    # The one place ruamel's 0-based marks become 1-based positions.
    return Position(line + 1, col + 1)


class _Converter:
    def __init__(self, source: SourceMap) -> None:
        self.source = source
        self.diagnostics: list[Diagnostic] = []

    def convert(self, node: Any, path: SpecPath) -> Any:
        if isinstance(node, CommentedMap):
            out: dict[Any, Any] = {}
            for key in node:
                key_path = path + (key if isinstance(key, (str, int)) else str(key),)
                kline, kcol = node.lc.key(key)
                vline, vcol = node.lc.value(key)
                self.source.keys[key_path] = _pos(kline, kcol)
                self.source.values[key_path] = _pos(vline, vcol)
                if not isinstance(key, str):
                    self.diagnostics.append(error(
                        "S0C-YAML", f"keys must be strings, got {type(key).__name__} {key!r}",
                        key_path, on_key=True))
                out[self._plain_key(key)] = self.convert(node[key], key_path)
            return out
        if isinstance(node, CommentedSeq):
            items = []
            for index, item in enumerate(node):
                line, col = node.lc.item(index)
                self.source.values[path + (index,)] = _pos(line, col)
                items.append(self.convert(item, path + (index,)))
            return items
        return self._scalar(node, path)

    @staticmethod
    def _plain_key(key: Any) -> Any:
        return unicodedata.normalize("NFC", str(key)) if isinstance(key, str) else key

    def _scalar(self, value: Any, path: SpecPath) -> Any:
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, int):  # ScalarInt and ScalarBoolean are int subclasses
            return bool(value) if type(value).__name__ == "ScalarBoolean" else int(value)
        if isinstance(value, float):
            return float(value)
        if isinstance(value, str):
            # Terraform (HCL) normalizes every string literal to NFC; doing it here keeps all
            # backends' output equal to what the spec's values mean after deployment.
            text = unicodedata.normalize("NFC", str(value))
            bad = next((c for c in text if unicodedata.category(c) == "Cc"
                        and c not in _ALLOWED_CONTROL), None)
            if bad is not None:
                self.diagnostics.append(error(
                    "S0C-YAML", f"control character U+{ord(bad):04X} is not allowed in strings", path))
            return text
        if isinstance(value, (datetime.date, datetime.datetime)):
            # Left for pydantic to reject with the field's own expectation ("a string").
            return value.isoformat()
        self.diagnostics.append(error(
            "S0C-YAML", f"unsupported YAML value of type {type(value).__name__}"
            " (custom tags are not part of the spec language)", path))
        return None


def load_text(text: str, filename: str, base_dir: str = ".") -> tuple[Document | None, list[Diagnostic]]:
    """Parse ``text``; returns the document (or None) and positioned diagnostics."""
    source = SourceMap(filename)
    if len(text.encode("utf-8", "surrogatepass")) > MAX_SPEC_BYTES:
        return None, [error("S0C-YAML", f"spec is larger than {MAX_SPEC_BYTES} bytes",
                            position=Position(1, 1))]
    yaml = YAML(typ="rt", pure=True)
    yaml.allow_duplicate_keys = False
    try:
        node = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        position = _pos(mark.line, mark.column) if mark else Position(1, 1)
        problem = exc.problem or "invalid YAML"
        if "duplicate key" in problem:
            problem = problem.replace("found ", "")
        message = " ".join(problem.split())
        if exc.context and "duplicate" not in message:
            message = f"{' '.join(exc.context.split())}: {message}"
        code = "S0C-DUPKEY" if "duplicate key" in message else "S0C-YAML"
        return None, [error(code, message, position=position)]
    except YAMLError as exc:  # errors without a mark (e.g. reader errors)
        return None, [error("S0C-YAML", " ".join(str(exc).split()), position=Position(1, 1))]
    source.values[()] = Position(1, 1)
    if node is None:
        return None, [error("S0C-YAML", "the spec is empty; expected a mapping with 'version: 1'",
                            position=Position(1, 1))]
    if not isinstance(node, CommentedMap):
        return None, [error("S0C-YAML", f"the spec must be a mapping, not a {type(node).__name__}",
                            position=Position(1, 1))]
    converter = _Converter(source)
    data = converter.convert(node, ())
    if converter.diagnostics:
        return None, converter.diagnostics
    return Document(data, source, base_dir), []


def load_file(path: str) -> tuple[Document | None, list[Diagnostic], SourceMap]:
    """Read and parse a spec file; unreadable files become a diagnostic at 1:1."""
    import os

    source = SourceMap(path)
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_SPEC_BYTES + 1)
    except OSError as exc:
        return None, [error("S0C-FILE", f"cannot read spec: {exc.strerror or exc}",
                            position=Position(1, 1))], source
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [error("S0C-YAML", f"spec is not UTF-8 (byte {exc.start})",
                            position=Position(1, 1))], source
    document, diagnostics = load_text(text, path, os.path.dirname(os.path.abspath(path)))
    return document, diagnostics, (document.source if document else source)
