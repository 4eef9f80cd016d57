"""A local price file (from `s0c prices refresh`, or written by hand) laid over s0c's table.

Same shape as the package's prices.json: ``prices.<category>.regions.<region>.<key> = usd`` with
each category's ``unit``, ``as_of`` and ``source``. A figure the file has wins; everything else
comes from the built-in table, so a file that refreshes only the spec's instance type still
prices the NAT gateway. A file that is not exactly that shape is refused, never half-read.
"""

from __future__ import annotations

import datetime
import json
import math
from pathlib import Path

from .prices import Price, PriceTable, load

FORMAT = "s0c.prices/1"
MAX_BYTES = 20_000_000


class PriceFileError(ValueError):
    pass


def _check(document: object, builtin: PriceTable) -> dict:
    if not isinstance(document, dict):
        raise PriceFileError("not a JSON object")
    if document.get("format") != FORMAT:
        raise PriceFileError(f"'format' must be {FORMAT!r} (got {document.get('format')!r})")
    if document.get("currency", "USD") != "USD":
        raise PriceFileError("only USD prices are supported")
    prices = document.get("prices")
    if not isinstance(prices, dict) or not prices:
        raise PriceFileError("'prices' must be a non-empty object of categories")
    known = set(builtin.data["prices"])
    for name, category in prices.items():
        where = f"prices.{name}"
        if name not in known:
            raise PriceFileError(f"{where}: unknown category (s0c prices: {', '.join(sorted(known))})")
        if not isinstance(category, dict):
            raise PriceFileError(f"{where}: not an object")
        for field in ("as_of", "source"):
            if not isinstance(category.get(field), str) or not category[field]:
                raise PriceFileError(f"{where}.{field}: a non-empty string is required")
        try:
            datetime.date.fromisoformat(category["as_of"])
        except ValueError:
            raise PriceFileError(f"{where}.as_of: not a date (YYYY-MM-DD)") from None
        regions = category.get("regions")
        if not isinstance(regions, dict):
            raise PriceFileError(f"{where}.regions: not an object")
        for region, figures in regions.items():
            if not isinstance(figures, dict):
                raise PriceFileError(f"{where}.regions.{region}: not an object")
            for key, usd in figures.items():
                if isinstance(usd, bool) or not isinstance(usd, (int, float)) \
                        or not math.isfinite(usd) or usd < 0:
                    raise PriceFileError(f"{where}.regions.{region}.{key}: {usd!r} is not a"
                                         " price (a finite number >= 0)")
    return document


class LayeredPriceTable(PriceTable):
    """The user's figures first, then s0c's own."""

    def __init__(self, user: dict, builtin: PriceTable, label: str) -> None:
        super().__init__(builtin.data)
        self.user, self.builtin, self.label = user, builtin, label

    @property
    def regions(self) -> list[str]:
        return sorted(set(self.builtin.regions) | {
            region for category in self.user["prices"].values() for region in category["regions"]})

    def get(self, category: str, region: str, key: str) -> Price | None:
        entry = self.user["prices"].get(category)
        if entry is not None:
            usd = entry["regions"].get(region, {}).get(key)
            if usd is not None:
                unit = entry.get("unit") or self.builtin.data["prices"][category]["unit"]
                return Price(float(usd), category, unit, entry["as_of"],
                             f"{entry['source']} (price file {self.label})")
        return self.builtin.get(category, region, key)

    def sources(self) -> dict[str, dict[str, str]]:
        out = self.builtin.sources()
        for name, entry in sorted(self.user["prices"].items()):
            regions = ", ".join(sorted(entry["regions"]))
            out[name] = {**out.get(name, {}),
                         "override": f"{self.label}: {entry['source']}, as of {entry['as_of']}"
                                     f" ({regions})"}
        return out


def read_price_file(path: str) -> LayeredPriceTable:
    """The file at ``path`` over the built-in table; PriceFileError says what is wrong."""
    file = Path(path)
    try:
        if not file.is_file():
            raise PriceFileError("not a regular file" if file.exists() else "no such file")
        if file.stat().st_size > MAX_BYTES:
            raise PriceFileError(f"larger than {MAX_BYTES // 1_000_000} MB")
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PriceFileError(getattr(exc, "strerror", None) or str(exc)) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PriceFileError(f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
                             ) from None
    builtin = load()
    return LayeredPriceTable(_check(document, builtin), builtin, path)
