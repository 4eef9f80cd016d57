"""What every benchmark here shares: wall-clock medians and the ratio table."""

from __future__ import annotations

import statistics
import time
from typing import Callable


def median_ms(action: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def print_ratios(rows: list[tuple[str, float]], base: float, title: str = "") -> None:
    """One line per row: its median and its ratio to ``base`` (a peer's time / s0c's)."""
    width = max(len(name) for name, _ in rows) + 2
    print(f"{title:{width}} {'median ms':>10} {'ratio':>8}")
    for name, ms in rows:
        print(f"{name:{width}} {ms:10.1f} {ms / base:7.2f}x")
