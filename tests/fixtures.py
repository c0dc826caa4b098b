"""Real services for tests: an SMTP sink and a Celery worker on Redis.

The fixtures in ``tests/conftest.py`` wrap these context managers; a test that needs one
asks for ``smtp_sink`` or ``celery_worker_on_redis``.
"""

import email
import email.policy
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import kombu.pools
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from celery.result import AsyncResult
from django.db import connections

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
# Django's cache on Redis, as deployed (the suite otherwise uses the in-memory cache).
TEST_CACHE_URL = os.environ.get("TEST_CACHE_URL", "redis://127.0.0.1:6379/15")
WAIT_SECONDS = 20.0


def wait_until(condition: Callable[[], Any], *, timeout: float = WAIT_SECONDS) -> Any:
    """Poll ``condition`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"Still false after {timeout} s: {condition}")
        time.sleep(0.05)


# --- SMTP sink ---------------------------------------------------------------------------------


@dataclass
class SmtpSink:
    """A local SMTP server; what it accepted is in ``messages``.

    While ``refuse`` is true it answers every message with ``550`` and counts it in ``refused``;
    ``peers`` says which connection each accepted message came over. It keeps each message as
    the bytes it received and parses them only when ``messages`` is read, as a relay queues
    mail and reads it later: the sender (in the same process, sharing its interpreter) does
    not wait for the sink to parse what it sent.
    """

    host: str
    port: int
    refuse: bool = False
    refused: int = 0
    received: list[bytes] = field(default_factory=list)
    peers: list[tuple[str, int]] = field(default_factory=list)  # each message's connection
    _parsed: list[EmailMessage] = field(default_factory=list, repr=False)

    @property
    def messages(self) -> list[EmailMessage]:
        for content in self.received[len(self._parsed) :]:
            self._parsed.append(email.message_from_bytes(content, policy=email.policy.default))
        return list(self._parsed)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.refuse:
            self.refused += 1
            return "550 5.7.1 Message refused by the test sink"
        self.received.append(envelope.original_content or envelope.content)
        self.peers.append(session.peer)
        return "250 2.0.0 OK"


def free_port(host: str) -> int:
    # aiosmtpd's controller connects to its own port once started, so it cannot take port 0.
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


@contextmanager
def running_smtp_sink(host: str = "127.0.0.1") -> Iterator[SmtpSink]:
    """Start an :class:`SmtpSink` on a free port of ``host`` for the duration of the block."""
    sink = SmtpSink(host=host, port=free_port(host))
    controller = Controller(sink, hostname=host, port=sink.port)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()


# --- Celery worker -----------------------------------------------------------------------------


@dataclass
class RunningWorker:
    """A Celery worker consuming ``queue``.

    ``task_names`` lists the tasks it ran, in order; ``finished`` maps their ids to what they
    returned.
    """

    queue: str
    task_names: list[str] = field(default_factory=list)
    finished: dict[str, Any] = field(default_factory=dict)
    _done: threading.Condition = field(default_factory=threading.Condition)

    def result_of(self, result: AsyncResult, *, timeout: float = WAIT_SECONDS) -> Any:
        """Wait until the worker has run the task behind ``result``; return its return value.

        Needs no result backend: the worker reports through Celery's ``task_postrun`` signal.
        """
        with self._done:
            if not self._done.wait_for(lambda: result.id in self.finished, timeout=timeout):
                raise AssertionError(f"The worker did not run task {result.id} in {timeout} s")
            return self.finished[result.id]

    def _task_finished(self, task_name: str, task_id: str, retval: Any) -> None:
        with self._done:
            self.task_names.append(task_name)
            self.finished[task_id] = retval
            self._done.notify_all()


def _forget_broker_connections(app: Any) -> None:
    # The app keeps a pool of broker connections made from the broker URL it first saw; even
    # eager tasks create one (for the default amqp://localhost). Drop it, as Celery itself
    # does after a fork, so the next publish connects to the broker configured now.
    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None
    # kombu also keeps producer pools per broker URL, process-wide: one left from an earlier
    # worker test on the same URL acquires from a closed pool ("Acquire on closed pool").
    kombu.pools.reset()


@contextmanager
def running_celery_worker(broker_url: str = TEST_REDIS_URL) -> Iterator[RunningWorker]:
    """Run a real worker of the project's app in a thread, on a queue no other test run uses.

    Tasks stop running eagerly and are published to that queue on ``broker_url`` for the
    duration of the block; the app's configuration is restored afterwards. The worker runs
    in this process, so it uses the test database; the database must be committed to
    (``django_db(transaction=True)``) for the worker to see the rows.
    """
    from celery.contrib.testing.worker import start_worker
    from celery.signals import setup_logging, task_postrun

    from metlib.celery import app

    worker = RunningWorker(queue=f"metlib-test-{uuid.uuid4().hex}")
    overrides = {
        "broker_url": broker_url,
        "task_always_eager": False,
        "task_default_queue": worker.queue,
    }
    saved_conf = {name: app.conf[name] for name in overrides}

    def leave_logging_to_pytest(**kwargs: Any) -> None:
        """With a receiver connected, Celery does not configure logging."""

    def on_task_postrun(task: Any, task_id: str, retval: Any = None, **kwargs: Any) -> None:
        if getattr(task.request, "is_eager", False):
            return
        # Runs in the worker's thread: close its connections so the test database can be
        # flushed and dropped after the test.
        connections.close_all()
        worker._task_finished(task.name, task_id, retval)

    app.conf.update(overrides)
    _forget_broker_connections(app)
    task_postrun.connect(on_task_postrun, weak=False)
    setup_logging.connect(leave_logging_to_pytest, weak=False)
    try:
        with start_worker(
            app,
            pool="solo",
            perform_ping_check=False,
            queues=[worker.queue],
            shutdown_timeout=WAIT_SECONDS,
        ):
            yield worker
    finally:
        try:
            with app.connection_for_write() as broker:
                queue = app.amqp.queues[worker.queue].bind(broker.default_channel)
                queue.declare()  # the channel removes only the bindings it knows of
                queue.delete()
        finally:
            task_postrun.disconnect(on_task_postrun)
            setup_logging.disconnect(leave_logging_to_pytest)
            logging.captureWarnings(False)  # turned on by the embedded worker's logging setup
            _forget_broker_connections(app)
            app.conf.update(saved_conf)
