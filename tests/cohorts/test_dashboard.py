"""The facilitator's dashboard: the stage rule, rights, what it counts, the mail retry and its
constant number of queries."""

import datetime as dt
from dataclasses import dataclass, field

import pytest
import time_machine
from django.urls import reverse

from circle.dashboard import (
    Stage,
    _figures_by_orm,
    cohort_dashboard,
    cohort_failed_mail,
    cohort_stage,
)
from cohorts.models import MentoringGroup, Role
from metlib.models import Email
from nominations.models import Review, Selection
from sessions.models import Attendance, Event
from sessions.reminders import reminder_key
from tests.factories import (
    CohortFactory,
    EventFactory,
    LibraryFactory,
    MembershipFactory,
    NominationFactory,
    ReviewFactory,
    SelectionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

UTC = dt.UTC
NOW = dt.datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
COUNTRIES = ("FI", "BR", "KE", "IN", "US")
NOMINATION_STATUSES = ("submitted", "under_review", "accepted", "declined", "withdrawn")


def year_cohort(**fields):
    """A cohort whose call ran in autumn 2024 and whose programme runs through 2025."""
    return CohortFactory(
        nominations_open_at=dt.datetime(2024, 9, 1, tzinfo=UTC),
        nominations_deadline=dt.datetime(2024, 10, 31, 23, 0, tzinfo=UTC),
        announcement_date=dt.date(2024, 11, 30),
        programme_start=dt.date(2025, 1, 1),
        programme_end=dt.date(2025, 12, 31),
        time_zone="Europe/Helsinki",
        **fields,
    )


def at(month: int, day: int, hour: int = 13) -> dt.datetime:
    return dt.datetime(2025, month, day, hour, 0, tzinfo=UTC)


@dataclass
class Year:
    cohort: object
    facilitator: object
    participants: list = field(default_factory=list)
    mentor: object = None
    group: object = None
    monthly: list = field(default_factory=list)
    upcoming: list = field(default_factory=list)
    mentoring: object = None
    failed_member_mail: object = None
    failed_outsider_mail: object = None


def build_year(*, nominations: int, participants: int, cohort=None) -> Year:
    """A running cohort: published selection, participants from five countries, a mentoring
    group, three past monthly sessions with attendance, three to come (the first within a
    week, its reminders partly sent), and failed mail to a member and to an outsider."""
    cohort = cohort or year_cohort()
    facilitator = UserFactory(display_name="Fay Facilitator")
    MembershipFactory(user=facilitator, cohort=cohort, role=Role.FACILITATOR)
    advisor = UserFactory(display_name="Ada Advisor")
    MembershipFactory(user=advisor, cohort=cohort, role=Role.ADVISOR)
    SelectionFactory(
        cohort=cohort,
        review_opened_at=dt.datetime(2024, 11, 1, tzinfo=UTC),
        published_at=dt.datetime(2024, 11, 30, tzinfo=UTC),
    )
    for i in range(nominations):
        status = NOMINATION_STATUSES[i % len(NOMINATION_STATUSES)]
        nomination = NominationFactory(cohort=cohort, status=status)
        if status == "under_review":
            ReviewFactory(nomination=nomination, advisor=advisor)  # owed
    year = Year(cohort=cohort, facilitator=facilitator)
    for i in range(participants):
        library = LibraryFactory(country=COUNTRIES[i % len(COUNTRIES)])
        user = UserFactory(display_name=f"Participant {i:03d}")
        membership = MembershipFactory(user=user, cohort=cohort, library=library)
        year.participants.append(user)
        if i % 2 == 0:
            NominationFactory(
                cohort=cohort,
                library=library,
                status="accepted",
                candidate_email=user.email,
                project_title=f"Project of participant {i}",
                participant=membership,
            )
    year.mentor = UserFactory(display_name="Mo Mentor")
    MembershipFactory(user=year.mentor, cohort=cohort, role=Role.MENTOR)
    year.group = MentoringGroup.objects.create(cohort=cohort, name="Group A", mentor=year.mentor)
    year.group.members.set(year.participants[: max(1, participants // 2)])
    for month, day in ((1, 14), (2, 11), (2, 25)):
        year.monthly.append(
            EventFactory(
                cohort=cohort,
                title=f"Session {month}/{day}",
                starts_at=at(month, day),
                ends_at=at(month, day, 15),
            )
        )
    EventFactory(
        cohort=cohort,
        title="Cancelled session",
        starts_at=at(2, 18),
        ends_at=at(2, 18, 15),
        status=Event.Status.CANCELLED,
    )
    year.mentoring = EventFactory(
        cohort=cohort,
        kind=Event.Kind.MENTORING,
        mentoring_group=year.group,
        title="Group A mentoring",
        starts_at=at(2, 20),
        ends_at=at(2, 20, 14),
    )
    for month, day in ((3, 5), (4, 8), (5, 13)):
        year.upcoming.append(
            EventFactory(
                cohort=cohort,
                title=f"Session {month}/{day}",
                starts_at=at(month, day),
                ends_at=at(month, day, 15),
            )
        )
    EventFactory(
        cohort=cohort,
        kind=Event.Kind.MENTORING,
        mentoring_group=year.group,
        title="Group A mentoring, spring",
        starts_at=at(3, 20),
        ends_at=at(3, 20, 14),
    )
    marks = []
    for event in year.monthly:
        for i, person in enumerate(year.participants):
            status = ("present", "present", "excused", "absent")[i % 4]
            marks.append(
                Attendance(event=event, person=person, status=status, recorded_by=facilitator)
            )
    for person in year.group.members.all():
        marks.append(
            Attendance(
                event=year.mentoring, person=person, status="present", recorded_by=facilitator
            )
        )
    Attendance.objects.bulk_create(marks)
    first = year.upcoming[0]
    Email.objects.bulk_create(
        Email(
            key=reminder_key(event=first, person=person, offset=dt.timedelta(days=7)),
            to=person.email,
            subject=f"Reminder: {first.title}",
            body_text="…",
            status="sent" if i % 2 == 0 else "pending",
        )
        for i, person in enumerate(year.participants)
    )
    year.failed_member_mail = Email.objects.create(
        key=f"test:failed:{year.participants[0].pk}",
        to=year.participants[0].email.upper(),
        subject="Your invitation",
        body_text="…",
        status="failed",
        attempts=5,
        last_error="SMTPRecipientsRefused",
    )
    year.failed_outsider_mail = Email.objects.create(
        key=f"test:failed:outsider:{cohort.pk}",
        to=f"someone{cohort.pk}@elsewhere.example",
        subject="Somebody else's mail",
        body_text="…",
        status="failed",
        attempts=5,
    )
    return year


def url(cohort, name="circle:dashboard"):
    return reverse(name, kwargs={"cohort_slug": cohort.slug})


# --- The stage rule --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "review_opened", "published", "first_event", "expected"),
    [
        (dt.datetime(2024, 8, 1, tzinfo=UTC), False, False, None, Stage.OPEN),
        (dt.datetime(2024, 10, 1, tzinfo=UTC), False, False, None, Stage.OPEN),
        (dt.datetime(2024, 10, 1, tzinfo=UTC), True, False, None, Stage.REVIEW),
        (dt.datetime(2024, 11, 2, tzinfo=UTC), False, False, None, Stage.REVIEW),
        (dt.datetime(2024, 12, 1, tzinfo=UTC), True, True, at(1, 14), Stage.SELECTED),
        (
            dt.datetime(2024, 12, 20, tzinfo=UTC),
            True,
            True,
            dt.datetime(2024, 12, 15, tzinfo=UTC),
            Stage.RUNNING,
        ),
        (
            dt.datetime(2024, 12, 20, tzinfo=UTC),
            True,
            False,
            dt.datetime(2024, 12, 15, tzinfo=UTC),
            Stage.REVIEW,
        ),
        (dt.datetime(2025, 1, 2, tzinfo=UTC), False, False, None, Stage.RUNNING),
        (dt.datetime(2025, 12, 31, 21, 0, tzinfo=UTC), True, True, at(1, 14), Stage.RUNNING),
        # 1 January 2026 has begun in Helsinki, the cohort's zone, at 22:00 UTC
        (dt.datetime(2025, 12, 31, 22, 30, tzinfo=UTC), True, True, at(1, 14), Stage.FINISHED),
    ],
)
def test_stage_follows_dates_selection_and_events(
    now, review_opened, published, first_event, expected
):
    cohort = year_cohort()
    selection = Selection(
        cohort=cohort,
        review_opened_at=dt.datetime(2024, 9, 30, tzinfo=UTC) if review_opened else None,
        published_at=dt.datetime(2024, 11, 30, tzinfo=UTC) if published else None,
    )
    assert (
        cohort_stage(cohort=cohort, selection=selection, first_event_at=first_event, now=now)
        == expected
    )


def test_stage_without_selection_row_is_open_before_the_deadline():
    cohort = year_cohort()
    now = dt.datetime(2024, 9, 15, tzinfo=UTC)
    assert cohort_stage(cohort=cohort, selection=None, first_event_at=None, now=now) == Stage.OPEN


# --- Rights ----------------------------------------------------------------------------------


def test_dashboard_anonymous_goes_to_login(client, cohort):
    for name in ("circle:dashboard", "circle:roster_csv", "circle:attendance_csv"):
        response = client.get(url(cohort, name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.MENTOR, Role.ADVISOR])
def test_dashboard_refused_to_other_roles(client, cohort, make_member, role):
    client.force_login(make_member(cohort, role))
    for name in ("circle:dashboard", "circle:roster_csv", "circle:attendance_csv"):
        assert client.get(url(cohort, name)).status_code == 403


def test_dashboard_refused_to_facilitator_of_another_cohort(client, cohort, make_member):
    other = CohortFactory()
    client.force_login(make_member(other, Role.FACILITATOR))
    for name in ("circle:dashboard", "circle:roster_csv", "circle:attendance_csv"):
        assert client.get(url(cohort, name)).status_code == 403


def test_dashboard_unknown_cohort_is_404(client, facilitator):
    client.force_login(facilitator)
    response = client.get(reverse("circle:dashboard", kwargs={"cohort_slug": "no-such"}))
    assert response.status_code == 404


# --- What it shows ---------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_dashboard_shows_stage_counts_reminders_and_links(client):
    year = build_year(nominations=10, participants=4)
    client.force_login(year.facilitator)
    response = client.get(url(year.cohort))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1>") == 1
    assert '<li class="stage stage-current" aria-current="step">\n        Running' in html
    # 10 nominations in the cycle, plus the 2 accepted ones that enrolled participants
    assert "12 nominations by status" in html
    board = cohort_dashboard(cohort=year.cohort)
    counts = {t.label: t.count for t in board.nominations}
    assert counts == {
        "Draft": 0,
        "Submitted": 2,
        "Under review": 2,
        "Accepted": 4,
        "Waitlisted": 0,
        "Declined": 2,
        "Withdrawn": 2,
    }
    assert board.reviews_owed == 2
    assert board.participants == 4
    assert {t.label: t.count for t in board.continents} == {
        "Europe": 1,
        "South America": 1,
        "Africa": 1,
        "Asia": 1,
    }
    assert len(board.countries) == 4
    assert "Finland (1)" in html
    # the next event's reminders: 2 of 4 sent, 2 waiting, for everyone in the cohort (7)
    assert "2 sent, 2 waiting to be sent, for 7 people" in html
    assert [u.event.title for u in board.next_events] == [
        "Session 3/5",
        "Group A mentoring, spring",
        "Session 4/8",
    ]
    # the mentoring session reaches the group (2), its mentor, the facilitator and advisor
    assert board.next_events[1].concerned == 5
    # attendance: 2 of 4 present at each monthly session; the cancelled one is left out
    assert [
        (line.present, line.excused, line.absent, line.rate) for line in board.event_attendance
    ] == [(2, 1, 1, 50)] * 3
    assert "Cancelled session" not in html
    assert 'role="img"' in html
    assert "Attendance per event: the numbers" in html
    rates = {line.label: line.rate for line in board.participant_attendance}
    assert rates == {
        "Participant 000": 100,  # three sessions and the group's mentoring
        "Participant 001": 100,
        "Participant 002": 0,
        "Participant 003": 0,
    }
    assert board.groups[0].members == 2
    assert board.groups[0].next_event.title == "Group A mentoring, spring"
    # the group's one past mentoring session: both members present
    group_line = board.groups[0].attendance
    assert (group_line.present, group_line.excused, group_line.absent) == (2, 0, 0)
    assert (group_line.unrecorded, group_line.rate) == (0, 100)
    assert board.certificates_issued == 0
    assert board.certificates_eligible == 2
    for name in (
        "nominations:pipeline",
        "nominations:selection_overview",
        "calendar:overview",
        "calendar:attendance",
        "circle:mentoring",
        "calendar:presenters",
        "certificates:eligibility",
        "circle:roster_csv",
        "circle:attendance_csv",
    ):
        assert f'href="{url(year.cohort, name)}"' in html


@time_machine.travel(NOW, tick=False)
def test_dashboard_lists_only_failed_mail_of_the_cohort(client):
    year = build_year(nominations=2, participants=2)
    other = build_year(nominations=1, participants=1)
    client.force_login(year.facilitator)
    html = client.get(url(year.cohort)).content.decode()
    assert "Your invitation" in html
    assert year.failed_member_mail.to in html
    assert "Somebody else" not in html
    assert other.participants[0].email.upper() not in html


def test_failed_mail_is_traced_to_the_cohort_by_each_address_in_any_case(cohort, make_member):
    member = make_member(cohort, email="member@library.example")
    nominator = UserFactory(email="account@library.example")
    NominationFactory(
        cohort=cohort,
        nominator=nominator,
        nominator_email="Director@Library.example",
        candidate_email="candidate@library.example",
    )
    NominationFactory(candidate_email="elsewhere@library.example")  # another cohort's

    def failed(to):
        return Email.objects.create(
            key=f"k:{to}", to=to, subject="s", body_text="b", status="failed"
        )

    ours = {
        failed(member.email.upper()).pk,
        failed("CANDIDATE@library.example").pk,
        failed("director@library.example").pk,
        failed("Account@Library.Example").pk,
    }
    failed("elsewhere@library.example")
    failed("nobody@library.example")
    Email.objects.create(key="sent", to=member.email, subject="s", body_text="b", status="sent")

    assert set(cohort_failed_mail(cohort=cohort).values_list("pk", flat=True)) == ours
    assert {row[0] for row in cohort_dashboard(cohort=cohort).figures["failed_mail"]} == ours


@time_machine.travel(NOW, tick=False)
def test_dashboard_retry_requeues_a_failed_mail(client):
    year = build_year(nominations=2, participants=2)
    client.force_login(year.facilitator)
    response = client.post(
        reverse(
            "circle:dashboard_retry_mail",
            kwargs={"cohort_slug": year.cohort.slug, "email_id": year.failed_member_mail.pk},
        )
    )
    assert response.status_code == 302
    assert response["Location"] == url(year.cohort) + "#mail"
    mail = Email.objects.get(pk=year.failed_member_mail.pk)
    assert (mail.status, mail.attempts, mail.last_error) == ("pending", 0, "")
    page = client.get(response["Location"]).content.decode()
    assert "The mail is queued again" in page
    assert "Your invitation" not in page


@time_machine.travel(NOW, tick=False)
def test_dashboard_retry_leaves_mail_of_others_alone(client):
    year = build_year(nominations=2, participants=2)
    client.force_login(year.facilitator)
    response = client.post(
        reverse(
            "circle:dashboard_retry_mail",
            kwargs={"cohort_slug": year.cohort.slug, "email_id": year.failed_outsider_mail.pk},
        ),
        follow=True,
    )
    assert "That mail is not waiting for a retry." in response.content.decode()
    assert Email.objects.get(pk=year.failed_outsider_mail.pk).status == "failed"


def test_dashboard_retry_refuses_get_and_participants(client, cohort, make_member):
    participant = make_member(cohort)
    mail = Email.objects.create(
        key="k", to=participant.email, subject="s", body_text="b", status="failed"
    )
    target = reverse(
        "circle:dashboard_retry_mail", kwargs={"cohort_slug": cohort.slug, "email_id": mail.pk}
    )
    client.force_login(participant)
    assert client.post(target).status_code == 403
    facilitator = make_member(cohort, Role.FACILITATOR)
    client.force_login(facilitator)
    assert client.get(target).status_code == 405
    assert Email.objects.get(pk=mail.pk).status == "failed"


@time_machine.travel(NOW, tick=False)
def test_dashboard_of_a_new_cohort_says_what_is_missing(client, cohort, facilitator):
    client.force_login(facilitator)
    html = client.get(url(cohort)).content.decode()
    assert "No event is coming up." in html
    assert "No mentoring groups yet." in html
    assert "No mail has failed." in html
    assert "No session has taken place yet." in html


# --- Queries ---------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_dashboard_queries_constant(client, django_assert_num_queries):
    small = build_year(nominations=5, participants=3)
    client.force_login(small.facilitator)
    with django_assert_num_queries(3) as captured:
        assert client.get(url(small.cohort)).status_code == 200
    large = build_year(nominations=60, participants=30)
    client.force_login(large.facilitator)
    with django_assert_num_queries(len(captured.captured_queries)):
        response = client.get(url(large.cohort))
    html = response.content.decode()
    assert "75 nominations by status" in html  # 60 and the 15 accepted of the participants
    assert html.count('<th scope="row">Participant 0') == 30
    assert Review.objects.filter(nomination__cohort=large.cohort, status="assigned").count() == 12


@time_machine.travel(NOW, tick=False)
def test_dashboard_figures_on_sqlite_take_the_same_queries_at_two_sizes(
    django_assert_num_queries,
):
    """The ORM path SQLite runs (the embedded default), measured here on PostgreSQL: its
    count does not grow with nominations, participants or events."""
    small = build_year(nominations=5, participants=3)
    with django_assert_num_queries(18) as captured:
        _figures_by_orm(cohort=small.cohort)
    large = build_year(nominations=60, participants=30)
    with django_assert_num_queries(len(captured.captured_queries)):
        figures = _figures_by_orm(cohort=large.cohort)
    assert len(figures["members"]) > 30


def test_home_links_facilitators_to_the_dashboard_and_participants_to_their_year(
    client, cohort, facilitator, make_member
):
    client.force_login(facilitator)
    html = client.get(reverse("home")).content.decode()
    assert f'href="{url(cohort)}"' in html
    assert f'href="{url(cohort, "circle:year")}"' not in html
    client.force_login(make_member(cohort, Role.PARTICIPANT))
    html = client.get(reverse("home")).content.decode()
    assert f'href="{url(cohort, "circle:year")}"' in html
    assert f'href="{url(cohort)}"' not in html
    detail = client.get(url(cohort, "circle:detail")).content.decode()
    assert f'href="{url(cohort, "circle:year")}"' in detail


@time_machine.travel(NOW, tick=False)
def test_dashboard_counts_afresh_on_every_visit(client):
    year = build_year(nominations=2, participants=2)
    client.force_login(year.facilitator)
    assert "3 nominations by status" in client.get(url(year.cohort)).content.decode()
    NominationFactory(cohort=year.cohort, status="submitted")
    assert "4 nominations by status" in client.get(url(year.cohort)).content.decode()


@time_machine.travel(NOW, tick=False)
def test_dashboard_seen_by_one_never_hands_out_their_csrf_token(client, make_member):
    year = build_year(nominations=1, participants=1)
    client.force_login(year.facilitator)
    client.get(url(year.cohort))
    other = make_member(year.cohort, Role.FACILITATOR)
    client.force_login(other)
    page = client.get(url(year.cohort))
    html = page.content.decode()
    token = html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert "csrf field" not in html
    from django.middleware.csrf import _unmask_cipher_token

    assert _unmask_cipher_token(token) == client.cookies["csrftoken"].value
