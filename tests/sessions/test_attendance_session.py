"""Attendance in a minute: one session at a time, "everyone present", then the exceptions;
a page of one line a person, with a flat number of queries at 18 and 180 participants."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohorts.models import Membership, MentoringGroup, Role
from metlib.models import User
from sessions.models import Attendance, Event
from tests.factories import EventFactory, UserFactory

from .test_attendance import APRIL_9, setup  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def sheet_url(event):
    return reverse(
        "calendar:attendance_session", kwargs={"cohort_slug": event.cohort.slug, "pk": event.pk}
    )


def statuses(event):
    return dict(
        Attendance.objects.filter(event=event).values_list("person__display_name", "status")
    )


def test_everyone_present_then_the_exceptions(client, setup):  # noqa: F811
    s = setup
    client.force_login(s["facilitator"])
    url = sheet_url(s["monthly"])
    page = client.get(url).content.decode()
    assert page.count("<h1>") == 1
    assert '<label for="mark-' in page
    assert "2 not recorded yet" in page
    Attendance.objects.create(
        event=s["monthly"], person=s["ben"], status="excused", recorded_by=s["facilitator"]
    )
    done = client.post(url, {"everyone_present": "1"}, follow=True)
    assert "1 mark saved." in done.content.decode()
    assert statuses(s["monthly"]) == {"Ana Silva": "present", "Ben Okafor": "excused"}
    client.post(url, {f"mark-{s['monthly'].pk}-{s['ana'].pk}": "absent"})
    assert statuses(s["monthly"]) == {"Ana Silva": "absent", "Ben Okafor": "excused"}


def test_a_group_session_lists_its_members_only_and_mentor_records_it(client, setup):  # noqa: F811
    s = setup
    client.force_login(s["mentor"])
    page = client.get(sheet_url(s["mentoring"])).content.decode()
    assert "Ana Silva" in page
    assert "Ben Okafor" not in page
    client.post(sheet_url(s["mentoring"]), {"everyone_present": "1"})
    assert statuses(s["mentoring"]) == {"Ana Silva": "present"}
    assert client.get(sheet_url(s["monthly"])).status_code == 403
    assert client.post(sheet_url(s["monthly"]), {"everyone_present": "1"}).status_code == 403


@pytest.mark.parametrize(
    "data",
    [
        {"mark-1-1": "late"},
        {"mark-999999-1": "present"},
        {"mark-x-y": "present", "everyone": ["a", "b"]},
        {"mark-%(event)s-999999": "present"},
    ],
)
def test_bad_posts_change_nothing_and_never_fail(client, setup, data):  # noqa: F811
    s = setup
    client.force_login(s["facilitator"])
    data = {key % {"event": s["monthly"].pk} if "%" in key else key: v for key, v in data.items()}
    response = client.post(sheet_url(s["monthly"]), data, follow=True)
    assert response.status_code == 200
    assert not Attendance.objects.exists()


def test_a_cancelled_session_records_nothing(client, setup):  # noqa: F811
    s = setup
    Event.objects.filter(pk=s["monthly"].pk).update(status=Event.Status.CANCELLED)
    client.force_login(s["facilitator"])
    response = client.post(sheet_url(s["monthly"]), {"everyone_present": "1"}, follow=True)
    assert "Nothing was saved" in response.content.decode()
    assert not Attendance.objects.exists()


def _participants(cohort, count):
    users = UserFactory.create_batch(count)
    Membership.objects.bulk_create(
        [Membership(user=u, cohort=cohort, role=Role.PARTICIPANT) for u in users]
    )


def _year(cohort):
    for month in range(11):
        starts = APRIL_9 + dt.timedelta(days=28 * month)
        EventFactory(cohort=cohort, starts_at=starts, ends_at=starts + dt.timedelta(hours=2))


@pytest.mark.parametrize("page", ["overview", "session"])
def test_queries_flat_at_18_and_180_participants(
    client, cohort, facilitator, django_assert_num_queries, page
):
    _year(cohort)
    event = Event.objects.first()

    def url():
        if page == "overview":
            return reverse("calendar:attendance", kwargs={"cohort_slug": cohort.slug})
        return sheet_url(event)

    client.force_login(User.objects.get(pk=facilitator.pk))
    _participants(cohort, 18)
    client.get(url())  # warm the session and the cohort's caches
    with CaptureQueriesContext(connection) as small:
        response = client.get(url())
    assert response.status_code == 200
    _participants(cohort, 162)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url())
    if page == "session":
        assert response.content.decode().count('<select name="mark-') == 180
    else:
        assert response.content.decode().count("not recorded: 180") == 11


def test_the_sessions_page_counts_only_who_can_be_marked(client, setup, make_member):  # noqa: F811
    s = setup
    carla = make_member(s["cohort"], display_name="Carla Former")
    marks = [
        (s["monthly"], s["ana"], "present"),
        (s["monthly"], s["ben"], "absent"),
        (s["monthly"], carla, "excused"),  # no longer a participant below: not counted
        (s["mentoring"], s["ana"], "present"),
        (s["mentoring"], s["ben"], "absent"),  # not in the group: not counted
    ]
    Attendance.objects.bulk_create(
        Attendance(event=e, person=p, status=status, recorded_by=s["facilitator"])
        for e, p, status in marks
    )
    Membership.objects.filter(user=carla).delete()
    url = reverse("calendar:attendance", kwargs={"cohort_slug": s["cohort"].slug})
    client.force_login(s["facilitator"])
    html = client.get(url).content.decode()
    monthly, mentoring = html.split(s["monthly"].title)[1].split("Group A mentoring")
    assert "Present: 1 · Excused: 0 · Absent: 1 · not recorded: 0" in monthly
    assert "Present: 1 · Excused: 0 · Absent: 0 · not recorded: 0" in mentoring
    client.force_login(s["mentor"])
    html = client.get(url).content.decode()
    assert "Present: 1 · Excused: 0 · Absent: 0 · not recorded: 0" in html
    assert s["monthly"].title not in html
    sheet = client.get(sheet_url(s["mentoring"])).content.decode()
    assert sheet.count('<select name="mark-') == 1
    assert '<option value="present" selected>' in sheet


@pytest.mark.parametrize("page", ["overview", "session"])
@pytest.mark.parametrize("who", ["facilitator", "mentor"])
def test_queries_flat_with_mentoring_groups(
    client, cohort, facilitator, make_member, django_assert_num_queries, page, who
):
    """18 then 180 participants, a tenth in a mentor's group, 11 monthly sessions and one
    group mentoring session, every mark recorded: the same few queries (PostgreSQL counts)."""
    _year(cohort)
    mentor = make_member(cohort, Role.MENTOR)
    group = MentoringGroup.objects.create(cohort=cohort, name="Group B", mentor=mentor)
    mentoring = EventFactory(cohort=cohort, kind=Event.Kind.MENTORING, mentoring_group=group)
    viewer = facilitator if who == "facilitator" else mentor

    def grow(count):
        _participants(cohort, count)
        people = list(
            User.objects.filter(memberships__cohort=cohort, memberships__role="participant")
        )
        group.members.set(people[: len(people) // 10])
        Attendance.objects.all().delete()
        Attendance.objects.bulk_create(
            Attendance(event=event, person=person, status="present", recorded_by=facilitator)
            for event in Event.objects.filter(cohort=cohort)
            for person in (group.members.all() if event == mentoring else people)
        )

    url = (
        reverse("calendar:attendance", kwargs={"cohort_slug": cohort.slug})
        if page == "overview"
        else sheet_url(mentoring)
    )
    client.force_login(User.objects.get(pk=viewer.pk))
    grow(18)
    client.get(url)  # warm the session and the cohort's caches
    with CaptureQueriesContext(connection) as small:
        response = client.get(url)
    assert response.status_code == 200
    # the signed-in person, the cohort, their roles, then the page's own: the sessions page
    # reads the events, the participants with the groups' members, and the marks; a sheet
    # its event and its people with their marks.
    assert len(small.captured_queries) <= (6 if page == "overview" else 5)
    grow(162)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    html = response.content.decode()
    if page == "session":
        assert html.count('<select name="mark-') == 18
        assert html.count("selected>") == 18 + 1  # every mark, and the language
    else:
        assert "Present: 18 · Excused: 0 · Absent: 0 · not recorded: 0" in html
        if who == "facilitator":
            assert html.count("Present: 180 · Excused: 0 · Absent: 0 · not recorded: 0") == 11
