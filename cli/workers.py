"""Many specs in one call: the work shared among forked worker processes.

A spec costs a few milliseconds once s0c is imported (~250 ms), so one call for many specs is
the cheap way; with several CPUs, forked workers (which inherit the imports and the caches the
first spec warmed) take the rest. Results come back in the order of the inputs, so the output
does not depend on the number of workers.
"""

from __future__ import annotations

import multiprocessing
import os
from typing import Any, Callable, Sequence

# Below this many specs a worker's start (a fork and a pickled result, ~5-10 ms) does not pay.
MIN_PER_WORKER = 4

_task: Callable[[Any], Any] | None = None  # set before the fork, so workers get it as memory


def _run(item: Any) -> Any:
    assert _task is not None
    return _task(item)


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))  # what this process may use (cgroups, taskset)
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def job_count(requested: int | None, items: int) -> int:
    """Workers for ``items`` inputs: ``requested`` (0 or None: as many as CPUs), at most one
    per :data:`MIN_PER_WORKER` inputs, and 1 where forking is not how this platform starts
    processes."""
    default = multiprocessing.get_start_method(allow_none=True) or \
        multiprocessing.get_all_start_methods()[0]  # the platform's default comes first
    if default != "fork":
        # Spawning would import everything again in each worker; and where fork is not the
        # platform's default (macOS, Windows), system libraries may not survive it.
        return 1
    wanted = requested or available_cpus()
    return max(1, min(wanted, items // MIN_PER_WORKER))


def map_in_order(task: Callable[[Any], Any], items: Sequence[Any], jobs: int) -> list[Any]:
    """``[task(item) for item in items]``, the first in this process (it warms the caches the
    workers then share), the rest among ``jobs`` forked workers. An exception in a worker is
    raised here, as it would be without workers."""
    if jobs <= 1 or len(items) < 2:
        return [task(item) for item in items]
    global _task
    first = task(items[0])
    rest = items[1:]
    _task = task
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            # Small chunks: a slow spec does not leave the other workers idle at the end.
            chunk = max(1, len(rest) // (jobs * 4))
            return [first, *pool.map(_run, rest, chunksize=chunk)]
    finally:
        _task = None
