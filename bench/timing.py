"""Timing with warm-up and repeats, reported as median and 95th percentile (nearest rank)."""

from __future__ import annotations

import gc
import math
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Stats:
    median_ms: float
    p95_ms: float
    min_ms: float
    max_ms: float
    repeats: int
    warmup: int

    def as_dict(self) -> dict:
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in asdict(self).items()}


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def summarise(samples_s: list[float], warmup: int) -> Stats:
    ms = [s * 1000 for s in samples_s]
    return Stats(median_ms=statistics.median(ms), p95_ms=percentile(ms, 0.95), min_ms=min(ms), max_ms=max(ms),
                 repeats=len(ms), warmup=warmup)


def measure(fn: Callable[[], object], *, repeats: int = 30, warmup: int = 3) -> Stats:
    """Run fn `warmup` times untimed, then `repeats` times timed (garbage collected once before)."""
    for _ in range(warmup):
        fn()
    gc.collect()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return summarise(samples, warmup)


def measure_alternately(a: Callable[[], object], b: Callable[[], object], *, repeats: int = 30, warmup: int = 3
                        ) -> tuple[Stats, Stats]:
    """Time a and b in turn, so that a machine getting slower or faster meanwhile touches both alike."""
    for _ in range(warmup):
        a()
        b()
    gc.collect()
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeats):
        for fn, found in ((a, samples[0]), (b, samples[1])):
            start = time.perf_counter()
            fn()
            found.append(time.perf_counter() - start)
    return summarise(samples[0], warmup), summarise(samples[1], warmup)
