"""Private, real services on 127.0.0.1 that a fault test may stop and start at will.

The suite's own PostgreSQL and Redis serve every other test (two at a time under xdist), so
a test that stops a service stops its own copy: a Redis server or a PostgreSQL cluster
started here, on a free port, from the same Debian binaries.
"""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..fixtures import _forget_broker_connections, wait_until


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class PrivateRedis:
    port: int
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: answers(self.port))

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None
        wait_until(lambda: not answers(self.port))


@contextmanager
def private_redis() -> Iterator[PrivateRedis]:
    redis = PrivateRedis(port=free_port())
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


def _postgres_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError(f"PostgreSQL's {name} is not installed")
    return found[-1]


def _as_postgres(command: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root; CI runs as root, a developer's machine may not.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@dataclass
class PrivatePostgres:
    port: int
    data: Path
    log: Path = field(init=False)

    def __post_init__(self) -> None:
        self.log = self.data.parent / "postgres.log"

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _ctl(self, *args: str) -> None:
        subprocess.run(
            _as_postgres(
                [_postgres_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", *args]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def init(self) -> None:
        subprocess.run(
            _as_postgres(
                [
                    _postgres_bin("initdb"),
                    "-D",
                    str(self.data),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "--no-sync",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.data.parent} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._ctl("-o", options, "start")
        wait_until(lambda: answers(self.port))

    def stop(self) -> None:
        self._ctl("-m", "fast", "stop")

    def restart(self) -> None:
        self.stop()
        time.sleep(0.2)
        self.start()


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    base = Path(tempfile.mkdtemp(prefix="metlib-pg-"))
    try:
        if os.geteuid() == 0:
            shutil.chown(base, "postgres", "postgres")
        postgres = PrivatePostgres(port=free_port(), data=base / "data")
        postgres.init()
        postgres.start()
        try:
            yield postgres
        finally:
            subprocess.run(
                _as_postgres(
                    [_postgres_bin("pg_ctl"), "-D", str(postgres.data), "-m", "immediate", "stop"]
                ),
                check=False,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
    finally:
        shutil.rmtree(base, ignore_errors=True)


@contextmanager
def publishing_to(broker_url: str) -> Iterator[None]:
    """Tasks are published to ``broker_url`` (not run in-process) for the block."""
    from metlib.celery import app

    overrides = {"broker_url": broker_url, "task_always_eager": False}
    saved = {name: app.conf[name] for name in overrides}
    app.conf.update(overrides)
    _forget_broker_connections(app)
    try:
        yield
    finally:
        app.conf.update(saved)
        _forget_broker_connections(app)
