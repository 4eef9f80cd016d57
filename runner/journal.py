"""The journal next to a plan (``journal.json``): what ``s0c apply`` did, step by step.

Version 2 (this s0c writes it)::

    {"format": "s0c.journal", "version": 2, "name": ..., "region": ...,
     "steps": {step id: {"node", "status", "origin", "outputs", "params"?, "applied"?, "why"?}},
     "outputs": {name: value}}

``status``: ``calling`` (the create call was about to be sent: a run killed then may have created
it), ``created`` (the call returned; waits and reads pending), ``done``. ``origin``: ``created``
(s0c created it - this run or an interrupted one), ``adopted`` (it existed: found by this
environment's tags, or taken over with ``--adopt``; ``why`` says which), ``unknown`` (recorded by
a version-1 journal, which did not say). ``destroy`` deletes only ``created`` ones unless told to.

Version 1 (``"format": "s0c.journal/1"``, no ``version``), written by earlier releases, is read
and rewritten as version 2 with every origin ``unknown``. Anything else - not UTF-8, not JSON,
another shape or type, an unknown version - is refused as unreadable, never guessed at.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

FORMAT = "s0c.journal"
VERSION = 2
V1_FORMAT = "s0c.journal/1"
FILE = "journal.json"


class JournalError(ValueError):
    """The journal cannot be read (its path and the reason are in the message)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class StepV2(_Strict):
    node: str
    status: Literal["calling", "created", "done"]
    origin: Literal["created", "adopted", "unknown"]
    outputs: dict[str, Any]
    params: str | None = None
    applied: dict[str, Any] | None = None
    why: str | None = None


class JournalV2(_Strict):
    format: Literal["s0c.journal"]
    version: Literal[2]
    name: str
    region: str
    steps: dict[str, StepV2]
    outputs: dict[str, Any]


class StepV1(_Strict):
    node: str
    status: Literal["created", "done"]
    outputs: dict[str, Any]
    params: str | None = None
    applied: dict[str, Any] | None = None


class JournalV1(_Strict):
    format: Literal["s0c.journal/1"]
    name: str
    region: str
    steps: dict[str, StepV1]
    outputs: dict[str, Any] = {}


def _reason(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "the journal"
    more = len(exc.errors()) - 1
    return f"{where}: {first['msg']}" + (f" (and {more} more problems)" if more else "")


def parse(text: bytes, path: Path) -> tuple[dict[str, Any], int]:
    """The journal's data as version 2, and the version it was written in."""
    def bad(reason: str) -> JournalError:
        return JournalError(f"unreadable journal: {path}: {reason}")

    try:
        data = json.loads(text.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise bad(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise bad(f"not JSON ({exc.msg}, line {exc.lineno} column {exc.colno})") from None
    if not isinstance(data, dict):
        raise bad(f"expected a JSON object, found {type(data).__name__ if data is not None else 'null'}")
    if data.get("format") == V1_FORMAT and "version" not in data:
        try:
            JournalV1.model_validate(data)
        except ValidationError as exc:
            raise bad(f"version 1 journal: {_reason(exc)}") from None
        steps = {sid: {**entry, "origin": "unknown"} for sid, entry in data["steps"].items()}
        return ({"format": FORMAT, "version": VERSION, "name": data["name"],
                 "region": data["region"], "steps": steps,
                 "outputs": data.get("outputs", {})}, 1)
    if data.get("format") != FORMAT:
        raise bad(f"format {data.get('format')!r} is not an s0c journal ({FORMAT!r})")
    version = data.get("version")
    if version != VERSION:
        if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
            raise bad(f"version {version} was written by a newer s0c (this one reads 1 and"
                      f" {VERSION}); upgrade s0c")
        raise bad(f"version {version!r} is not one this s0c reads (1 and {VERSION})")
    try:
        JournalV2.model_validate(data)
    except ValidationError as exc:
        raise bad(_reason(exc)) from None
    return data, VERSION


@dataclass
class Journal:
    path: Path
    data: dict[str, Any]
    # The version the file was written in (1: migrated when read; 0: no file yet).
    read_version: int = 0

    @classmethod
    def load(cls, path: Path) -> "Journal | None":
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise JournalError(f"unreadable journal: {path}: {exc.strerror or exc}") from None
        data, version = parse(raw, path)
        return cls(path, data, version)

    @classmethod
    def new(cls, path: Path, name: str, region: str) -> "Journal":
        return cls(path, {"format": FORMAT, "version": VERSION, "name": name, "region": region,
                          "steps": {}, "outputs": {}})

    @property
    def steps(self) -> dict[str, Any]:
        return self.data["steps"]

    def save(self) -> None:
        """Atomically: a kill at any moment leaves either the old or the new journal."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".journal-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(self.data, handle, indent=2, sort_keys=True)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)
