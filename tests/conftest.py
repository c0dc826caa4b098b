"""Fixtures every test may use. Tests run on PostgreSQL (see the Makefile's DATABASE_URL)."""

import os

import pytest

from cohorts.models import Role

from .factories import CohortFactory, MembershipFactory, UserFactory
from .fixtures import running_celery_worker, running_smtp_sink

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session", autouse=True)
def _no_stray_connection_keeps_the_test_database(django_db_setup, django_db_blocker):
    """Close every other session on the test database before it is dropped.

    A browser test after a test that froze time (time-machine) can leave the earlier test's
    connection open in a context Django no longer sees (Playwright's sync API runs the test
    in a greenlet); PostgreSQL then refuses to drop the database ("being accessed by other
    users") and the run ends in an error although every test passed. Seen only when those
    tests share an xdist worker in that order; the cause is outside our code, so the cure is
    here, at the end of the session.
    """
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Tasks run in-process unless a test starts a real worker; files go to a temporary folder."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CACHE_SHARED = True  # one process: its in-memory cache is shared by all it runs
    from metlib.celery import app

    app.conf.task_always_eager = True
    from django.core.cache import cache

    cache.clear()  # cached fragments and sessions never leak from one test into another
    yield
    app.conf.task_always_eager = True


@pytest.fixture
def cohort(db):
    return CohortFactory()


@pytest.fixture
def make_member(db):
    """make_member(cohort, role) → a user holding that role in that cohort."""

    def make(cohort, role=Role.PARTICIPANT, **user_fields):
        user = UserFactory(**user_fields)
        MembershipFactory(user=user, cohort=cohort, role=role)
        return user

    return make


@pytest.fixture
def facilitator(cohort, make_member):
    return make_member(cohort, Role.FACILITATOR)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Playwright drives Debian's Chromium: its own browser download fails on these machines."""
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM", "/usr/bin/chromium"),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
            "--disable-dev-shm-usage",
        ],
    }


@pytest.fixture
def smtp_sink(settings):
    """A real SMTP server on 127.0.0.1 that Django's SMTP backend sends to.

    ``smtp_sink.messages`` holds what it accepted (``email.message.EmailMessage``); set
    ``smtp_sink.refuse = True`` to have it answer ``550`` to every message.
    """
    with running_smtp_sink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = sink.host
        settings.EMAIL_PORT = sink.port
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 10
        yield sink


@pytest.fixture
def celery_worker_on_redis(transactional_db):
    """A real Celery worker on the Redis broker at ``TEST_REDIS_URL``, running in a thread.

    Tasks are published to a queue of this test's own, so parallel test runs sharing the
    Redis database do not take each other's tasks. ``worker.result_of(async_result)`` waits
    for a task to run and returns what it returned.
    """
    with running_celery_worker() as worker:
        yield worker
