"""gunicorn on 127.0.0.1, serving the project with the bench's environment."""

import contextlib
import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass

from .environment import BASE_DIR, VAR


@dataclass(frozen=True)
class ServerSettings:
    workers: int = 2
    worker_class: str = "sync"  # as the Dockerfile runs it; "gthread" keeps connections alive
    threads: int = 1  # gthread only


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def gunicorn(settings: ServerSettings) -> Iterator[str]:
    """Start gunicorn, wait until it answers, yield its base URL, and stop it."""
    port = _free_port()
    log_path = VAR / "gunicorn.log"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "metlib.wsgi:application",
        f"--bind=127.0.0.1:{port}",
        f"--workers={settings.workers}",
        f"--worker-class={settings.worker_class}",
        f"--threads={settings.threads}",
        "--keep-alive=30",
        "--worker-tmp-dir=/dev/shm",  # as the Dockerfile: heartbeats never wait on a disk
        "--log-level=warning",
        f"--error-logfile={log_path}",
    ]
    with log_path.open("w") as log:
        server = subprocess.Popen(
            command, cwd=BASE_DIR, env=os.environ.copy(), stdout=log, stderr=subprocess.STDOUT
        )
    try:
        _wait_until_up(port, server, log_path)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_until_up(port: int, server: subprocess.Popen, log_path: os.PathLike) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({server.returncode}); see {log_path}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/bench/bare/")
            if connection.getresponse().status == 200:
                connection.close()
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within 60 s; see {log_path}")
