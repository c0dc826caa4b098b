"""``python -m bench``: set up, serve, measure every registered scenario, report.

Each scenario's ratio is to its baseline measured right before and right after it in the same
run, so a machine whose speed wanders (these are noisy) skews no scenario more than another.
"""

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import time
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import environment
from .context import Context, ScenarioFailed
from .database import migrate_and_collect_static, recreate_database
from .load import LoadSettings, load_generator
from .registry import SCENARIOS, Measurement, Result, Scenario, Unavailable
from .report import Row, markdown, table, write_json
from .seed import Seeded, seed
from .server import ServerSettings, gunicorn

RESULTS = environment.VAR / "results.json"
REPORT = environment.BASE_DIR / "docs" / "performance.md"


@dataclass(frozen=True)
class Failed:
    """The scenario broke: its page answered wrongly, or the harness raised."""

    reason: str


def _say(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--duration", type=float, default=10, help="seconds measured per scenario")
    parser.add_argument("--warmup", type=float, default=3, help="seconds of warm-up per scenario")
    parser.add_argument("--connections", type=int, default=4, help="concurrent connections")
    parser.add_argument(
        "--max-requests", type=int, default=200_000, help="end a measured window after this many"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--worker-class",
        choices=("sync", "gthread"),
        default="sync",
        help="sync, as the Dockerfile runs it; gthread keeps connections alive",
    )
    parser.add_argument("--threads", type=int, default=2, help="threads per gthread worker")
    parser.add_argument(
        "--only", action="append", default=[], help="measure scenarios whose name contains this"
    )
    parser.add_argument("--json", type=Path, default=RESULTS, help="where to write the rows")
    parser.add_argument(
        "--report",
        type=Path,
        default=None,
        help=f"where to write the markdown table (default: {REPORT} after a run of every scenario)",
    )
    parser.add_argument(
        "--strict", action="store_true", help="exit 2 when a measured target is not met"
    )
    return parser.parse_args(argv)


def prepare(database_url: str, redis_url: str) -> Seeded:
    """A new bench database, migrated and seeded; Django set up in this process."""
    environment.apply(environment.bench_environment(database_url=database_url, redis_url=redis_url))
    name = recreate_database(database_url)
    _say(f"recreated database {name}; migrating")
    import django

    django.setup()
    migrate_and_collect_static()
    if redis_url:
        environment.forget_cached(redis_url)
    _say("seeding")
    from django.db import connections

    seeded = seed()
    connections.close_all()
    return seeded


def selected_scenarios(only: list[str]) -> list[Scenario]:
    from . import scenarios  # noqa: F401  (registers them)

    if not only:
        return list(SCENARIOS)
    wanted = [s for s in SCENARIOS if any(part in s.name for part in only)]
    baselines = {s.baseline for s in wanted if s.baseline}
    return [s for s in SCENARIOS if s in wanted or s.name in baselines]


def run_one(scenario: Scenario, ctx: Context) -> Result | Failed:
    _say(f"measuring {scenario.name}")
    try:
        return scenario.run(ctx)
    except ScenarioFailed as failure:
        return Failed(str(failure))
    except Exception as error:
        traceback.print_exc()
        return Failed(f"{type(error).__name__}: {error}")


@dataclass
class Outcome:
    """A scenario's result, and for a compared one the baseline runs bracketing it."""

    result: Result | Failed
    bracket: list[Measurement] = field(default_factory=list)  # baseline just before and after
    runs: list[Measurement] = field(default_factory=list)  # a baseline: every run of it


def measure_all(scenarios: list[Scenario], ctx: Context) -> dict[str, Outcome]:
    """Measure each scenario, its baseline right before and right after it.

    The machine's speed wanders during a run (other work, thermal limits), so each ratio uses
    the baseline measured beside it: B, S1, B, S2, B … costs one baseline run per scenario.
    """
    by_name = {s.name: s for s in scenarios}
    outcomes: dict[str, Outcome] = {}
    last = ""  # name of the scenario measured last, for reusing a baseline run

    def measure_baseline(name: str) -> Measurement | None:
        nonlocal last
        outcome = outcomes[name]
        if isinstance(outcome.result, Measurement) and last != name:
            result = run_one(by_name[name], ctx)
            if isinstance(result, Measurement):
                outcome.runs.append(result)
            last = name
        return outcome.runs[-1] if outcome.runs else None

    for scenario in scenarios:
        if scenario.is_baseline:
            result = run_one(scenario, ctx)
            runs = [result] if isinstance(result, Measurement) else []
            outcomes[scenario.name] = Outcome(result, runs=runs)
            last = scenario.name
            continue
        before = measure_baseline(scenario.baseline)
        result = run_one(scenario, ctx)
        last = scenario.name
        outcome = outcomes[scenario.name] = Outcome(result)
        if isinstance(result, Measurement) and before is not None:
            after = measure_baseline(scenario.baseline)
            outcome.bracket = [before] if after is None else [before, after]
    return outcomes


def _met_absolute(scenario: Scenario, *, p50: float, errors: int) -> bool | None:
    """Met, for a scenario with an absolute target (a median, a count of errors, or both)."""
    checks = []
    if scenario.max_p50_ms is not None:
        checks.append(p50 <= scenario.max_p50_ms)
    if scenario.max_errors is not None:
        checks.append(errors <= scenario.max_errors)
    return all(checks) if checks else None


def _baseline_row(scenario: Scenario, runs: list[Measurement]) -> Row:
    """A scenario compared with nothing: a baseline (mean of its runs), or an absolute one."""
    rates = [m.rate for m in runs]
    p50 = statistics.mean(m.p50_ms for m in runs)
    note = ""
    if len(runs) > 1:
        spread = (max(rates) - min(rates)) / statistics.mean(rates)
        note = (
            f"mean of {len(runs)} runs: "
            + ", ".join(f"{r:,.0f}" for r in rates)
            + f" {runs[0].unit} (spread {spread:.0%})"
        )
    return Row(
        scenario=scenario.name,
        status="measured",
        unit=runs[0].unit,
        rate=round(statistics.mean(rates), 1),
        p50_ms=round(p50, 2),
        p99_ms=round(statistics.mean(m.p99_ms for m in runs), 2),
        errors=sum(m.errors for m in runs),
        count=sum(m.count for m in runs),
        seconds=round(sum(m.seconds for m in runs), 2),
        max_p50_ms=scenario.max_p50_ms,
        max_errors=scenario.max_errors,
        met=_met_absolute(scenario, p50=p50, errors=sum(m.errors for m in runs)),
        note=note or runs[-1].note,
    )


def build_rows(scenarios: list[Scenario], outcomes: dict[str, Outcome]) -> list[Row]:
    rows = []
    for scenario in scenarios:
        outcome = outcomes[scenario.name]
        result = outcome.result
        if isinstance(result, Unavailable):
            note = result.reason
            rows.append(Row(scenario.name, "unavailable", target=scenario.target, note=note))
        elif isinstance(result, Failed):
            note = f"FAILED: {result.reason}"
            rows.append(Row(scenario.name, "failed", target=scenario.target, note=note))
        elif scenario.is_baseline:
            rows.append(_baseline_row(scenario, outcome.runs))
        else:
            base_rate = (
                statistics.mean(m.rate for m in outcome.bracket) if outcome.bracket else None
            )
            ratio = result.rate / base_rate if base_rate else None
            rows.append(
                Row(
                    scenario=scenario.name,
                    status="measured",
                    unit=result.unit,
                    rate=round(result.rate, 1),
                    baseline=scenario.baseline,
                    baseline_rate=None if base_rate is None else round(base_rate, 1),
                    ratio=None if ratio is None else round(ratio, 4),
                    p50_ms=round(result.p50_ms, 2),
                    p99_ms=round(result.p99_ms, 2),
                    errors=result.errors,
                    count=result.count,
                    seconds=round(result.seconds, 2),
                    target=scenario.target,
                    met=None
                    if scenario.target is None or ratio is None
                    else ratio >= scenario.target,
                    note=result.note,
                )
            )
    return rows


def _git_revision() -> str:
    try:
        revision = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=environment.BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""
    return revision


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    started_at = dt.datetime.now(dt.UTC)
    database_url = os.environ.get("DATABASE_URL") or environment.DEFAULT_DATABASE_URL
    redis_url = os.environ.get("BENCH_REDIS_URL", environment.DEFAULT_REDIS_URL)
    if redis_url and not environment.redis_reachable(redis_url):
        _say(f"Redis at {redis_url} does not answer: the cache is in-process memory instead")
        redis_url = ""
    seeded = prepare(database_url, redis_url)
    scenarios = selected_scenarios(args.only)
    load = LoadSettings(
        duration=args.duration,
        warmup=args.warmup,
        connections=args.connections,
        max_requests=args.max_requests,
    )
    server = ServerSettings(
        workers=args.workers,
        worker_class=args.worker_class,
        threads=args.threads if args.worker_class == "gthread" else 1,
    )
    _say(f"starting gunicorn ({server}); load generator: {load_generator()}")
    with gunicorn(server) as base_url:
        outcomes = measure_all(scenarios, Context(base_url=base_url, seed=seeded, load=load))
    rows = build_rows(scenarios, outcomes)
    print(table(rows))
    run = {
        "started_at": started_at.isoformat(timespec="seconds"),
        "seconds": round(time.monotonic() - started, 1),
        "revision": _git_revision(),
        "host": platform.node(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "load_generator": load_generator(),
        "load": vars(load),
        "server": vars(server) | {"conn_max_age": 600, "cache": "redis" if redis_url else "locmem"},
        "measurements": {
            name: {
                "runs": [asdict(m) for m in outcome.runs],
                "baseline_before_and_after": [asdict(m) for m in outcome.bracket],
            }
            for name, outcome in outcomes.items()
        },
    }
    write_json(args.json, rows=rows, run=run)
    _say(f"wrote {args.json} in {run['seconds']} s")
    report = args.report or (None if args.only else REPORT)
    if report is not None:
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(markdown(rows, run))
        _say(f"wrote {report}")
    for row in rows:
        if row.note and row.status == "measured":
            _say(f"{row.scenario}: {row.note}")
    if any(row.status == "failed" for row in rows):
        return 1
    if args.strict and any(row.met is False for row in rows):
        return 2
    return 0
