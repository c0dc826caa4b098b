"""Attendance: the cohort's grid, recording by facilitators and mentors, one's own record."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Membership, MentoringGroup, Role
from metlib.models import User
from sessions import attendance
from sessions.models import Attendance, Event
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

APRIL_9 = dt.datetime(2024, 4, 9, 13, 0, tzinfo=dt.UTC)


@pytest.fixture
def setup(cohort, facilitator, make_member):
    ana = make_member(cohort, display_name="Ana Silva")
    ben = make_member(cohort, display_name="Ben Okafor")
    mentor = make_member(cohort, Role.MENTOR, display_name="Mia Mentor")
    group = MentoringGroup.objects.create(cohort=cohort, name="Group A", mentor=mentor)
    group.members.add(ana)
    monthly = EventFactory(
        cohort=cohort, starts_at=APRIL_9, ends_at=APRIL_9 + dt.timedelta(hours=2)
    )
    mentoring = EventFactory(
        cohort=cohort,
        kind=Event.Kind.MENTORING,
        mentoring_group=group,
        title="Group A mentoring",
    )
    return {
        "cohort": cohort,
        "facilitator": facilitator,
        "ana": ana,
        "ben": ben,
        "mentor": mentor,
        "group": group,
        "monthly": monthly,
        "mentoring": mentoring,
    }


def statuses():
    return dict(Attendance.objects.values_list("person__display_name", "status"))


def test_facilitator_records_and_clears(setup):
    s = setup
    attendance.record_attendance(
        event=s["monthly"],
        by=s["facilitator"],
        marks={s["ana"].pk: "present", s["ben"].pk: "excused"},
    )
    assert statuses() == {"Ana Silva": "present", "Ben Okafor": "excused"}
    attendance.record_attendance(event=s["monthly"], by=s["facilitator"], marks={s["ben"].pk: ""})
    assert statuses() == {"Ana Silva": "present"}


def test_facilitator_grid_page_saves(client, setup):
    s = setup
    client.force_login(s["facilitator"])
    url = reverse("calendar:attendance", kwargs={"cohort_slug": s["cohort"].slug})
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<h1>") == 1
    assert "9 April 2024" in html  # dates with the year
    assert '<select name="mark-' not in html  # one session at a time, on its own page
    response = client.post(
        url,
        {
            f"mark-{s['monthly'].pk}-{s['ana'].pk}": "absent",
            f"mark-{s['mentoring'].pk}-{s['ana'].pk}": "present",
        },
        follow=True,
    )
    assert "2 marks saved." in response.content.decode()
    assert Attendance.objects.get(event=s["mentoring"]).recorded_by == s["facilitator"]


def test_mentor_records_own_group_only(client, setup, make_member):
    s = setup
    attendance.record_attendance(
        event=s["mentoring"], by=s["mentor"], marks={s["ana"].pk: "present"}
    )
    assert statuses() == {"Ana Silva": "present"}
    with pytest.raises(PermissionDenied):
        attendance.record_attendance(
            event=s["monthly"], by=s["mentor"], marks={s["ana"].pk: "absent"}
        )
    other_mentor = make_member(s["cohort"], Role.MENTOR)
    with pytest.raises(PermissionDenied):
        attendance.record_attendance(event=s["mentoring"], by=other_mentor, marks={})
    with pytest.raises(attendance.AttendanceProblem):  # Ben is not in the group
        attendance.record_attendance(
            event=s["mentoring"], by=s["mentor"], marks={s["ben"].pk: "absent"}
        )

    client.force_login(s["mentor"])
    url = reverse("calendar:attendance", kwargs={"cohort_slug": s["cohort"].slug})
    html = client.get(url).content.decode()
    own = reverse(
        "calendar:attendance_session",
        kwargs={"cohort_slug": s["cohort"].slug, "pk": s["mentoring"].pk},
    )
    assert own in html
    assert "Group A mentoring" in html
    assert s["monthly"].title not in html
    sheet = client.get(own).content.decode()
    assert f"mark-{s['mentoring'].pk}-{s['ana'].pk}" in sheet
    assert "Ben Okafor" not in sheet
    response = client.post(url, {f"mark-{s['monthly'].pk}-{s['ana'].pk}": "absent"})
    assert response.status_code == 403
    assert statuses() == {"Ana Silva": "present"}


def test_participant_sees_own_record_and_no_grid(client, setup):
    s = setup
    attendance.record_attendance(
        event=s["monthly"],
        by=s["facilitator"],
        marks={s["ana"].pk: "present", s["ben"].pk: "absent"},
    )
    client.force_login(s["ana"])
    slug = s["cohort"].slug
    assert (
        client.get(reverse("calendar:attendance", kwargs={"cohort_slug": slug})).status_code == 403
    )
    page = client.get(reverse("calendar:attendance_mine", kwargs={"cohort_slug": slug}))
    assert page.status_code == 200
    record = page.context["record"]
    assert [(e.event, e.status) for e in record.entries] == [
        (s["monthly"], "present"),
        (s["mentoring"], ""),
    ]
    assert ("present", "Present", 1) in record.counts
    assert record.unrecorded == 1
    client.force_login(s["ben"])
    record = client.get(reverse("calendar:attendance_mine", kwargs={"cohort_slug": slug})).context[
        "record"
    ]
    assert [(e.event, e.status) for e in record.entries] == [(s["monthly"], "absent")]
    client.force_login(s["mentor"])
    assert (
        client.get(reverse("calendar:attendance_mine", kwargs={"cohort_slug": slug})).status_code
        == 403
    )


@pytest.mark.parametrize("bad", ["late", "outsider"])
def test_bad_post_changes_nothing(client, setup, make_member, bad):
    s = setup
    attendance.record_attendance(
        event=s["monthly"], by=s["facilitator"], marks={s["ana"].pk: "present"}
    )
    person = make_member(s["cohort"], Role.ADVISOR) if bad == "outsider" else s["ben"]
    client.force_login(s["facilitator"])
    url = reverse("calendar:attendance", kwargs={"cohort_slug": s["cohort"].slug})
    data = {
        f"mark-{s['monthly'].pk}-{s['ana'].pk}": "absent",
        f"mark-{s['monthly'].pk}-{person.pk}": "late" if bad == "late" else "present",
    }
    html = client.post(url, data, follow=True).content.decode()
    assert "Nothing was saved" in html
    assert statuses() == {"Ana Silva": "present"}


def _grow(cohort, count, start):
    users = User.objects.bulk_create(
        [
            User(email=f"bulk{start + i}@example.org", display_name=f"P {start + i}")
            for i in range(count)
        ]
    )
    Membership.objects.bulk_create(
        [Membership(user=u, cohort=cohort, role=Role.PARTICIPANT) for u in users]
    )
    return users


def test_grid_queries_constant(setup, django_assert_num_queries):
    s = setup
    cohort = s["cohort"]
    now = timezone.now()
    EventFactory(
        cohort=cohort,
        status=Event.Status.CANCELLED,
        starts_at=now,
        ends_at=now + dt.timedelta(hours=1),
    )
    users = _grow(cohort, 3, 0)  # 5 participants in all
    Attendance.objects.bulk_create(
        [
            Attendance(event=s["monthly"], person=u, status="present", recorded_by=s["facilitator"])
            for u in users
        ]
    )
    facilitator = User.objects.get(pk=s["facilitator"].pk)
    with django_assert_num_queries(5) as small:
        grid = attendance.attendance_grid(cohort=cohort, viewer=facilitator)
    assert len(grid.rows) == 5
    assert len(grid.columns) == 2
    more = _grow(cohort, 195, 3)
    Attendance.objects.bulk_create(
        [
            Attendance(event=s["monthly"], person=u, status="absent", recorded_by=s["facilitator"])
            for u in more
        ]
    )
    facilitator = User.objects.get(pk=s["facilitator"].pk)
    with django_assert_num_queries(len(small.captured_queries)):
        grid = attendance.attendance_grid(cohort=cohort, viewer=facilitator)
    assert len(grid.rows) == 200
    assert sum(1 for row in grid.rows if row.cells[0].status) == 198


def test_participants_record_is_built_where_compound_queries_refuse_ordering(setup, monkeypatch):
    # SQLite (the embedded default) refuses ORDER BY inside the parts of a UNION; Django
    # raises for a database without that feature before the query runs, so this holds there.
    monkeypatch.setattr(connection.features, "supports_slicing_ordering_in_compound", False)
    s = setup

    record = attendance.record_of(person=s["ana"], cohort=s["cohort"])

    assert [entry.event for entry in record.entries] == [s["monthly"], s["mentoring"]]
