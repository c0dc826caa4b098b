"""The selection assistant's solve time for 50, 200 and 1,000 nominations (target: 1,000 in
under 2 s), on random but seeded nominations shaped like a real call.

``python -m bench.assistant`` prints the figures on their own: no database, no server. The
same measurements are registered with ``python -m bench`` as scenarios without a ratio
target, because the registry's targets are ratios to a baseline and this one is an absolute
time; there, compare the p50 column with 2,000 ms.
"""

import random
import statistics
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nominations.assistant import Candidate, Constraints, propose_cohort

from .registry import Measurement, scenario

if TYPE_CHECKING:
    from .context import Context

SIZES = (50, 200, 1_000)
TARGET_SECONDS = 2.0
RUNS = 3
SEED = 2024

CONTINENTS = ("Africa", "Asia", "Europe", "North America", "Oceania", "South America")
KINDS = (
    "Branch development",
    "New main library",
    "New major branch",
    "Strategic development",
    "Partnerships",
    "Other",
)
COUNTRIES = tuple(f"Country {number:02d}" for number in range(40))

RULES = Constraints(
    capacity_min=15,
    capacity_max=20,
    max_per_country=2,
    stipends_available=3,
    min_project_kinds=len(KINDS),
    represent_every_continent=True,
)


@dataclass(frozen=True)
class AssistantRow:
    scenario: str
    seconds: float  # median of RUNS solves
    target: str
    met: bool


def nominations(*, size: int, seed: int = SEED) -> list[Candidate]:
    """``size`` nominations from 40 countries on 6 continents, 6 project kinds, one in ten
    conditional on a stipend (half of them barred by the stipend rule), scores as means of
    three reviews on a scale of 1 to 5."""
    draw = random.Random(seed * 100_003 + size)
    return [
        Candidate(
            id=number,
            score=round(sum(draw.randint(1, 5) for _ in range(3)) / 3, 2),
            country=(country := draw.choice(COUNTRIES)),
            # A country stays on one continent, as in life.
            continent=CONTINENTS[COUNTRIES.index(country) % len(CONTINENTS)],
            project_kind=draw.choice(KINDS),
            needs_stipend=draw.random() < 0.10,
            # The call's stipend rule: half the countries (the "Global South") may receive one.
            may_get_stipend=COUNTRIES.index(country) % 2 == 0,
            label=f"Candidate {number}",
        )
        for number in range(1, size + 1)
    ]


def solve_seconds(*, size: int, runs: int = RUNS) -> float:
    """The median wall time of ``runs`` solves of the same ``size`` nominations."""
    candidates = nominations(size=size)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        propose_cohort(candidates=candidates, constraints=RULES)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def assistant_rows(*, sizes: tuple[int, ...] = SIZES, runs: int = RUNS) -> list[AssistantRow]:
    """One row per size: the median solve time against the 2-second target."""
    rows = []
    for size in sizes:
        seconds = solve_seconds(size=size, runs=runs)
        rows.append(
            AssistantRow(
                scenario=f"selection assistant, {size:,} nominations",
                seconds=round(seconds, 3),
                target=f"{size:,} < {TARGET_SECONDS:g} s",
                met=seconds < TARGET_SECONDS,
            )
        )
    return rows


def _register(size: int) -> None:
    # The target: 1,000 nominations solved in under 2 s (the others are for scale).
    @scenario(f"selection assistant, {size:,} nominations", max_p50_ms=2000.0)
    def solve(ctx: "Context") -> Measurement:
        candidates = nominations(size=size)
        return ctx.call(lambda: propose_cohort(candidates=candidates, constraints=RULES))


for _size in SIZES:
    _register(_size)


def _standalone_translations() -> None:
    """The explanations are translated (gettext): outside ``python -m bench`` give them just
    the settings translation needs, and French, so the lookups are timed too."""
    from pathlib import Path

    import django
    from django.conf import settings
    from django.utils import translation

    if not settings.configured:
        settings.configure(
            USE_I18N=True,
            LANGUAGE_CODE="fr",
            LOCALE_PATHS=[Path(__file__).resolve().parent.parent / "locale"],
            INSTALLED_APPS=[],
        )
        django.setup()
    translation.activate("fr")


def main() -> None:
    _standalone_translations()
    for row in assistant_rows():
        met = "met" if row.met else "NOT met"
        print(f"{row.scenario:<42} {row.seconds:>8.3f} s   target {row.target:<12} {met}")


if __name__ == "__main__":
    main()
