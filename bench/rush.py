"""The deadline rush: 200 nominators submitting within one minute, while 1,000 participants'
calendar apps poll their feeds, against gunicorn and PostgreSQL on 127.0.0.1.

Each nominator arrives at a random moment of the minute (seeded), opens the form (GET, which
also gives the CSRF token) and submits a complete nomination (POST, answered with a redirect).
Each feed is asked once, at its own random moment. Bounded: 200 + 200 + 1,000 requests, and
the run gives up on any request after 30 s. Reports errors (target 0), p50 and p99 latency and
throughput for each kind of request, and checks afterwards that the database holds exactly 200
submitted nominations.

Runs inside ``python -m bench`` (scenario "deadline rush"), or on its own against a server
already started by the bench: it needs the bench's database and environment.
"""

import datetime as dt
import random
import re
import statistics
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlencode

from .load import HttpRequest, fetch

NOMINATORS = 200
FEEDS = 1_000
EVENTS = 12
WINDOW_SECONDS = 60.0
CLIENT_THREADS = 48
SEED = 2024
RUSH_SLUG = "rush-circle"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Timings:
    """Latencies (ms) and failures of one kind of request."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, started: float, error: str = "") -> None:
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.latencies.append(elapsed)
            if error:
                self.errors.append(error)

    def summary(self, seconds: float) -> dict[str, float]:
        ordered = sorted(self.latencies) or [0.0]
        return {
            "count": len(self.latencies),
            "errors": len(self.errors),
            "p50_ms": round(statistics.median(ordered), 1),
            "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 1),
            "per_second": round(len(self.latencies) / seconds, 1) if seconds else 0.0,
        }


@dataclass(frozen=True)
class Rushers:
    nominate_path: str
    nominators: list[tuple[dict[str, str], dict[str, object]]]  # (cookies, form fields)
    feed_paths: list[str]


def seed_rush() -> Rushers:
    """A cohort whose call closes in an hour, 200 signed-in nominators each with a library of
    their own, and a running cohort of 1,000 participants with 12 events and a feed each."""
    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.cached_db import SessionStore
    from django.db import transaction
    from django.urls import reverse
    from django.utils import timezone

    from cohorts.models import Library, Membership, Role
    from metlib.models import User
    from sessions.models import CalendarFeed, Event
    from tests import factories
    from tests.nominations.nominating import complete_post

    now = timezone.now()
    with transaction.atomic():
        cohort = factories.CohortFactory(
            slug=RUSH_SLUG,
            name="Rush Learning Circle",
            nominations_open_at=now - dt.timedelta(days=40),
            nominations_deadline=now + dt.timedelta(hours=1),
        )
        factories.CallFactory(cohort=cohort)
        for position, name in enumerate(("Urban transformation", "Leadership")):
            factories.ThemeFactory(cohort=cohort, name=name, position=position)
        libraries = Library.objects.bulk_create(
            Library(
                name=f"Rush Library {i}", city=f"City {i}", country="BR", city_population=900_000
            )
            for i in range(NOMINATORS)
        )
        nominators = User.objects.bulk_create(
            User(email=f"rush{i}@bench.example", display_name=f"Rush Nominator {i}")
            for i in range(NOMINATORS)
        )
        # Nominators sign in with a verified address, as allauth requires before submitting.
        EmailAddress.objects.bulk_create(
            EmailAddress(user=user, email=user.email, verified=True, primary=True)
            for user in nominators
        )
        participants = User.objects.bulk_create(
            User(email=f"feed{i}@bench.example", display_name=f"Feed Reader {i}")
            for i in range(FEEDS)
        )
        running = factories.CohortFactory(slug="rush-running", name="Rush Running Circle")
        Membership.objects.bulk_create(
            Membership(user=person, cohort=running, role=Role.PARTICIPANT)
            for person in participants
        )
        Event.objects.bulk_create(
            Event(
                cohort=running,
                title=f"Monthly session {month + 1}",
                starts_at=now + dt.timedelta(days=30 * month + 7),
                ends_at=now + dt.timedelta(days=30 * month + 7, hours=2),
            )
            for month in range(EVENTS)
        )
        feeds = CalendarFeed.objects.bulk_create(CalendarFeed(person=p) for p in participants)

    def cookies_for(user: User) -> dict[str, str]:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        return {settings.SESSION_COOKIE_NAME: session.session_key}

    nominate_path = reverse("nominations:nominate", args=[cohort.slug])
    return Rushers(
        nominate_path=nominate_path,
        nominators=[
            (
                cookies_for(user),
                complete_post(
                    cohort,
                    library,
                    nominator_email=user.email,
                    candidate_email=f"candidate{number}@bench.example",
                ),
            )
            for number, (user, library) in enumerate(zip(nominators, libraries, strict=True))
        ],
        feed_paths=[
            reverse("feeds:feed", kwargs={"person_id": feed.person_id, "secret": feed.secret})
            for feed in feeds
        ],
    )


def _nominate(base_url: str, path: str, cookies: dict[str, str], fields: dict, timings: dict):
    started = time.perf_counter()
    try:
        page = fetch(base_url, HttpRequest("GET", path, cookies=cookies))
    except OSError as error:
        timings["form"].record(started, f"GET {type(error).__name__}")
        return
    token = CSRF_FIELD.search(page.body)
    timings["form"].record(started, "" if page.status == 200 and token else f"GET {page.status}")
    if token is None:
        return
    csrf = page.cookies().get("csrftoken", "")
    body = urlencode({**fields, "csrfmiddlewaretoken": token[1]}, doseq=True).encode()
    request = HttpRequest("POST", path, cookies={**cookies, "csrftoken": csrf}, body=body)
    started = time.perf_counter()
    try:
        answer = fetch(base_url, request)
    except OSError as error:
        timings["submit"].record(started, f"POST {type(error).__name__}")
        return
    timings["submit"].record(started, "" if answer.status == 302 else f"POST {answer.status}")


def _poll(base_url: str, path: str, timings: dict) -> None:
    started = time.perf_counter()
    try:
        answer = fetch(base_url, HttpRequest("GET", path))
    except OSError as error:
        timings["feed"].record(started, type(error).__name__)
        return
    ok = answer.status == 200 and "BEGIN:VCALENDAR" in answer.body
    timings["feed"].record(started, "" if ok else f"GET {answer.status}")


def run_rush(base_url: str, rushers: Rushers) -> dict[str, dict[str, float]]:
    """Send the rush; return, per kind of request, its count, errors, p50, p99 and rate."""
    timings = {"form": Timings(), "submit": Timings(), "feed": Timings()}
    draw = random.Random(SEED)
    jobs: list[tuple[float, Callable[[], None]]] = []
    for cookies, fields in rushers.nominators:
        jobs.append(
            (
                draw.uniform(0, WINDOW_SECONDS),
                lambda c=cookies, f=fields: _nominate(
                    base_url, rushers.nominate_path, c, f, timings
                ),
            )
        )
    for path in rushers.feed_paths:
        jobs.append((draw.uniform(0, WINDOW_SECONDS), lambda p=path: _poll(base_url, p, timings)))
    jobs.sort(key=lambda job: job[0])
    started = time.monotonic()

    def at_its_moment(offset: float, job: Callable[[], None]) -> None:
        delay = started + offset - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        job()

    with ThreadPoolExecutor(max_workers=CLIENT_THREADS) as pool:
        for offset, job in jobs:
            pool.submit(at_its_moment, offset, job)
    seconds = time.monotonic() - started
    summary = {kind: timing.summary(seconds) for kind, timing in timings.items()}
    summary["all"] = {"seconds": round(seconds, 1)}
    errors = [error for timing in timings.values() for error in timing.errors]
    summary["all"]["errors"] = len(errors)
    summary["all"]["first_errors"] = errors[:5]
    return summary


def submitted_count() -> int:
    from nominations.models import Nomination

    return Nomination.objects.filter(
        cohort__slug=RUSH_SLUG, status=Nomination.Status.SUBMITTED
    ).count()
