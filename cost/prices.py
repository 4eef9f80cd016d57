"""The price table (package data): on-demand list prices with their unit, date and source."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files


@dataclass(frozen=True)
class Price:
    usd: float
    category: str
    unit: str
    as_of: str
    source: str
    # Not read from a source but derived (a copy of another region, twice Single-AZ, ...):
    # how it was derived. None for a figure read from the category's sources.
    derived: str | None = None


class PriceTable:
    def __init__(self, data: dict) -> None:
        self.data = data
        self.hours_per_month: int = data["hours_per_month"]

    @property
    def regions(self) -> list[str]:
        return sorted({region for category in self.data["prices"].values()
                       for region in category["regions"]})

    def get(self, category: str, region: str, key: str) -> Price | None:
        entry = self.data["prices"][category]
        usd = entry["regions"].get(region, {}).get(key)
        if usd is None:
            return None
        return Price(float(usd), category, entry["unit"], entry["as_of"], entry["source"],
                     self.derived(category, region, key))

    def derived(self, category: str, region: str, key: str) -> str | None:
        """How a figure was derived (``"*"`` stands for every key of that region), or None."""
        notes = self.data["prices"][category].get("derived", {}).get(region, {})
        return notes.get(key, notes.get("*"))

    def sources(self) -> dict[str, dict]:
        return {name: {"unit": entry["unit"], "as_of": entry["as_of"], "source": entry["source"],
                       "sources": entry.get("sources", [])}
                for name, entry in sorted(self.data["prices"].items())}


@lru_cache(maxsize=1)
def load() -> PriceTable:
    text = files("s0c.cost").joinpath("data/prices.json").read_text(encoding="utf-8")
    return PriceTable(json.loads(text))
