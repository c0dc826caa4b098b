"""Load generators: Debian's wrk when installed, else a small Python keep-alive client.

Both send one request over and over from a few connections, for a warm-up that is thrown away
and then for a measured window bounded in time and in requests, and report requests per second,
p50 and p99 latency and the number of failed or unexpected answers.
"""

import http.client
import itertools
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlsplit

from .registry import Measurement

WRK_SCRIPT = Path(__file__).with_name("wrk.lua")


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    cookies: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    expect_status: int = 200
    # Many people's requests in turn: (path, If-None-Match or "") each, sent in this order
    # again and again instead of ``path`` (say, 500 people's calendar feeds).
    rotation: tuple[tuple[str, str], ...] = ()

    def all_headers(self) -> dict[str, str]:
        headers = dict(self.headers)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if self.body:
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        return headers


@dataclass(frozen=True)
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: str

    def cookies(self) -> dict[str, str]:
        jar = SimpleCookie()
        for value in self.headers.get_all("Set-Cookie") or []:
            jar.load(value)
        return {name: morsel.value for name, morsel in jar.items()}


@dataclass(frozen=True)
class LoadSettings:
    duration: float  # seconds measured
    warmup: float  # seconds sent first and thrown away
    connections: int
    max_requests: int  # the measured window also ends after this many answers


def fetch(base_url: str, request: HttpRequest, *, timeout: float = 30) -> Answer:
    """Send one request and return the whole answer (no redirects followed)."""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request(
            request.method, request.path, body=request.body or None, headers=request.all_headers()
        )
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        return Answer(status=response.status, headers=response.headers, body=body)
    finally:
        connection.close()


def load_generator() -> str:
    return "wrk" if shutil.which("wrk") else "python"


def measure_http(base_url: str, request: HttpRequest, settings: LoadSettings) -> Measurement:
    """Warm up, then measure one request repeated under load."""
    measure = _measure_with_wrk if load_generator() == "wrk" else _measure_with_python
    if settings.warmup > 0:
        measure(
            base_url,
            request,
            seconds=settings.warmup,
            max_requests=settings.max_requests,
            connections=settings.connections,
        )
    return measure(
        base_url,
        request,
        seconds=settings.duration,
        max_requests=settings.max_requests,
        connections=settings.connections,
    )


def measure_window(
    base_url: str, request: HttpRequest, *, seconds: float, max_requests: int, connections: int
) -> Measurement:
    """One measured window, without warm-up: ends after ``max_requests`` answers (or
    ``seconds``). For requests that are only cold once, such as each feed's first poll
    after a change."""
    measure = _measure_with_wrk if load_generator() == "wrk" else _measure_with_python
    return measure(
        base_url, request, seconds=seconds, max_requests=max_requests, connections=connections
    )


def _measure_with_wrk(
    base_url: str, request: HttpRequest, *, seconds: float, max_requests: int, connections: int
) -> Measurement:
    # One wrk thread: on a 2-core machine every cycle wrk spends is one gunicorn does not get.
    threads = 1
    with (
        tempfile.NamedTemporaryFile(prefix="bench-body-", suffix=".txt") as body_file,
        tempfile.NamedTemporaryFile("w", prefix="bench-paths-", suffix=".txt") as paths_file,
    ):
        body_file.write(request.body)
        body_file.flush()
        paths_file.write("".join(f"{path}\t{etag}\n" for path, etag in request.rotation))
        paths_file.flush()
        env = {
            "BENCH_PATHS_FILE": paths_file.name if request.rotation else "",
            **os.environ,
            "BENCH_METHOD": request.method,
            "BENCH_PATH": request.path,
            "BENCH_HEADERS": "\n".join(f"{k}: {v}" for k, v in request.all_headers().items()),
            "BENCH_BODY_FILE": body_file.name if request.body else "",
            "BENCH_EXPECT_STATUS": str(request.expect_status),
            "BENCH_MAX_PER_THREAD": str(max(1, max_requests // threads)),
        }
        completed = subprocess.run(
            [
                "wrk",
                f"--threads={threads}",
                f"--connections={connections}",
                f"--duration={max(1, round(seconds))}s",
                "--timeout=10s",
                f"--script={WRK_SCRIPT}",
                base_url + request.path,
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=seconds + 60,
            check=False,
        )
    line = next(
        (ln for ln in completed.stdout.splitlines() if ln.startswith("BENCH_RESULT ")), None
    )
    if completed.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({completed.returncode}): {completed.stderr.strip()}")
    data = json.loads(line.removeprefix("BENCH_RESULT "))
    elapsed = data["duration_us"] / 1e6
    errors = sum(data[kind] for kind in ("connect", "read", "write", "timeout", "unexpected"))
    return Measurement(
        rate=data["requests"] / elapsed if elapsed else 0.0,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        errors=errors,
        count=data["requests"],
        seconds=elapsed,
    )


def _measure_with_python(
    base_url: str, request: HttpRequest, *, seconds: float, max_requests: int, connections: int
) -> Measurement:
    """A thread per connection, each keeping its connection alive; slower than wrk, and it
    competes with gunicorn for the CPU, so its ratios are only a rough guide."""
    parts = urlsplit(base_url)
    headers = request.all_headers()
    deadline = time.perf_counter() + seconds
    lock = threading.Lock()
    latencies: list[float] = []
    errors = 0
    sent = itertools.count()  # shared: exactly max_requests are sent, in rotation order
    rotation = request.rotation or ((request.path, ""),)

    def work() -> None:
        nonlocal errors
        mine: list[float] = []
        failed = 0
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        while time.perf_counter() < deadline:
            number = next(sent)
            if number >= max_requests:
                break
            path, etag = rotation[number % len(rotation)]
            these = {**headers, "If-None-Match": etag} if etag else headers
            started = time.perf_counter()
            try:
                connection.request(request.method, path, body=request.body or None, headers=these)
                response = connection.getresponse()
                response.read()
                if response.status != request.expect_status:
                    failed += 1
                if response.will_close:
                    connection.close()
            except (OSError, http.client.HTTPException):
                failed += 1
                connection.close()
            mine.append(time.perf_counter() - started)
            if len(mine) >= 200:
                with lock:
                    latencies.extend(mine)
                mine = []
        connection.close()
        with lock:
            latencies.extend(mine)
            errors += failed

    started = time.perf_counter()
    workers = [threading.Thread(target=work) for _ in range(connections)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return Measurement(
        rate=len(latencies) / elapsed,
        p50_ms=quantiles[49] * 1000,
        p99_ms=quantiles[98] * 1000,
        errors=errors,
        count=len(latencies),
        seconds=elapsed,
    )
