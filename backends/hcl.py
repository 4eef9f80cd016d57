"""A small HCL writer: blocks, aligned attributes, and the one escaping function for HCL.

Expressions are built as :class:`Raw` text by the caller (references, function calls); every
literal string goes through :func:`hcl_string` or :func:`heredoc_text`, never by hand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Union

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


@dataclass(frozen=True)
class Raw:
    """An HCL expression written out as is (a reference, a function call)."""

    text: str


@dataclass(frozen=True)
class Call:
    """A function call on one argument, laid out at the indentation of its attribute."""

    function: str
    argument: Any


@dataclass
class Block:
    type: str
    labels: tuple[str, ...] = ()
    body: list[Union["Attribute", "Block"]] = field(default_factory=list)
    comment: str | None = None

    def attr(self, name: str, value: Any) -> None:
        self.body.append(Attribute(name, value))

    def block(self, type: str, *labels: str) -> "Block":
        child = Block(type, labels)
        self.body.append(child)
        return child


@dataclass
class Attribute:
    name: str
    value: Any


def escape_template_literal(text: str) -> str:
    """Literal text inside any HCL template: ``${`` and ``%{`` would start an interpolation."""
    return text.replace("${", "$${").replace("%{", "%%{")


def hcl_string_body(text: str) -> str:
    """The inside of a quoted HCL string that evaluates to exactly ``text``."""
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return escape_template_literal("".join(out))


def hcl_string(text: str) -> str:
    return f'"{hcl_string_body(text)}"'


def heredoc_delimiter(text: str) -> str | None:
    """A delimiter for ``text`` as a heredoc, or None when a quoted string is needed.

    Heredocs take no backslash escapes (only template escapes), so text with control characters
    other than newline and tab, or without a final newline, stays a quoted string. The delimiter
    is chosen so that no line of the text can end the heredoc early."""
    if not text.endswith("\n") or any(ord(c) < 0x20 and c not in "\n\t" for c in text):
        return None
    lines = {line.strip() for line in text.split("\n")}
    delimiter, n = "EOT", 0
    while delimiter in lines:
        n += 1
        delimiter = f"EOT{n}"
    return delimiter


def key(name: str) -> str:
    return name if _IDENT.fullmatch(name) else hcl_string(name)


def number(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value)


def render_value(value: Any, indent: int) -> str:
    """Plain Python data (and :class:`Raw`) as an HCL expression."""
    pad = "  " * indent
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, Call):
        return f"{value.function}({render_value(value.argument, indent)})"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return number(value)
    if isinstance(value, str):
        return hcl_string(value)
    if value is None:
        return "null"
    if isinstance(value, (list, tuple)):
        items = [_inline_object(v) or render_value(v, indent + 1) for v in value]
        one_line = f"[{', '.join(items)}]"
        if "\n" not in one_line and len(one_line) + len(pad) < 100:
            return one_line
        inner = "  " * (indent + 1)
        return "[\n" + "".join(f"{inner}{item},\n" for item in items) + f"{pad}]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        lines = _aligned([(key(str(k)), render_value(v, indent + 1)) for k, v in value.items()],
                         indent + 1)
        return "{\n" + "".join(line + "\n" for line in lines) + f"{pad}}}"
    raise TypeError(f"cannot render {type(value).__name__} as HCL")


def _inline_object(value: Any) -> str | None:
    """A small flat object inside a list, on one line: ``{ yAxis = "right" }``."""
    if not isinstance(value, dict) or not value or len(value) > 2:
        return None
    if any(isinstance(v, (dict, list, tuple, Call)) for v in value.values()):
        return None
    text = "{ " + ", ".join(f"{key(str(k))} = {render_value(v, 0)}" for k, v in value.items()) + " }"
    return text if len(text) <= 60 and "\n" not in text else None


def _is_heredoc(text: str) -> bool:
    return text.startswith("<<")


def _aligned(pairs: list[tuple[str, str]], indent: int) -> list[str]:
    """``name = value`` lines with '=' aligned as terraform fmt aligns them.

    terraform fmt (hclwrite's formatCells) aligns a run of attributes whose value is complete
    on its line; a value that opens a bracket and closes it on a later line (an object, a list,
    a function call) ends the run and is not aligned. A heredoc is one token sequence from
    ``<<EOT`` to its closing delimiter, so it neither ends the run nor stays out of it: its
    name is aligned with the attributes around it, before and after."""
    pad = "  " * indent
    lines: list[str] = []
    run: list[tuple[str, str]] = []

    def flush() -> None:
        width = max((len(n) for n, _ in run), default=0)
        lines.extend(f"{pad}{n.ljust(width)} = {v}" for n, v in run)
        run.clear()

    for name, text in pairs:
        if "\n" in text and not _is_heredoc(text):
            flush()
            lines.append(f"{pad}{name} = {text}")
        else:
            run.append((name, text))
    flush()
    return lines


def render_block(block: Block, indent: int = 0) -> str:
    pad = "  " * indent
    head = " ".join([block.type, *(hcl_string(label) for label in block.labels)])
    lines = [f"{pad}# {line}".rstrip() for line in (block.comment or "").splitlines()]
    if not block.body:
        lines.append(f"{pad}{head} {{}}")
        return "\n".join(lines)
    lines.append(f"{pad}{head} {{")
    first = len(lines)
    pending: list[tuple[str, str]] = []
    previous_was_block = False
    for item in block.body:
        if isinstance(item, Attribute):
            pending.append((item.name, render_value(item.value, indent + 1)))
            continue
        if pending:
            lines.extend(_aligned(pending, indent + 1))
            pending = []
        if len(lines) > first or previous_was_block:
            lines.append("")
        lines.append(render_block(item, indent + 1))
        previous_was_block = True
    if pending:
        if previous_was_block:
            lines.append("")
        lines.extend(_aligned(pending, indent + 1))
    lines.append(f"{pad}}}")
    return "\n".join(lines)


def render_file(blocks: list[Block], header: str) -> str:
    parts = [header.rstrip("\n")] + [render_block(block) for block in blocks]
    return "\n\n".join(parts) + "\n"
