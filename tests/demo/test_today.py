"""The demo's cohorts that live relative to the day it is loaded: one in the middle of its
year, one whose call is open; and the sign-ins the load prints.

Most tests read the package's one load (made today); one loads twice, on two other days
(near a clock change and near New Year), and one twice on the same day."""

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from cohorts.models import Cohort, Membership, MentoringGroup, Role
from demo.nominations import OPEN, RUNNING
from demo.people import DEMO_PASSWORD, FACILITATOR_EMAIL
from demo.today import next_session_day, open_year, running_year
from metlib.models import Email, User
from nominations.models import Decision, Nomination, Selection
from nominations.submission import submission_problems, submit_nomination
from sessions.models import Attendance, Event
from sessions.reminders import due_reminders

from .loading import load_demo_command as _load_demo_command
from .test_people import LOGIN_LINE

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
Status = Nomination.Status
SIGNIN_ROW = re.compile(r"^  (?P<role>\S+)\s+(?P<email>\S+@\S+)\s+(?P<what>.+)$")


def _today() -> dt.date:
    return timezone.now().astimezone(NEW_YORK).date()


def _cohorts(on: dt.date) -> tuple[Cohort, Cohort]:
    return (
        Cohort.objects.get(slug=running_year(on).slug),
        Cohort.objects.get(slug=open_year(on).slug),
    )


def _monthly(cohort: Cohort) -> list[Event]:
    return list(cohort.events.filter(kind=Event.Kind.MONTHLY).order_by("starts_at"))


def _check_running(cohort: Cohort, *, on: dt.date) -> Event:
    """What a running cohort must be on ``on``; its next monthly session."""
    now = timezone.now()
    assert cohort.programme_start.day == 1
    assert 3 * 30 <= (on - cohort.programme_start).days <= 5 * 31
    assert cohort.programme_start <= on <= cohort.programme_end
    assert (cohort.programme_end - cohort.programme_start).days in range(364, 366)
    monthly = _monthly(cohort)
    assert len(monthly) == 12
    local = [event.starts_at.astimezone(NEW_YORK) for event in monthly]
    assert {moment.time() for moment in local} == {dt.time(9, 0)}
    assert len({(moment.year, moment.month) for moment in local}) == 12
    past = [event for event in monthly if event.starts_at <= now]
    assert len(past) == 4
    upcoming = monthly[4]
    starts = upcoming.starts_at.astimezone(NEW_YORK)
    assert starts.date() == next_session_day(on)
    assert 2 <= (starts.date() - on).days <= 6
    assert starts.weekday() in (1, 2, 3)  # Tuesday to Thursday
    return upcoming


@pytest.mark.django_db
def test_there_is_a_finished_a_running_and_an_open_cohort_today():
    today = _today()
    finished = Cohort.objects.get(slug="metlib-2024")
    running, later = _cohorts(today)

    assert finished.programme_end < today
    _check_running(running, on=today)
    assert later.nominations_are_open()
    opened = later.nominations_open_at.astimezone(NEW_YORK).date()
    deadline = later.nominations_deadline.astimezone(NEW_YORK).date()
    assert (today - opened).days == 21
    assert (deadline - today).days == 35
    assert later.programme_start == running.programme_end + dt.timedelta(days=1)
    assert later.call.contact_email == FACILITATOR_EMAIL
    assert str(later.programme_start.year) in later.call.introduction
    assert "{" not in later.call.selection + later.call.timeline
    for cohort in (finished, running, later):
        assert Membership.objects.filter(
            cohort=cohort, role=Role.FACILITATOR, user__email=FACILITATOR_EMAIL
        ).exists()
    assert Cohort.objects.count() == 3


@pytest.mark.django_db
def test_the_running_cohort_has_presenters_attendance_and_groups_so_far():
    running, _open = _cohorts(_today())
    now = timezone.now()
    monthly = _monthly(running)
    participants = set(
        Membership.objects.filter(cohort=running, role=Role.PARTICIPANT).values_list(
            "user_id", flat=True
        )
    )

    presenters = [set(event.presenters.values_list("pk", flat=True)) for event in monthly]
    assert all(len(chosen) == 2 and chosen <= participants for chosen in presenters[:5])
    assert not any(presenters[5:])
    assert len(set().union(*presenters)) == 10  # everyone a turn before anyone a second

    for event in running.events.all():
        marked = set(event.attendance.values_list("person_id", flat=True))
        if event.ends_at > now:
            assert not marked
        elif event.mentoring_group is None:
            assert marked == participants
        else:
            assert marked == set(event.mentoring_group.members.values_list("pk", flat=True))
    statuses = Attendance.objects.filter(event__cohort=running).values_list("status", flat=True)
    assert {"present", "absent", "excused"} <= set(statuses)

    groups = list(MentoringGroup.objects.filter(cohort=running))
    assert len(groups) == 3
    assert set().union(*(set(g.members.values_list("pk", flat=True)) for g in groups)) == (
        participants
    )
    for group in groups:
        assert Membership.objects.filter(
            cohort=running, role=Role.MENTOR, user=group.mentor
        ).exists()
        assert group.events.count() == 4
        assert group.events.filter(starts_at__lt=now).exists()
        assert group.events.filter(starts_at__gt=now).exists()


@pytest.mark.django_db
def test_the_running_cohorts_participants_come_from_its_published_selection():
    running, _open = _cohorts(_today())

    selection = Selection.objects.get(cohort=running)
    assert selection.published_at is not None
    assert selection.published_at.astimezone(NEW_YORK).date() == running.announcement_date
    outcomes = dict(
        Decision.objects.filter(nomination__cohort=running).values_list(
            "nomination__candidate_email", "outcome"
        )
    )
    expected = {f"{row['key']}@demo.metlib.example": row["outcome"] for row in RUNNING}
    assert outcomes == expected
    assert list(outcomes.values()).count("waitlisted") == 3
    accepted = Nomination.objects.filter(cohort=running, status=Status.ACCEPTED)
    memberships = Membership.objects.filter(cohort=running, role=Role.PARTICIPANT)
    assert memberships.count() == accepted.count() == 12
    for nomination in accepted:  # enrolled by the real service: the nomination links it
        assert nomination.participant.user.email == nomination.candidate_email
        assert nomination.participant.user.check_password(DEMO_PASSWORD)


@pytest.mark.django_db
def test_the_next_sessions_reminders_are_due_and_none_is_queued():
    running, _open = _cohorts(_today())
    upcoming = _monthly(running)[4]

    due = due_reminders(now=timezone.now())

    assert upcoming in [reminder.event for reminder in due]
    assert not Email.objects.exists()


@pytest.mark.django_db
def test_the_open_call_accepts_a_nomination_today():
    _running, later = _cohorts(_today())
    nominations = Nomination.objects.filter(cohort=later)
    statuses = list(nominations.values_list("status", flat=True))
    assert statuses.count(Status.DRAFT) == 4
    assert statuses.count(Status.SUBMITTED) == 5
    submitted = nominations.filter(status=Status.SUBMITTED)
    assert submitted.filter(candidate_confirmed_at__isnull=True).count() == 2
    assert len(OPEN) == nominations.count()
    assert Selection.objects.get(cohort=later).review_opened_at is None
    assert later.criteria.count() == 3
    draft = nominations.get(candidate_email="mehmet.aksoy@demo.metlib.example")

    assert submission_problems(nomination=draft) == []
    submit_nomination(nomination=draft, by=draft.nominator)

    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED


@pytest.mark.django_db
def test_the_load_ends_with_a_table_of_sign_ins_then_the_login_line():
    lines = _load_demo_command().strip().splitlines()
    running, later = _cohorts(_today())

    assert LOGIN_LINE.match(lines[-1])
    assert lines[-1] == (
        f"Sign in at {settings.SITE_URL}/accounts/login/ as {FACILITATOR_EMAIL} "
        f"with password {DEMO_PASSWORD}"
    )
    start = next(i for i, line in enumerate(lines) if line.startswith("Demo sign-ins"))
    rows = [SIGNIN_ROW.match(line) for line in lines[start + 2 : -1]]
    assert all(rows)
    emails = {row["role"]: row["email"] for row in rows}
    assert list(emails) == [
        "facilitator",
        "advisor",
        "mentor",
        "participant",
        "nominator",
        "manager",
        "admin",
    ]
    users = {role: User.objects.get(email=email) for role, email in emails.items()}
    assert all(user.check_password(DEMO_PASSWORD) for user in users.values())
    assert users["facilitator"].email == FACILITATOR_EMAIL
    assert Membership.objects.filter(
        user=users["advisor"], cohort=later, role=Role.ADVISOR
    ).exists()
    assert MentoringGroup.objects.filter(cohort=running, mentor=users["mentor"]).exists()
    assert Membership.objects.filter(
        user=users["participant"], cohort=running, role=Role.PARTICIPANT
    ).exists()
    assert Nomination.objects.filter(
        cohort=later, nominator=users["nominator"], status=Status.DRAFT
    ).exists()
    assert users["admin"].is_superuser
    assert users["manager"].managed_programmes.exists()
    # The README's demo section names the same sign-ins and how to choose the port.
    readme = (settings.BASE_DIR / "README.md").read_text()
    assert all(f"`{email}`" in readme for email in emails.values())
    assert "make demo DEMO_PORT=8001" in readme


def _rows():
    return {
        "cohorts": sorted(Cohort.objects.values_list("pk", "slug", "programme_start")),
        "events": sorted(Event.objects.values_list("pk", "uid", "starts_at", "cohort_id")),
        "presenters": sorted(
            Event.presenters.through.objects.values_list("pk", "event_id", "user_id")
        ),
        "attendance": sorted(
            Attendance.objects.values_list("pk", "event_id", "person_id", "status")
        ),
        "memberships": sorted(Membership.objects.values_list("pk", "cohort_id", "user_id", "role")),
        "groups": sorted(MentoringGroup.members.through.objects.values_list("pk", "user_id")),
        "nominations": sorted(Nomination.objects.values_list("pk", "cohort_id", "status")),
        "decisions": sorted(Decision.objects.values_list("pk", "outcome", "published_at")),
        "users": sorted(User.objects.values_list("pk", "email")),
    }


@pytest.mark.django_db
def test_loading_again_today_leaves_the_same_rows():
    _load_demo_command()
    first = _rows()

    _load_demo_command()

    assert _rows() == first


@pytest.mark.django_db
def test_loads_on_other_days_move_the_same_cohorts_to_their_dates():
    before = _rows()
    # Near New Year: the next session is the first Tuesday of January.
    with time_machine.travel(dt.datetime(2026, 12, 30, 15, 0, tzinfo=NEW_YORK)):
        _load_demo_command()
        _load_demo_command()  # the first call in a test is the package's load; this one loads
        new_year = _cohorts(_today())
        upcoming = _check_running(new_year[0], on=_today())
        assert upcoming.starts_at.astimezone(NEW_YORK).date() == dt.date(2027, 1, 5)
        assert new_year[1].nominations_are_open()
        assert upcoming in [reminder.event for reminder in due_reminders(now=timezone.now())]
    # Near the clocks going back in New York (7 November 2027): the next session is after
    # it, and the running cohort's year now starts in 2027, so it takes the slug the open
    # cohort had, which moves on to metlib-2028.
    with time_machine.travel(dt.datetime(2027, 11, 4, 8, 0, tzinfo=NEW_YORK)):
        _load_demo_command()
        running, later = _cohorts(_today())
        assert (running.slug, later.slug) == ("metlib-2027", "metlib-2028")
        upcoming = _check_running(running, on=_today())
        assert upcoming.starts_at == dt.datetime(2027, 11, 9, 14, 0, tzinfo=dt.UTC)
        assert _monthly(running)[3].starts_at == dt.datetime(2027, 10, 12, 13, 0, tzinfo=dt.UTC)
        assert later.nominations_are_open()
        assert (running.pk, later.pk) == (new_year[0].pk, new_year[1].pk)
    after = _rows()
    assert Cohort.objects.count() == 3
    for part in ("users", "memberships", "nominations", "decisions"):
        assert [row[0] for row in after[part]] == [row[0] for row in before[part]]
    assert [row[:2] for row in after["events"]] == [row[:2] for row in before["events"]]
