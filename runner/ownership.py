"""Whether a resource a find returned is this environment's, and whether it is the step's.

A plan step's ``find`` may carry an ``owner`` (written by the boto3 backend from the catalogue's
:class:`~s0c.catalogue.model.Owner` / ``TagFind``):

* ``items`` + ``tags`` (EC2's tag finds): the response lists resources under ``items``; only the
  ones whose tags (``tags``, within an item) carry ``expect`` are kept. The server-side tag
  filter is never trusted (moto ignores it on DescribeNatGateways).
* ``tags`` (+ ``call``): where a name-keyed resource's tags are, in the find's response or in
  the response of a tag read of its own; ``expect``: the tags that prove it is this
  environment's. No ``tags``: the kind takes none.
* ``match``: create param -> where the found resource's value is; a difference means the found
  resource is not what the step would create (another trust policy, another public key).

Key pair fingerprints (``{"fingerprint": path}``), the rule EC2 documents for imported keys:
RSA: MD5 of the DER-encoded SubjectPublicKeyInfo, as colon-separated hex; ED25519: SHA-256,
which AWS shows as base64 of the OpenSSH key blob's digest and moto as colon-separated hex of the
DER SubjectPublicKeyInfo's digest - both are accepted.
"""

from __future__ import annotations

import base64
import hashlib
import json
import struct
import urllib.parse
from typing import Any


def tag_map(tags: Any) -> dict[str, str]:
    """``[{Key, Value}]`` (any capitalisation) or ``{key: value}`` -> ``{key: value}``."""
    if isinstance(tags, dict):
        return {str(k): str(v) for k, v in tags.items()}
    out: dict[str, str] = {}
    for tag in tags or []:
        if isinstance(tag, dict):
            key = tag.get("Key", tag.get("key"))
            if key is not None:
                out[str(key)] = str(tag.get("Value", tag.get("value", "")))
    return out


def carries(tags: Any, expect: dict[str, str]) -> bool:
    found = tag_map(tags)
    return all(found.get(k) == v for k, v in expect.items())


def why_not_ours(tags: Any, expect: dict[str, str]) -> str:
    found = tag_map(tags)
    if not any(k in found for k in expect):
        return "it has no s0c:environment / s0c:logical-id tags, so this environment did not" \
               " create it"
    said = ", ".join(f"{k}={found.get(k, '(none)')}" for k in expect)
    return f"its tags say {said}"


def keep_owned(response: Any, owner: dict[str, Any]) -> Any:
    """The response with only this environment's items left under ``owner["items"]``."""
    import jmespath

    if not isinstance(response, dict) or not isinstance(response.get(owner["items"]), list):
        return response
    mine = [item for item in response[owner["items"]]
            if carries(jmespath.search(owner["tags"], item), owner["expect"])]
    return {**response, owner["items"]: mine}


# -- comparing what was found with what the step asks for ---------------------------------------

def _document(value: Any) -> Any:
    """A policy document as data: IAM returns it URL-encoded text (botocore decodes it)."""
    if isinstance(value, str):
        text = value
        try:
            return json.loads(text)
        except ValueError:
            try:
                return json.loads(urllib.parse.unquote(text))
            except ValueError:
                return text
    return value


def same_value(want: Any, have: Any) -> bool:
    return _document(want) == _document(have)


def _ssh_strings(blob: bytes) -> list[bytes]:
    out, at = [], 0
    while at < len(blob):
        (size,) = struct.unpack(">I", blob[at:at + 4])
        out.append(blob[at + 4:at + 4 + size])
        at += 4 + size
    return out


def _der(tag: int, body: bytes) -> bytes:
    size = len(body)
    if size < 0x80:
        head = bytes([size])
    else:
        raw = size.to_bytes((size.bit_length() + 7) // 8, "big")
        head = bytes([0x80 | len(raw)]) + raw
    return bytes([tag]) + head + body


def _integer(raw: bytes) -> bytes:
    raw = raw.lstrip(b"\x00") or b"\x00"
    if raw[0] & 0x80:
        raw = b"\x00" + raw
    return _der(0x02, raw)


def _colons(digest: bytes) -> str:
    return ":".join(f"{b:02x}" for b in digest)


def fingerprints(public_key: str) -> set[str]:
    """Every form in which EC2 (or moto) reports the fingerprint of this imported key."""
    parts = public_key.strip().split()
    if len(parts) < 2:
        raise ValueError("not an OpenSSH public key (`ssh-rsa AAAA...` or `ssh-ed25519 ...`)")
    blob = base64.b64decode(parts[1])
    fields = _ssh_strings(blob)
    kind = fields[0].decode()
    if kind == "ssh-rsa":
        exponent, modulus = fields[1], fields[2]
        algorithm = _der(0x30, _der(0x06, bytes.fromhex("2a864886f70d010101")) + b"\x05\x00")
        key = _der(0x30, _integer(modulus) + _integer(exponent))
        spki = _der(0x30, algorithm + _der(0x03, b"\x00" + key))
        return {_colons(hashlib.md5(spki).digest())}
    if kind == "ssh-ed25519":
        spki = bytes.fromhex("302a300506032b6570032100") + fields[1]
        sha = hashlib.sha256(blob).digest()
        b64 = base64.b64encode(sha).decode()
        return {_colons(hashlib.sha256(spki).digest()), b64, b64.rstrip("=")}
    raise ValueError(f"key type {kind} (EC2 imports ssh-rsa and ssh-ed25519)")


def same_key(public_key: Any, fingerprint: Any) -> bool:
    try:
        return isinstance(fingerprint, str) and fingerprint.strip() in fingerprints(
            public_key if isinstance(public_key, str) else bytes(public_key).decode())
    except (ValueError, UnicodeDecodeError, struct.error, IndexError):
        return False
