"""The calendar issues' targets: a person's feed (200 and 304) against the bare view; feeds
as calendar apps cause them — 500 different people polling, warm, and the first poll of each
after a change to their cohort's event (issue 16: warm ≥ 35 %, cold after a change ≥ 10 %);
the reminder scan for 1,000 participants x 12 events (≤ 2 s), and mail over SMTP (≥ 100/s).

The calendar's data is a cohort of its own, made the first time one of these scenarios runs
(not in ``bench/seed.py``), so a run of the other scenarios pays nothing for it.
"""

import datetime as dt
import statistics
import time
from dataclasses import dataclass
from functools import cache

from ..context import Context, ScenarioFailed
from ..load import HttpRequest, measure_window
from ..registry import Measurement, scenario
from .web import BARE_VIEW

COHORT_SLUG = "bench-calendar"
PARTICIPANTS = 1000
EVENTS = 12
POLLERS = 500  # different people whose calendar apps poll their feeds
SCAN_ROUNDS = 5
MAIL_BATCH = 200


@dataclass(frozen=True)
class CalendarSeed:
    feed_path: str  # one participant's secret feed: the cohort's 12 events
    first_start: dt.datetime  # when the first event starts


@cache
def calendar_seed() -> CalendarSeed:
    """A cohort with 1,000 participants and 12 monthly sessions from next month, each with
    a presenter and a reading (made once per run, in bulk)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.urls import reverse
    from django.utils import timezone

    from cohorts.models import Membership, Role
    from sessions.feeds import feed_of
    from sessions.models import Event, PreparationItem
    from tests import factories

    user_model = get_user_model()
    start = (timezone.now() + dt.timedelta(days=30)).replace(
        hour=13, minute=0, second=0, microsecond=0
    )
    with transaction.atomic():
        cohort = factories.CohortFactory(slug=COHORT_SLUG, name="Bench Calendar Circle")
        people = user_model.objects.bulk_create(
            user_model(
                email=f"calendar{i}@bench.example",
                display_name=f"Participant {i}",
                time_zone=("Europe/Helsinki", "America/Bogota", "Asia/Kolkata")[i % 3],
            )
            for i in range(PARTICIPANTS)
        )
        Membership.objects.bulk_create(
            Membership(user=person, cohort=cohort, role=Role.PARTICIPANT) for person in people
        )
        events = Event.objects.bulk_create(
            Event(
                cohort=cohort,
                title=f"Monthly session {n + 1}",
                starts_at=start + dt.timedelta(days=28 * n),
                ends_at=start + dt.timedelta(days=28 * n, hours=2),
                video_url="https://video.example/metlib",
                description="Two hours together: presentations and discussion.",
            )
            for n in range(EVENTS)
        )
        for n, event in enumerate(events):
            event.presenters.add(people[n])
        PreparationItem.objects.bulk_create(
            PreparationItem(event=event, title="Read the case study", url="https://example.org/")
            for event in events
        )
        feed = feed_of(person=people[-1])
    path = reverse("feeds:feed", kwargs={"person_id": feed.person_id, "secret": feed.secret})
    return CalendarSeed(feed_path=path, first_start=start)


@cache
def feed_paths() -> tuple[str, ...]:
    """The secret feeds of :data:`POLLERS` participants of the calendar cohort."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from sessions.models import CalendarFeed

    calendar_seed()
    people = list(
        get_user_model()
        .objects.filter(email__endswith="@bench.example", email__startswith="calendar")
        .order_by("pk")[:POLLERS]
    )
    have = set(CalendarFeed.objects.filter(person__in=people).values_list("person_id", flat=True))
    CalendarFeed.objects.bulk_create(CalendarFeed(person=p) for p in people if p.pk not in have)
    feeds = CalendarFeed.objects.filter(person__in=people).order_by("person_id")
    return tuple(
        reverse("feeds:feed", kwargs={"person_id": feed.person_id, "secret": feed.secret})
        for feed in feeds
    )


def _held(ctx: Context) -> tuple[tuple[str, str], ...]:
    """Each poller's feed and the ETag their calendar app holds (one GET each, untimed)."""
    held = []
    for path in feed_paths():
        answer = ctx.check(HttpRequest("GET", path), contains="BEGIN:VEVENT")
        etag = answer.headers.get("ETag")
        if not etag:
            raise ScenarioFailed(f"GET {path} gave no ETag")
        held.append((path, etag))
    return tuple(held)


def _change_an_event(round_number: int) -> None:
    """What a facilitator does between two polls: one event of the cohort saved with a new
    description (every member's feed shows it)."""
    from sessions.models import Event

    event = Event.objects.filter(cohort__slug=COHORT_SLUG).order_by("starts_at").first()
    event.description = f"Two hours together: presentations and discussion ({round_number})."
    event.save()


@scenario(f"calendar feeds, {POLLERS} people, warm 304", baseline=BARE_VIEW, target=0.35)
def feeds_warm_304(ctx: Context) -> Measurement:
    """500 calendar apps, each asking for its own person's feed with the ETag it holds:
    nothing changed, 304 each (the digest read with the owner proves it)."""
    held = _held(ctx)
    path, etag = held[0]
    ctx.check(HttpRequest("GET", path, headers={"If-None-Match": etag}, expect_status=304))
    return ctx.http(HttpRequest("GET", path, rotation=held, expect_status=304))


@scenario(f"calendar feeds, {POLLERS} people, warm 200", baseline=BARE_VIEW, target=0.35)
def feeds_warm_200(ctx: Context) -> Measurement:
    """The same 500 feeds asked without a validator: each whole calendar, from the cache."""
    held = tuple((path, "") for path, _etag in _held(ctx))
    return ctx.http(HttpRequest("GET", held[0][0], rotation=held))


@scenario(
    f"calendar feeds, {POLLERS} people, first poll after a change", baseline=BARE_VIEW, target=0.10
)
def feeds_cold_after_change(ctx: Context) -> Measurement:
    """A facilitator saves one of the cohort's events; then each of the 500 calendar apps
    polls once with the ETag it holds, and gets 200 with the new calendar. Round after round
    (the save untimed): the rate is 500 first polls over the time they took."""
    from django.db import connection

    held = _held(ctx)
    windows: list[Measurement] = []
    deadline = time.perf_counter() + ctx.load.warmup + ctx.load.duration
    round_number = 0
    try:
        while time.perf_counter() < deadline or len(windows) < 3:
            round_number += 1
            _change_an_event(round_number)
            window = measure_window(
                ctx.base_url,
                HttpRequest("GET", held[0][0], rotation=held, expect_status=200),
                seconds=60,
                max_requests=len(held),
                connections=ctx.load.connections,
            )
            if round_number > 1:  # the first round pays for the server's own warm-up
                windows.append(window)
            held = _held(ctx)  # the apps now hold the new version
    finally:
        connection.close()
    count = sum(w.count for w in windows)
    seconds = sum(w.seconds for w in windows)
    return Measurement(
        rate=count / seconds,
        p50_ms=statistics.median(w.p50_ms for w in windows),
        p99_ms=max(w.p99_ms for w in windows),
        errors=sum(w.errors for w in windows),
        count=count,
        seconds=seconds,
        note=f"{len(windows)} rounds of {len(held)} first polls, each after a saved event",
    )


def _publish_only() -> None:
    """Tasks are published to Celery's in-memory broker instead of running in this process
    (the bench leaves the broker unset, which makes them eager), as a deployment publishes
    them to Redis for the workers."""
    from metlib.celery import app

    app.conf.broker_url = "memory://"
    app.conf.task_always_eager = False


@scenario("calendar feed 200", baseline=BARE_VIEW, target=0.25)
def feed_200(ctx: Context) -> Measurement:
    """A calendar app fetches a participant's feed (12 events, one VTIMEZONE)."""
    request = HttpRequest("GET", calendar_seed().feed_path)
    answer = ctx.check(request, contains="BEGIN:VTIMEZONE")
    if answer.body.count("BEGIN:VEVENT") != EVENTS:
        raise ScenarioFailed(f"the feed has {answer.body.count('BEGIN:VEVENT')} events")
    return ctx.http(request)


@scenario("calendar feed 304", baseline=BARE_VIEW, target=0.35)
def feed_304(ctx: Context) -> Measurement:
    """The same app asks again with the ETag it holds: nothing changed, 304."""
    path = calendar_seed().feed_path
    etag = ctx.check(HttpRequest("GET", path)).headers.get("ETag")
    if not etag:
        raise ScenarioFailed(f"GET {path} gave no ETag")
    request = HttpRequest("GET", path, headers={"If-None-Match": etag}, expect_status=304)
    ctx.check(request)
    return ctx.http(request)


def _rounds(latencies: list[float], count: int, unit: str, note: str) -> Measurement:
    elapsed = sum(latencies)
    ordered = sorted(latencies)
    return Measurement(
        rate=count / elapsed,
        p50_ms=statistics.median(latencies) * 1000,
        p99_ms=ordered[-1] * 1000,
        errors=0,
        count=count,
        seconds=elapsed,
        unit=unit,
        note=note,
    )


@scenario(f"reminder scan, {PARTICIPANTS} participants x {EVENTS} events", max_p50_ms=2000)
def reminder_scan(ctx: Context) -> Measurement:
    """The beat's scan at the moment one session's 24-hour reminders fall due: 1,000 mails
    queued (rendered and written to the outbox; sending is another scenario). The outbox is
    emptied between rounds, untimed."""
    from django.db import connection

    from metlib.celery import app
    from metlib.models import Email
    from sessions.reminders import scan_reminders

    seeded = calendar_seed()
    now = seeded.first_start - dt.timedelta(hours=24) + dt.timedelta(minutes=1)
    eager = app.conf.task_always_eager
    _publish_only()
    latencies, queued, again = [], 0, []
    try:
        for _ in range(SCAN_ROUNDS):
            Email.objects.filter(key__startswith="reminder:").delete()
            before = time.perf_counter()
            queued = scan_reminders(now=now)
            latencies.append(time.perf_counter() - before)
            before = time.perf_counter()
            if scan_reminders(now=now) != 0:
                raise ScenarioFailed("a second scan queued reminders again")
            again.append(time.perf_counter() - before)
    finally:
        app.conf.task_always_eager = eager
        connection.close()
    if queued != PARTICIPANTS:
        raise ScenarioFailed(f"the scan queued {queued} reminders, not {PARTICIPANTS}")
    note = (
        f"{queued} reminders per scan, {SCAN_ROUNDS} rounds; "
        f"a scan with nothing new: {statistics.median(again) * 1000:.0f} ms"
    )
    return _rounds(latencies, queued * SCAN_ROUNDS, "mails/s", note)


@scenario("outbox to SMTP sink", max_p50_ms=10)
def smtp_send(ctx: Context) -> Measurement:
    """Queued invitations-sized mails (text, HTML and an .ics) sent one by one through
    ``metlib.outbox.send_queued_email`` to an aiosmtpd sink in this process; target
    ≥ 100 mails/s, i.e. a median under 10 ms per mail."""
    from django.db import connection
    from django.test import override_settings

    from metlib.celery import app
    from metlib.models import Email
    from metlib.outbox import Attachment, queue_email, send_queued_email
    from tests.fixtures import running_smtp_sink

    ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + "X-PAD:" + "x" * 2000 + "\r\nEND:VCALENDAR\r\n"
    latencies: list[float] = []
    sent = 0
    deadline = time.perf_counter() + ctx.load.duration
    with (
        running_smtp_sink() as sink,
        override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST=sink.host,
            EMAIL_PORT=sink.port,
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
            EMAIL_USE_TLS=False,
            EMAIL_USE_SSL=False,
        ),
    ):
        batch = 0
        while time.perf_counter() < deadline:
            batch += 1
            eager = app.conf.task_always_eager
            _publish_only()
            try:
                ids = [
                    queue_email(
                        key=f"bench-smtp:{batch}:{i}",
                        to=f"calendar{i}@bench.example",
                        subject="Invitation: Monthly session",
                        text="You are invited.\n" * 20,
                        html="<p>You are invited.</p>" * 20,
                        attachments=[Attachment("invite.ics", ics, "text/calendar")],
                    ).pk
                    for i in range(MAIL_BATCH)
                ]
            finally:
                app.conf.task_always_eager = eager
            for email_id in ids:
                before = time.perf_counter()
                if not send_queued_email(email_id=email_id):
                    raise ScenarioFailed(f"mail {email_id} was not sent")
                latencies.append(time.perf_counter() - before)
                sent += 1
        delivered = len(sink.received)
    Email.objects.filter(key__startswith="bench-smtp:").delete()
    connection.close()
    if delivered != sent:
        raise ScenarioFailed(f"the sink received {delivered} of {sent} mails")
    return _rounds(latencies, sent, "mails/s", f"{sent} mails delivered to the sink")
