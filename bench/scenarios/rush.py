"""The deadline rush (the hardening issue's load test): see bench/rush.py."""

from ..context import Context, ScenarioFailed
from ..registry import Measurement, scenario
from ..rush import FEEDS, NOMINATORS, run_rush, seed_rush, submitted_count


@scenario(
    f"deadline rush: {NOMINATORS} nominators in a minute + {FEEDS:,} feeds",
    max_p50_ms=1_000,
    max_errors=0,
)
def deadline_rush(ctx: Context) -> Measurement:
    rushers = seed_rush()
    result = run_rush(ctx.base_url, rushers)
    saved = submitted_count()
    submit, form, feed = result["submit"], result["form"], result["feed"]
    accepted = submit["count"] - submit["errors"]
    if saved != accepted:  # every accepted submission is in the database, and no other
        raise ScenarioFailed(f"{accepted} submissions accepted but {saved} nominations saved")
    note = (
        f"submissions: {submit['count']} in {result['all']['seconds']} s, "
        f"p50 {submit['p50_ms']} ms, "
        f"p99 {submit['p99_ms']} ms; form GET p50 {form['p50_ms']} ms, p99 {form['p99_ms']} ms; "
        f"feeds: {feed['count']}, p50 {feed['p50_ms']} ms, p99 {feed['p99_ms']} ms; "
        f"{saved} nominations saved; errors {result['all']['errors']} "
        f"{result['all']['first_errors'] or ''}"
    )
    total = submit["count"] + form["count"] + feed["count"]
    return Measurement(
        rate=total / result["all"]["seconds"],
        p50_ms=submit["p50_ms"],
        p99_ms=submit["p99_ms"],
        errors=result["all"]["errors"],
        count=total,
        seconds=result["all"]["seconds"],
        unit="req/s",
        note=note,
    )
