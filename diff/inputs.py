"""Where OLD and NEW come from: a file, or a git revision (``main:examples/poc.yaml``) with the
files the spec names (its public key) read from the same revision, so CI can diff a pull
request against its base without a second checkout."""

from __future__ import annotations

import os
import posixpath
import subprocess
from dataclasses import dataclass

from ruamel.yaml import YAML


class InputError(ValueError):
    """The file or revision cannot be read (a usage error)."""


@dataclass(frozen=True)
class SpecInput:
    label: str     # what the user named: the path, or REV:PATH
    text: str
    base_dir: str  # where files the spec names are found


def _git(*args: str) -> bytes:
    try:
        done = subprocess.run(["git", *args], capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise InputError(f"git {' '.join(args)}: {exc}") from None
    if done.returncode:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        raise InputError(message[-1] if message else f"git {' '.join(args)} failed")
    return done.stdout


def _git_text(revision: str, path: str) -> str:
    # "./path" makes git read the path relative to the current directory, as a file path is.
    spec = path if path.startswith(("./", "../")) else "./" + path
    try:
        return _git("show", f"{revision}:{spec}").decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{revision}:{path} is not UTF-8 text") from None


def _key_file(text: str) -> str | None:
    """The public key file a spec names, if it parses far enough to say (validation comes later).

    The loader's limits apply first: a document that could take the parser exponential time or
    memory never reaches it here either (the real load then reports it)."""
    from s0c.spec.loader import MAX_SPEC_BYTES, check_events, prescan

    if len(text) > MAX_SPEC_BYTES or prescan(text) is not None or check_events(text) is not None:
        return None
    try:
        data = YAML(typ="safe", pure=True).load(text)
        name = data["compute"]["key_pair"]["public_key_file"]
    except Exception:  # any problem is reported by the real load and validate
        return None
    return name if isinstance(name, str) else None


def read_input(arg: str, scratch: str | None = None) -> SpecInput:
    """A spec file, or ``REV:PATH`` from git (tried when no such file exists); a revision's
    files are written under the ``scratch`` directory."""
    if os.path.exists(arg) or ":" not in arg:
        from s0c.spec.loader import MAX_SPEC_BYTES, read_regular_file

        try:  # a regular file of bounded size: a FIFO or a device is refused, never waited on
            text = read_regular_file(arg, MAX_SPEC_BYTES).decode("utf-8")
            return SpecInput(arg, text, os.path.dirname(arg) or ".")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read {arg}: {getattr(exc, 'strerror', None) or exc}") \
                from None
    revision, _, path = arg.partition(":")
    if not revision or not path:
        raise InputError(f"{arg!r}: expected a file or REVISION:PATH")
    text = _git_text(revision, path)
    if scratch is None:
        raise InputError("internal: a git input needs a scratch directory")
    # The spec's own files (its public key) come from the same revision, at the same place
    # relative to it, in a scratch directory.
    base = os.path.join(scratch, revision.replace("/", "_").replace(":", "_"),
                        posixpath.dirname(path))
    os.makedirs(base, exist_ok=True)
    key = _key_file(text)
    if key and not os.path.isabs(key):
        target = os.path.normpath(os.path.join(base, key))
        if target.startswith(os.path.normpath(scratch) + os.sep):
            try:
                content = _git_text(revision, posixpath.normpath(
                    posixpath.join(posixpath.dirname(path), key)))
            except InputError:
                content = None  # reported as an unreadable key file by the spec checks
            if content is not None:
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, "w", encoding="utf-8") as handle:
                    handle.write(content)
    return SpecInput(arg, text, base)
