import datetime as dt

import pytest

from cohorts.models import Cohort, Membership, MentoringGroup, Role
from demo.calendar import DEMO_VIDEO_URL, load_calendar
from demo.people import COHORT_SLUG, THEMES
from metlib.models import Email
from sessions.models import Event

from .loading import load_demo_command as _load_demo_command

UTC = dt.UTC


def _rows():
    return (
        sorted(Event.objects.values_list("pk", "uid", "title", "starts_at", "ends_at")),
        sorted(MentoringGroup.objects.values_list("pk", "name", "mentor_id")),
        sorted(MentoringGroup.members.through.objects.values_list("mentoringgroup_id", "user_id")),
    )


@pytest.fixture
def demo_cohort(db):
    _load_demo_command()
    return Cohort.objects.get(slug=COHORT_SLUG)


def test_loading_twice_keeps_the_same_rows_and_pks(demo_cohort):
    first = _rows()
    assert first[0]
    load_calendar(cohort=demo_cohort)
    assert _rows() == first
    output = _load_demo_command()
    assert _rows() == first
    assert "Calendar: 21 events" in output
    assert output.strip().splitlines()[-1].startswith("Sign in at ")


def test_monthly_meetings_are_at_nine_in_new_york_on_the_calls_dates(demo_cohort):
    monthly = list(demo_cohort.events.filter(kind=Event.Kind.MONTHLY).order_by("starts_at"))
    starts = [event.starts_at.astimezone(UTC) for event in monthly]
    assert starts == [
        dt.datetime(2024, 4, 9, 13, tzinfo=UTC),
        dt.datetime(2024, 5, 14, 13, tzinfo=UTC),
        dt.datetime(2024, 6, 11, 13, tzinfo=UTC),
        dt.datetime(2024, 7, 9, 13, tzinfo=UTC),
        dt.datetime(2024, 9, 10, 13, tzinfo=UTC),
        dt.datetime(2024, 11, 12, 14, tzinfo=UTC),
        dt.datetime(2024, 12, 10, 14, tzinfo=UTC),
        dt.datetime(2025, 1, 14, 14, tzinfo=UTC),
        dt.datetime(2025, 2, 11, 14, tzinfo=UTC),
        dt.datetime(2025, 3, 4, 14, tzinfo=UTC),
    ]
    assert [event.theme.name for event in monthly] == list(THEMES)
    for event, theme in zip(monthly, THEMES, strict=True):
        assert theme in event.title
        assert event.duration == dt.timedelta(hours=2)
        assert event.video_url == DEMO_VIDEO_URL
        assert event.status == Event.Status.SCHEDULED


def test_the_conference_and_its_workshop_are_in_barcelona(demo_cohort):
    conference = demo_cohort.events.get(kind=Event.Kind.CONFERENCE)
    assert conference.place == "Barcelona, Spain"
    assert conference.starts_at == dt.datetime(2024, 10, 6, 7, tzinfo=UTC)
    assert conference.ends_at == dt.datetime(2024, 10, 10, 15, tzinfo=UTC)
    workshop = demo_cohort.events.get(kind=Event.Kind.WORKSHOP)
    assert workshop.place == "Barcelona, Spain"
    assert workshop.starts_at == dt.datetime(2024, 10, 7, 8, tzinfo=UTC)
    assert workshop.ends_at == dt.datetime(2024, 10, 7, 14, tzinfo=UTC)


def test_each_mentoring_group_has_members_and_three_sessions(demo_cohort):
    groups = list(MentoringGroup.objects.filter(cohort=demo_cohort))
    assert len(groups) == 3
    mentors = set(
        Membership.objects.filter(cohort=demo_cohort, role=Role.MENTOR).values_list(
            "user_id", flat=True
        )
    )
    participants = set(
        Membership.objects.filter(cohort=demo_cohort, role=Role.PARTICIPANT).values_list(
            "user_id", flat=True
        )
    )
    assert {group.mentor_id for group in groups} == mentors
    members = [set(group.members.values_list("pk", flat=True)) for group in groups]
    assert all(members)
    assert set().union(*members) == participants
    assert sum(len(m) for m in members) == len(participants)  # nobody in two groups
    for group in groups:
        sessions = list(group.events.order_by("starts_at"))
        assert [event.starts_at for event in sessions] == [
            dt.datetime(2024, 5, 9, 15, tzinfo=UTC),
            dt.datetime(2024, 9, 12, 15, tzinfo=UTC),
            dt.datetime(2025, 2, 13, 15, tzinfo=UTC),
        ]
        assert all(event.kind == Event.Kind.MENTORING for event in sessions)
        assert all(event.duration == dt.timedelta(hours=1) for event in sessions)


def test_the_demo_queues_no_mail(db):
    _load_demo_command()
    _load_demo_command()
    assert not Email.objects.exists()
