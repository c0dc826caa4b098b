"""PostgreSQL restarts between two requests to gunicorn: the request during the outage
answers 503 (not a server error), and the next request after the restart works, with the
persistent connections production uses."""

import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from ..fixtures import wait_until
from .services import answers, free_port, private_postgres

pytestmark = [pytest.mark.slow]


def ask(port: int) -> str:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=20) as response:
            return f"{response.status} {response.read().decode()}"
    except urllib.error.HTTPError as error:
        return f"{error.code} {error.read().decode()}"


def test_next_request_works_when_postgres_restarts_between_requests(tmp_path):
    port = free_port()
    with private_postgres() as postgres:
        environment = {
            **os.environ,
            "DATABASE_URL": postgres.url,
            "DATABASE_CONN_MAX_AGE": "600",  # keep the connection open, as in production
            "REDIS_URL": "",
            "DEBUG": "1",
            "ALLOWED_HOSTS": "127.0.0.1",
        }
        gunicorn = Path(sys.executable).with_name("gunicorn")
        log = (tmp_path / "gunicorn.log").open("w")
        web = subprocess.Popen(
            [gunicorn, "metlib.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
            cwd=settings.BASE_DIR,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        try:
            wait_until(lambda: answers(port))
            assert ask(port) == "200 ok"
            assert ask(port) == "200 ok"  # the same worker, the same connection
            postgres.stop()
            assert ask(port) == "503 unavailable: database"
            postgres.start()
            assert ask(port) == "200 ok"
            postgres.restart()  # between two requests, with the connection open
            assert ask(port) == "200 ok"
        finally:
            web.terminate()
            web.wait(timeout=20)
            log.close()
