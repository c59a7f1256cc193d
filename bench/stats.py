"""Percentiles of latency samples, kept in seconds and shown in milliseconds."""

import math
from collections.abc import Sequence
from dataclasses import dataclass


def percentile(samples: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile (`fraction` in 0..1) of non-empty samples."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Latency:
    """p50 and p99 of a set of samples, in milliseconds."""

    p50_ms: float
    p99_ms: float
    count: int

    @classmethod
    def of(cls, seconds: Sequence[float]) -> "Latency":
        """Summarise samples given in seconds."""
        return cls(
            p50_ms=percentile(seconds, 0.50) * 1000,
            p99_ms=percentile(seconds, 0.99) * 1000,
            count=len(seconds),
        )

    def as_json(self) -> dict[str, float | int]:
        """The figures rounded for the JSON line."""
        return {"p50_ms": round(self.p50_ms, 2), "p99_ms": round(self.p99_ms, 2), "n": self.count}
