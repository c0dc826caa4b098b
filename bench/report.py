"""The run's results: a plain table on stdout and the same rows in var/bench/results.json."""

import json
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Row:
    scenario: str
    status: str  # "measured", "unavailable" or "failed"
    unit: str = ""
    rate: float | None = None  # operations per second
    baseline: str | None = None
    baseline_rate: float | None = None
    ratio: float | None = None  # rate / baseline_rate, both from this run
    p50_ms: float | None = None
    p99_ms: float | None = None
    errors: int | None = None
    count: int | None = None
    seconds: float | None = None
    target: float | None = None  # smallest acceptable ratio
    max_p50_ms: float | None = None  # or an absolute target: the median must stay under
    max_errors: int | None = None  # and/or at most this many failed answers
    met: bool | None = None
    note: str = ""


COLUMNS = ("scenario", "req/s", "ratio to bare", "p50 ms", "p99 ms", "errors", "target", "met")


def _target(row: Row) -> str:
    parts = []
    if row.max_p50_ms is not None:
        parts.append(f"p50<{row.max_p50_ms:,.0f}ms")
    if row.max_errors is not None:
        parts.append(f"errors≤{row.max_errors}")
    return ", ".join(parts) if parts else _percent(row.target)


def _cells(row: Row, *, is_baseline: bool) -> list[str]:
    if row.status != "measured":
        return [row.scenario, row.note, "", "", "", "", _target(row), ""]
    ratio = "baseline" if is_baseline else _percent(row.ratio, digits=1)
    met = "" if row.met is None else ("met" if row.met else "NOT met")
    rate = f"{row.rate:,.0f}" + ("" if row.unit == "req/s" else f" {row.unit}")
    return [
        row.scenario,
        rate,
        ratio,
        f"{row.p50_ms:.1f}",
        f"{row.p99_ms:.1f}",
        str(row.errors),
        _target(row),
        met,
    ]


def _percent(value: float | None, digits: int = 0) -> str:
    return "" if value is None else f"{value * 100:.{digits}f}%"


def table(rows: list[Row]) -> str:
    baselines = {row.baseline for row in rows if row.baseline}
    lines = [list(COLUMNS)] + [_cells(row, is_baseline=row.scenario in baselines) for row in rows]
    # A long "not available" note spans the columns after the name instead of widening them.
    measured = [
        cells for cells, row in zip(lines[1:], rows, strict=True) if row.status == "measured"
    ]
    widths = [max(len(cells[i]) for cells in [lines[0], *measured]) for i in range(len(COLUMNS))]
    out = []
    for number, cells in enumerate(lines):
        if number and rows[number - 1].status != "measured":
            out.append(f"{cells[0]:<{widths[0]}}  {cells[1]}")
            continue
        out.append(
            "  ".join(
                cell.ljust(width) if i == 0 else cell.rjust(width)
                for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
            ).rstrip()
        )
        if number == 0:
            out.append("  ".join("-" * width for width in widths))
    return "\n".join(out)


def write_json(path: Path, *, rows: list[Row], run: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"run": run, "rows": [asdict(row) for row in rows]}
    path.write_text(json.dumps(payload, indent=2) + "\n")


def markdown(rows: list[Row], run: dict) -> str:
    """The run as docs/performance.md: what was measured, against what, and whether it met
    its target, with the machine and revision it ran on."""
    baselines = {row.baseline for row in rows if row.baseline}
    out = [
        "# Performance",
        "",
        "Written by `make bench` (bench/README.md). Every ratio is to the bare baseline measured",
        "right before and after the scenario in the same run, because these machines are noisy;",
        "absolute figures vary from run to run, ratios much less.",
        "",
        f"Run of {run['started_at']} on {run['cpus']} CPUs, revision `{run['revision']}`, "
        f"Python {run['python']}, load generator {run['load_generator']}, "
        f"gunicorn {run['server']['workers']} {run['server']['worker_class']} workers, "
        f"{run['seconds']:.0f} s in all.",
        "",
        "| scenario | figure | ratio to baseline | p50 ms | p99 ms | errors | target | met |",
        "|---|---:|---:|---:|---:|---:|---|---|",
    ]
    notes = []
    for row in rows:
        if row.status != "measured":
            out.append(f"| {row.scenario} | {row.status}: {row.note} | | | | | {_target(row)} | |")
            continue
        is_baseline = row.scenario in baselines
        ratio = "baseline" if is_baseline else _percent(row.ratio, digits=1)
        if row.baseline and not is_baseline:
            ratio += f" of {row.baseline}"
        met = "" if row.met is None else ("met" if row.met else "**not met**")
        out.append(
            f"| {row.scenario} | {row.rate:,.1f} {row.unit} | {ratio} | {row.p50_ms:.1f} | "
            f"{row.p99_ms:.1f} | {row.errors} | {_target(row)} | {met} |"
        )
        if row.note:
            notes.append(f"- **{row.scenario}**: {row.note}")
    if notes:
        out += ["", "## Notes", "", *notes]
    return "\n".join(out) + "\n"
