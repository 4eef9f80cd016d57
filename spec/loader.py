"""YAML text -> plain Python data plus an index of where every key and value sits.

ruamel.yaml's round-trip loader keeps line/column marks on every mapping and sequence; we copy
them into a :class:`SourceMap` keyed by spec path and hand pydantic plain ``dict``/``list``/scalar
data, so no ruamel type leaks into validation.

Hostile input is refused before the work it would make expensive (README, "Limits"):

1. the size, before anything is decoded (:data:`MAX_SPEC_BYTES`);
2. a linear pre-scan of the raw text for ``[``/``{`` nesting, before ruamel's scanner sees it
   (its cost grows with the nesting of flow collections);
3. a pass over ruamel's parse *events* (linear, no object is built) that bounds the nesting,
   the number of nodes with every alias expanded (an "alias bomb" is a few hundred bytes),
   refuses collections as mapping keys (ruamel builds those in exponential time) and every
   YAML tag but ``!!str``/``!!map``/``!!seq`` on the matching kind of node;
4. only then the round-trip composition and construction, and the conversion to plain data.

The text is normally scanned and parsed once (:func:`_parse_and_load`): the round-trip parser's
events are checked as they come and kept, then handed to ruamel's round-trip composer and
constructor (:class:`_Replay`), which build exactly what a round-trip load builds. When that
parse fails or a check refuses, the text is read again the original way (the check on the plain
parser's events, then a round-trip load), so every diagnostic, its wording and its position
are those of that way: the two parsers differ in when they report a syntax error, and where
an empty value after a comment sits.
"""

from __future__ import annotations

import datetime
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer
from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar, merge_attrib
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (AliasEvent, DocumentStartEvent, MappingEndEvent,
                                MappingStartEvent, ScalarEvent, SequenceEndEvent,
                                SequenceStartEvent)
from ruamel.yaml.main import DocInfo, version

from .diagnostics import Diagnostic, Position, SpecPath, error

try:  # ruamel.yaml.clib: libyaml's parser, ~30x faster than ruamel's pure-Python one
    from _ruamel_yaml import CParser as _LibyamlParser
except ImportError:  # not built for this interpreter: the pure-Python parser does it all
    _LibyamlParser = None

# A spec is a few KB (the PoC: 3 KB); ruamel's pure-Python scanner reads roughly 1 MB/s.
MAX_SPEC_BYTES = 262_144
# Collections inside collections (block or flow). The spec itself needs 5.
MAX_DEPTH = 32
# YAML nodes (scalars and collections) with every alias expanded. The PoC has about 200, a
# 12-app spec with env maps and IAM statements about 2,000; ruamel reads about 10,000 a second.
MAX_NODES = 5_000
# A file the spec names (the public key): read only if it is a regular file, at most this much.
MAX_NAMED_FILE_BYTES = 16_384
_ALLOWED_CONTROL = {"\n", "\t"}
_STR, _MAP, _SEQ = ("tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")
_TAG_FOR = {ScalarEvent: _STR, MappingStartEvent: _MAP, SequenceStartEvent: _SEQ}
_KIND = {ScalarEvent: "scalar", MappingStartEvent: "mapping", SequenceStartEvent: "sequence"}
_KIND_OF_TAG = {_STR: "scalar", _MAP: "mapping", _SEQ: "sequence"}
_BRACKETS = re.compile(r"[\[\]{}]")


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


class FileRefused(OSError):
    """A file that is not a regular file, or is too large, was not read."""


def read_regular_file(path: str | os.PathLike, limit: int, *, follow_links: bool = True) -> bytes:
    """At most ``limit`` bytes of the regular file ``path``; anything else raises OSError.

    The file is opened non-blocking and checked with ``fstat`` *before* it is read, so a FIFO,
    a device or a directory is refused at once instead of blocking or streaming forever.
    ``follow_links=False``: a symbolic link at ``path`` is refused too (ELOOP).
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags if follow_links else flags | os.O_NOFOLLOW)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FileRefused("is a directory" if stat.S_ISDIR(info.st_mode) else
                              "is a FIFO, not a regular file" if stat.S_ISFIFO(info.st_mode)
                              else "is not a regular file")
        if info.st_size > limit:
            raise FileRefused(f"is larger than {limit} bytes")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, limit + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        data = b"".join(chunks)
        if len(data) > limit:  # it grew between fstat and read
            raise FileRefused(f"is larger than {limit} bytes")
        return data
    finally:
        os.close(fd)


def _pos(line: int, col: int) -> Position:
    # The one place ruamel's 0-based marks become 1-based positions.
    return Position(line + 1, col + 1)


def _at(mark: Any) -> Position:
    return _pos(mark.line, mark.column) if mark is not None else Position(1, 1)


def _short_tag(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag


def prescan(text: str) -> Diagnostic | None:
    """A linear look at the raw text before any YAML parser sees it: ``[`` and ``{`` nested
    deeper than :data:`MAX_DEPTH` (counted everywhere, strings and comments included, so it
    can only over-count) make ruamel's scanner slow, and no spec needs them."""
    depth, line, line_start = 0, 0, 0
    for match in _BRACKETS.finditer(text):
        if match.group() in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line = text.count("\n", 0, match.start())
                line_start = text.rfind("\n", 0, match.start()) + 1
                return error("S0C-YAML", f"more than {MAX_DEPTH} nested '[' or '{{' (counting"
                             " those in strings and comments too); the spec needs a few",
                             position=Position(line + 1, match.start() - line_start + 1))
        elif depth:
            depth -= 1
    return None


def check_events(text: str) -> Diagnostic | None:
    """Walk the parse events once (no object is built): nesting, expanded size, keys, tags."""
    return _check(YAML(typ="safe", pure=True).parse(text))  # the faster scanner: no comments


def _check(events: Iterable[Any]) -> Diagnostic | None:
    """:func:`check_events` over ``events``, taken one at a time: a refusal stops at once."""
    stack: list[list[Any]] = []   # [is_mapping, children so far, expanded size, anchor]
    sizes: dict[str, tuple[int, bool]] = {}   # anchor -> (expanded size, is a collection)
    open_anchors: set[str] = set()
    total = 0

    def problem(message: str, event: Any) -> Diagnostic:
        return error("S0C-YAML", message, position=_at(event.start_mark))

    def add(size: int) -> None:
        nonlocal total
        if stack:
            stack[-1][1] += 1
            stack[-1][2] += size
        else:
            total += size

    for event in events:
        kind = type(event)
        if kind in (ScalarEvent, MappingStartEvent, SequenceStartEvent, AliasEvent):
            in_key = bool(stack) and stack[-1][0] and stack[-1][1] % 2 == 0
            if kind is AliasEvent:
                if event.anchor in open_anchors:
                    return problem(f"alias *{event.anchor} is inside the node it refers to",
                                   event)
                if event.anchor not in sizes:
                    return problem(f"alias *{event.anchor} refers to no anchor before it", event)
                size, is_collection = sizes[event.anchor]
                if in_key and is_collection:
                    return problem("keys must be strings, got an alias to a collection", event)
                add(size)
            else:
                tag = event.tag
                if tag is not None and tag != _TAG_FOR[kind]:
                    shown = _short_tag(str(tag))
                    if tag in _KIND_OF_TAG:
                        return problem(f"{shown} tags a {_KIND_OF_TAG[tag]}, not a {_KIND[kind]}",
                                       event)
                    return problem(f"YAML tag {shown} is not part of the spec language (only"
                                   " !!str, on a scalar, is accepted); write the value plainly",
                                   event)
                if kind is ScalarEvent:
                    if event.anchor:
                        sizes[event.anchor] = (1, False)
                    add(1)
                else:
                    if in_key:  # and ruamel would build it in exponential time
                        return problem(f"keys must be strings, got a {_KIND[kind]}", event)
                    if len(stack) >= MAX_DEPTH:
                        return problem(f"nested deeper than {MAX_DEPTH} levels", event)
                    stack.append([kind is MappingStartEvent, 0, 1, event.anchor])
                    if event.anchor:
                        open_anchors.add(event.anchor)
        elif kind in (MappingEndEvent, SequenceEndEvent) and stack:
            _, _, size, anchor = stack.pop()
            if anchor:
                open_anchors.discard(anchor)
                sizes[anchor] = (size, True)
            add(size)
        if total + sum(frame[2] for frame in stack) > MAX_NODES:
            return problem(f"more than {MAX_NODES} YAML nodes with aliases expanded; a spec"
                           " needs a few hundred", event)
    return None


class _Replay:
    """The parser ruamel's composer reads from, handing out events already parsed (and checked)."""

    def __init__(self, events: list[Any]) -> None:
        self._events = events
        self._next = 0

    def check_event(self, *choices: Any) -> bool:
        if self._next >= len(self._events):
            return False
        return not choices or isinstance(self._events[self._next], choices)

    def peek_event(self) -> Any:
        return self._events[self._next]

    def get_event(self) -> Any:
        event = self._events[self._next]
        self._next += 1
        return event

    def dispose(self) -> None:
        self._events = []


class _ReplayComposer(Composer):
    """ruamel's composer, with the parser and the resolver as plain attributes: its own are
    properties that look both up again on the loader for every event (~20% of a load)."""

    parser: Any = None
    resolver: Any = None


# What ruamel raises besides its YAMLErrors on texts it cannot read (bugs of its own; its
# round-trip comment handling fails some comments with AssertionError or NotImplementedError).
_RUAMEL_FAILURES = (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError,
                    AssertionError, NotImplementedError)


class _Retry(Exception):
    """The one-pass read cannot decide: read the text the original way."""


def _round_trip_yaml() -> YAML:
    yaml = YAML(typ="rt", pure=True)
    yaml.allow_duplicate_keys = False
    return yaml


# Where libyaml (YAML 1.1) and ruamel's parser (YAML 1.2) could read a text differently, the
# fast path stands aside: NEL and the Unicode separators are line breaks in 1.1 only, a
# byte-order mark inside the text is handled by each in its own way, ruamel refuses a tab
# inside a plain value where libyaml keeps it, and a document-end marker ('...') where libyaml
# accepts one more.
_LIBYAML_DIFFERS = re.compile("[\t\x85\u2028\u2029\ufeff]|^[.][.][.]", re.MULTILINE)
# An anchor or alias name: letters, digits, '_' and '-' for libyaml; up to a space or a flow
# indicator for YAML 1.2. A name that goes on past libyaml's end is read two ways.
_LONGER_ANCHOR = re.compile(r"[&*][0-9A-Za-z_-]*[^0-9A-Za-z_\s,\[\]{}-]")
# A block scalar's header as ruamel's scanner takes it (an anchor may come first).
_BLOCK_HEADER = re.compile(r"(?:&[0-9A-Za-z_-]+ +)?[|>](?:[1-9][+-]?|[+-][1-9]?)?(?: +#.*| *)$")


def _libyaml_events(text: str, parser: Any) -> Iterator[Any]:
    """libyaml's events for ``text``, made like those of ruamel's own parser (plain style is
    None there, '' here), when the two readings are known to agree (tests/spec/
    test_loader_libyaml.py compares them on thousands of texts). Raises :class:`_Retry` where
    they may not: an empty plain value (the parsers put it at different places, e.g. before or
    after a comment), a block scalar that is empty, starts with blank lines or has a header
    ruamel would refuse, a tag (ruamel's constructor reads the handle it was written with,
    which libyaml does not keep), a %YAML or %TAG directive (ruamel switches its resolver on
    them), the characters above, an anchor name with a character libyaml ends it at.
    ``parser`` (ruamel's, given the text) is not read: building it checked that every
    character is printable, as a round-trip load does first."""
    if _LIBYAML_DIFFERS.search(text):
        raise _Retry()
    events = _LibyamlParser(text)
    anchored = False
    lines: list[str] = []
    while events.check_event():
        event = events.get_event()
        kind = type(event)
        if getattr(event, "ctag", None) is not None:
            raise _Retry()
        if kind is AliasEvent or getattr(event, "anchor", None):
            if not anchored and _LONGER_ANCHOR.search(text):
                raise _Retry()
            anchored = True
        if kind is ScalarEvent:
            if not event.style:
                if not event.value:
                    raise _Retry()
                event.style = None
            elif event.style in "|>":
                if event.value[:1] in ("", "\n"):
                    raise _Retry()  # ruamel refuses some blank first lines libyaml skips
                lines = lines or text.splitlines()
                mark = event.start_mark
                if not _BLOCK_HEADER.match(lines[mark.line], mark.column):
                    raise _Retry()  # e.g. '|#': ruamel wants a space before the comment
        elif kind is DocumentStartEvent and (event.version or event.tags):
            raise _Retry()
        yield event


def _round_trip_events(text: str, parser: Any) -> Iterator[Any]:
    while parser.check_event():
        yield parser.get_event()


def _parse_and_load(text: str, source: Any = _round_trip_events) -> Any:
    """The round-trip load of ``text`` with one scan and parse: every event from ``source``
    (``source(text, parser)``) is checked (as :func:`check_events` does) as it is parsed, and
    kept; only when the whole text parsed and every check passed are they composed and
    constructed by ruamel's round-trip composer and constructor. Raises :class:`_Retry` when
    the parse fails or a check refuses, and ruamel's own errors from the construction (for
    libyaml's events, :class:`_Retry` there too: diagnostics come from ruamel's parser)."""
    yaml = _round_trip_yaml()
    yaml.Composer = _ReplayComposer
    yaml.doc_infos.append(DocInfo(requested_version=version(yaml.version)))  # as YAML.load
    yaml.tags = {}
    constructor, parser = yaml.get_constructor_parser(text)
    events: list[Any] = []

    def parsed() -> Iterator[Any]:
        for event in source(text, parser):
            events.append(event)
            yield event
    try:
        try:
            if _check(parsed()) is not None:
                raise _Retry()
        except (YAMLError, *_RUAMEL_FAILURES) as exc:
            raise _Retry() from exc
        yaml._parser = _Replay(events)  # what the constructor asks the loader for
        yaml.composer.parser, yaml.composer.resolver = yaml._parser, yaml.resolver
        try:
            return constructor.get_single_data()
        except (YAMLError, *_RUAMEL_FAILURES) as exc:
            if source is _round_trip_events:
                raise  # the diagnostic is this parser's
            raise _Retry() from exc
    finally:
        parser.dispose()


def _checked_load(text: str) -> tuple[Diagnostic | None, Any]:
    """(refusal, None) or (None, the round-trip load of ``text``): libyaml's events when it is
    installed and agrees, else ruamel's parser once, else the original two passes."""
    sources = (_libyaml_events, _round_trip_events) if _LibyamlParser else (_round_trip_events,)
    for source in sources:
        try:
            return None, _parse_and_load(text, source)
        except _Retry:
            pass
    refused = check_events(text)
    if refused is not None:
        return refused, None
    return None, _round_trip_yaml().load(text)


class _Converter:
    def __init__(self, source: SourceMap) -> None:
        self.source = source
        self.diagnostics: list[Diagnostic] = []

    def _error(self, message: str, path: SpecPath, *, on_key: bool = False) -> None:
        # Positioned now: a caller that keeps another SourceMap still prints the right place.
        self.diagnostics.append(error("S0C-YAML", message, path, on_key=on_key,
                                      position=self.source.locate(path, on_key=on_key)))

    @staticmethod
    def _marks(node: CommentedMap, key: Any) -> tuple[Any, Any]:
        """(key mark, value mark) of ``key``; a key a merge (``<<: *x``) brought in is found
        where it was written, in the merged mapping."""
        if key in (node.lc.data or {}):
            return node.lc.key(key), node.lc.value(key)
        for merged in getattr(node, merge_attrib, None) or ():
            if isinstance(merged, CommentedMap) and key in merged:
                return _Converter._marks(merged, key)
        return None, None

    def convert(self, node: Any, path: SpecPath) -> Any:
        if isinstance(node, CommentedMap):
            out: dict[Any, Any] = {}
            parent = self.source.locate(path)
            for key in node:
                key_path = path + (key if isinstance(key, (str, int)) else str(key),)
                kmark, vmark = self._marks(node, key)
                self.source.keys[key_path] = _pos(*kmark) if kmark else parent
                self.source.values[key_path] = _pos(*vmark) if vmark else parent
                if not isinstance(key, str):
                    self._error(f"keys must be strings, got {type(key).__name__} {key!r}",
                                key_path, on_key=True)
                else:
                    bad = next((c for c in key if unicodedata.category(c) == "Cc"), None)
                    if bad is not None:
                        self._error(f"control character U+{ord(bad):04X} is not allowed in keys",
                                    key_path, on_key=True)
                out[self._plain_key(key)] = self.convert(node[key], key_path)
            return out
        if isinstance(node, CommentedSeq):
            items = []
            parent = self.source.locate(path)
            for index, item in enumerate(node):
                mark = (node.lc.data or {}).get(index)
                self.source.values[path + (index,)] = _pos(*mark[:2]) if mark else parent
                items.append(self.convert(item, path + (index,)))
            return items
        return self._scalar(node, path)

    @staticmethod
    def _plain_key(key: Any) -> Any:
        return unicodedata.normalize("NFC", str(key)) if isinstance(key, str) else key

    def _scalar(self, value: Any, path: SpecPath) -> Any:
        if isinstance(value, TaggedScalar) and str(value.tag) == _STR:
            value = str(value.value)  # "!!str 15": the one tag the spec language has
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
                self._error(f"control character U+{ord(bad):04X} is not allowed in strings", path)
            return text
        if isinstance(value, (datetime.date, datetime.datetime)):
            # Left for pydantic to reject with the field's own expectation ("a string").
            return value.isoformat()
        self._error(f"unsupported YAML value of type {type(value).__name__}"
                    " (custom tags are not part of the spec language)", path)
        return None


def _yaml_error(exc: MarkedYAMLError) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or "invalid YAML"
    if "duplicate key" in problem:
        # ruamel adds 'with value "..." (original value: "...")': never echo a value (a secret).
        problem = problem.replace("found ", "").split(" with value ", 1)[0]
    message = " ".join(problem.split())
    if exc.context and "duplicate" not in message:
        message = f"{' '.join(exc.context.split())}: {message}"
    code = "S0C-DUPKEY" if "duplicate key" in message else "S0C-YAML"
    return error(code, message, position=_at(mark))


def _load(text: str, filename: str, base_dir: str
          ) -> tuple[Document | None, list[Diagnostic], SourceMap]:
    source = SourceMap(filename)
    source.values[()] = Position(1, 1)
    if len(text) > MAX_SPEC_BYTES or len(text.encode("utf-8", "surrogatepass")) > MAX_SPEC_BYTES:
        return None, [error("S0C-YAML", f"spec is larger than {MAX_SPEC_BYTES} bytes",
                            position=Position(1, 1))], source
    refused = prescan(text)
    if refused is not None:
        return None, [refused], source
    try:
        refused, node = _checked_load(text)
        if refused is not None:
            return None, [refused], source
    except MarkedYAMLError as exc:
        return None, [_yaml_error(exc)], source
    except YAMLError as exc:  # errors without a mark (e.g. reader errors)
        return None, [error("S0C-YAML", " ".join(str(exc).split()), position=Position(1, 1))], \
            source
    except _RUAMEL_FAILURES as exc:
        # ruamel's constructors raise these on values its resolver let through, its comment
        # handling on some comments; the checks above refuse every case known
        # (tests/spec/test_hostile.py), this is the net.
        detail = " ".join(str(exc).split())[:200]
        return None, [error("S0C-YAML", f"cannot read this YAML ({type(exc).__name__}"
                            f"{': ' + detail if detail else ''})", position=Position(1, 1))], \
            source
    if node is None:
        return None, [error("S0C-YAML", "the spec is empty; expected a mapping with 'version: 1'",
                            position=Position(1, 1))], source
    if not isinstance(node, CommentedMap):
        return None, [error("S0C-YAML", f"the spec must be a mapping, not a {type(node).__name__}",
                            position=Position(1, 1))], source
    converter = _Converter(source)
    data = converter.convert(node, ())
    if converter.diagnostics:
        return None, converter.diagnostics, source
    return Document(data, source, base_dir), [], source


def load_text(text: str, filename: str, base_dir: str = ".") -> tuple[Document | None, list[Diagnostic]]:
    """Parse ``text``; returns the document (or None) and positioned diagnostics."""
    document, diagnostics, _ = _load(text, filename, base_dir)
    return document, diagnostics


def load_file(path: str) -> tuple[Document | None, list[Diagnostic], SourceMap]:
    """Read and parse a spec file; unreadable files become a diagnostic at 1:1."""
    try:
        raw = read_regular_file(path, MAX_SPEC_BYTES)
    except FileRefused as exc:
        return None, [error("S0C-FILE", f"cannot read spec: {path} {exc}",
                            position=Position(1, 1))], SourceMap(path)
    except OSError as exc:
        return None, [error("S0C-FILE", f"cannot read spec: {exc.strerror or exc}",
                            position=Position(1, 1))], SourceMap(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [error("S0C-YAML", f"spec is not UTF-8 (byte {exc.start})",
                            position=Position(1, 1))], SourceMap(path)
    return _load(text, path, os.path.dirname(os.path.abspath(path)))
