#!/usr/bin/env python3
"""Regenerate backends/data/aws_provider_v6.json: the AWS provider v6 argument schema, trimmed
to the resource types s0c emits (and their nested blocks).

Source: a schema.json in the shape documented in backends/data/aws_provider_v6.md, extracted from
the `.jsii` assembly of the npm package @cdktf/provider-aws 21.x (generated from the provider's
own schema). Usage:

    python scripts/update_provider_schema.py path/to/schema.json
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def kinds_terraform_types() -> list[str]:
    from s0c.catalogue import KINDS  # run from the project's venv (pip install -e .)

    return sorted(k.terraform for k in KINDS.values() if not k.lookup)


def trim(schema: dict, types: list[str]) -> dict:
    blocks = schema["_blocks"]
    out: dict = {}
    needed: list[str] = []
    for name in types:
        if name not in schema:
            raise SystemExit(f"{name} is not in the source schema")
        out[name] = schema[name]
        needed += [a["block"] for a in schema[name].values() if a["block"]]
    kept: dict = {}
    while needed:
        fqn = needed.pop()
        if fqn in kept:
            continue
        kept[fqn] = blocks[fqn]
        needed += [a["block"] for a in blocks[fqn].values() if a["block"]]
    out["_blocks"] = dict(sorted(kept.items()))
    return out


def main() -> None:
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    source = Path(sys.argv[1])
    raw = source.read_bytes()
    trimmed = trim(json.loads(raw), kinds_terraform_types())
    target = ROOT / "backends" / "data" / "aws_provider_v6.json"
    target.write_text(json.dumps(trimmed, indent=1, sort_keys=True) + "\n")
    print(f"wrote {target.relative_to(ROOT)}: {len(trimmed) - 1} resource types,"
          f" {len(trimmed['_blocks'])} nested blocks; source sha256"
          f" {hashlib.sha256(raw).hexdigest()}")


if __name__ == "__main__":
    main()
