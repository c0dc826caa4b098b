"""What a scenario is, and the list every scenario module adds itself to.

A scenario is a small function taking the run's :class:`~bench.context.Context` and returning a
:class:`Measurement` (or :class:`Unavailable` when what it measures is not there yet). It names
the baseline it is compared with and the ratio it must reach::

    @scenario("nomination form GET", baseline=BARE_VIEW, target=0.20)
    def form_get(ctx: Context) -> Measurement | Unavailable:
        return ctx.http(HttpRequest("GET", "/calls/…/nominate/", cookies=…))

A baseline is a scenario registered with ``baseline=None``; it must be registered before the
scenarios compared with it. Scenarios that are not HTTP time a callable with
:func:`bench.timing.measure_callable` against a baseline callable registered the same way.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .context import Context


@dataclass(frozen=True)
class Measurement:
    """How fast one scenario went: operations per second and the latency of one operation."""

    rate: float  # operations per second, over the measured window
    p50_ms: float
    p99_ms: float
    errors: int  # failed or unexpected answers; a non-zero count makes the rate suspect
    count: int  # operations in the measured window
    seconds: float
    unit: str = "req/s"
    note: str = ""


@dataclass(frozen=True)
class Unavailable:
    """The scenario could not be measured in this run, and why (e.g. no such view yet)."""

    reason: str


Result = Measurement | Unavailable


@dataclass(frozen=True)
class Scenario:
    name: str
    run: "Callable[[Context], Result]"
    baseline: str | None  # the baseline scenario's name; None when this one is a baseline
    target: float | None  # the smallest acceptable ratio to the baseline
    max_p50_ms: float | None = None  # an absolute target instead: the median must stay under
    max_errors: int | None = None  # and/or at most this many failed answers (a load test: 0)

    @property
    def is_baseline(self) -> bool:
        return self.baseline is None


SCENARIOS: list[Scenario] = []


def scenario(
    name: str,
    *,
    baseline: str | None = None,
    target: float | None = None,
    max_p50_ms: float | None = None,
    max_errors: int | None = None,
) -> "Callable[[Callable[[Context], Result]], Callable[[Context], Result]]":
    """Register the decorated function as a scenario, in the order the run measures them.

    ``target`` is the smallest acceptable ratio to ``baseline``. A scenario whose issue sets an
    absolute time instead (say, "1,000 nominations in under 2 s") has no baseline and gives
    ``max_p50_ms``; it is met when its median stays under that.
    """

    def register(run: "Callable[[Context], Result]") -> "Callable[[Context], Result]":
        if any(existing.name == name for existing in SCENARIOS):
            raise ValueError(f"Two scenarios are named {name!r}")
        if baseline is not None and not any(
            existing.name == baseline and existing.is_baseline for existing in SCENARIOS
        ):
            raise ValueError(f"{name!r}: register its baseline {baseline!r} before it")
        if baseline is None and target is not None:
            raise ValueError(f"{name!r}: a ratio target needs a baseline")
        SCENARIOS.append(
            Scenario(
                name=name,
                run=run,
                baseline=baseline,
                target=target,
                max_p50_ms=max_p50_ms,
                max_errors=max_errors,
            )
        )
        return run

    return register
