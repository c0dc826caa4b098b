"""Timing a plain callable, for scenarios that are not HTTP (e.g. rendering a certificate
against bare WeasyPrint rendering a one-line page, in the same run)."""

import statistics
import time
from collections.abc import Callable

from .registry import Measurement


def measure_callable(
    call: Callable[[], object], *, duration: float, warmup: float, max_calls: int
) -> Measurement:
    """Call ``call`` repeatedly in this process: a warm-up, then a window bounded in time and
    in calls. The first call is not guarded, so a broken callable fails the scenario loudly."""
    call()
    warm_until = time.perf_counter() + warmup
    while time.perf_counter() < warm_until:
        call()
    latencies: list[float] = []
    errors = 0
    started = time.perf_counter()
    deadline = started + duration
    while time.perf_counter() < deadline and len(latencies) < max_calls:
        before = time.perf_counter()
        try:
            call()
        except Exception:
            errors += 1
        latencies.append(time.perf_counter() - before)
    elapsed = time.perf_counter() - started
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    return Measurement(
        rate=len(latencies) / elapsed,
        p50_ms=quantiles[49] * 1000,
        p99_ms=quantiles[98] * 1000,
        errors=errors,
        count=len(latencies),
        seconds=elapsed,
        unit="calls/s",
    )
