"""A schedule from a rule, single changes, and the facilitator's calendar pages."""

import zoneinfo
from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohorts.models import Role
from sessions import schedule
from sessions.models import Event
from tests.factories import CohortFactory, EventFactory

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
UTC = zoneinfo.ZoneInfo("UTC")

# The 2024 call's timeline (day/month), the second Tuesdays; its "4/3" is a first Tuesday.
TIMELINE = [
    date(2024, 4, 9),
    date(2024, 5, 14),
    date(2024, 6, 11),
    date(2024, 7, 9),
    date(2024, 9, 10),
    date(2024, 10, 8),
    date(2024, 11, 12),
    date(2024, 12, 10),
    date(2025, 1, 14),
    date(2025, 2, 11),
    date(2025, 3, 11),
]


def second_tuesdays(**changes) -> schedule.Rule:
    fields = {
        "nth": 2,
        "weekday": 1,
        "time": time(9, 0),
        "zone": "America/New_York",
        "first_month": date(2024, 4, 1),
        "last_month": date(2025, 3, 1),
        "skip_months": frozenset({8}),
    }
    return schedule.Rule(**{**fields, **changes})


def test_the_calls_timeline_from_a_rule():
    dates = schedule.dates_for(second_tuesdays())
    assert [occurrence.local_date for occurrence in dates] == TIMELINE
    assert all(o.starts_at.time() == time(9, 0) for o in dates)
    assert all(o.ends_at - o.starts_at == timedelta(hours=2) for o in dates)
    assert [(s.month, s.reason) for s in dates.skipped] == [(date(2024, 8, 1), "skipped, as asked")]


def test_local_time_kept_across_clock_changes_and_utc_moves():
    rule = second_tuesdays(first_month=date(2024, 3, 1), last_month=date(2024, 11, 30))
    by_month = {o.starts_at.month: o.starts_at for o in schedule.dates_for(rule)}
    for month in (3, 4, 11):
        assert by_month[month].astimezone(NEW_YORK).time() == time(9, 0)
    assert by_month[3].astimezone(UTC).hour == 13  # 12 March 2024: already summer time
    assert by_month[4].astimezone(UTC).hour == 13
    assert by_month[11].astimezone(UTC).hour == 14  # 12 November: winter time again
    winter = schedule.dates_for(
        second_tuesdays(first_month=date(2024, 1, 1), last_month=date(2024, 2, 1))
    )
    assert {o.starts_at.astimezone(UTC).hour for o in winter} == {14}


def test_months_without_a_fifth_tuesday_are_reported():
    dates = schedule.dates_for(second_tuesdays(nth=5, skip_months=frozenset()))
    # Fifth Tuesdays from April 2024 to March 2025: 30 April, 30 July, 29 October, 31 December.
    assert [o.local_date for o in dates] == [
        date(2024, 4, 30),
        date(2024, 7, 30),
        date(2024, 10, 29),
        date(2024, 12, 31),
    ]
    reported = {s.month: s.reason for s in dates.skipped}
    assert len(reported) == 8
    assert reported[date(2024, 5, 1)] == "this month has no fifth Tuesday"


def test_last_weekday():
    dates = schedule.dates_for(second_tuesdays(nth=-1, skip_months=frozenset()))
    assert dates[0].local_date == date(2024, 4, 30)
    assert dates[1].local_date == date(2024, 5, 28)


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"skip_months": frozenset(range(1, 13))}, "skip_months", "Every month"),
        ({"last_month": date(2024, 3, 31)}, "last_month", "before the first"),
        ({"zone": "America/Gotham"}, "zone", "not a time zone we know"),
        ({"zone": "../etc/passwd"}, "zone", "not a time zone we know"),
        ({"nth": 6}, "nth", "fifth"),
        ({"nth": 0}, "nth", "fifth"),
        ({"skip_months": frozenset({13})}, "skip_months", "1 to 12"),
        (
            {"nth": 5, "first_month": date(2024, 5, 1), "last_month": date(2024, 6, 1)},
            None,
            "no dates at all",
        ),
    ],
)
def test_rules_refused(changes, field, words):
    with pytest.raises(schedule.RuleProblem) as refused:
        schedule.dates_for(second_tuesdays(**changes))
    assert refused.value.field == field
    assert words in refused.value.message


def test_a_time_the_clocks_skip_is_reported():
    rule = second_tuesdays(
        weekday=6, time=time(2, 30), first_month=date(2024, 3, 1), last_month=date(2024, 4, 1)
    )
    dates = schedule.dates_for(rule)
    assert [o.local_date for o in dates] == [date(2024, 4, 14)]
    assert "the clocks change" in dates.skipped[0].reason


@pytest.mark.django_db
def test_create_then_move_the_first_tuesday_of_march(facilitator, cohort):
    created = schedule.create_events(
        cohort=cohort, rule=second_tuesdays(), by=facilitator, title_pattern="Session {n}: {month}"
    )
    assert len(created) == 11
    assert created[0].title == "Session 1: April 2024"
    march = created[-1]
    assert march.starts_at == datetime(2025, 3, 11, 13, 0, tzinfo=UTC)
    # The call's timeline says 4/3: the facilitator moves that one session.
    moved = schedule.move_event(
        event=march,
        starts_at=datetime(2025, 3, 4, 9, 0, tzinfo=NEW_YORK),
        ends_at=datetime(2025, 3, 4, 11, 0, tzinfo=NEW_YORK),
        by=facilitator,
    )
    assert moved.status == Event.Status.MOVED
    assert moved.sequence == 1
    assert moved.uid == march.uid
    assert moved.starts_at.astimezone(UTC).hour == 14  # 4 March: still winter time
    dates = [e.starts_at.astimezone(NEW_YORK).date() for e in Event.objects.filter(cohort=cohort)]
    assert dates == [*TIMELINE[:-1], date(2025, 3, 4)]
    assert Event.objects.filter(cohort=cohort, status=Event.Status.SCHEDULED).count() == 10


@pytest.mark.django_db
def test_creating_twice_duplicates_nothing_and_overlaps_warn(facilitator, cohort):
    other = EventFactory(
        cohort=cohort,
        title="Guest talk",
        starts_at=datetime(2024, 5, 14, 10, 0, tzinfo=NEW_YORK),
        ends_at=datetime(2024, 5, 14, 12, 0, tzinfo=NEW_YORK),
    )
    first = schedule.create_events(
        cohort=cohort, rule=second_tuesdays(), by=facilitator, title_pattern="Session {n}"
    )
    assert len(first) == 11
    assert [(new.title, old) for new, old in first.overlaps] == [("Session 2", other)]
    again = schedule.create_events(
        cohort=cohort, rule=second_tuesdays(), by=facilitator, title_pattern="Session {n}"
    )
    assert list(again) == []
    assert len(again.duplicates) == 11
    assert Event.objects.filter(cohort=cohort).count() == 12


@pytest.mark.django_db
def test_cancel_keeps_the_event(facilitator, cohort):
    event = EventFactory(cohort=cohort)
    schedule.cancel_event(event=event, by=facilitator)
    event.refresh_from_db()
    assert event.status == Event.Status.CANCELLED
    assert event.sequence == 1
    schedule.cancel_event(event=event, by=facilitator)  # twice changes nothing
    event.refresh_from_db()
    assert event.sequence == 1
    with pytest.raises(schedule.RuleProblem):
        schedule.move_event(
            event=event,
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            by=facilitator,
        )


@pytest.mark.django_db
def test_move_and_add_refuse_bad_times(facilitator, cohort):
    event = EventFactory(cohort=cohort)
    with pytest.raises(schedule.RuleProblem) as refused:
        schedule.move_event(
            event=event, starts_at=event.starts_at, ends_at=event.starts_at, by=facilitator
        )
    assert refused.value.field == "ends_at"
    with pytest.raises(schedule.RuleProblem) as refused:
        schedule.add_event(
            cohort=cohort,
            title="Twin",
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            by=facilitator,
        )
    assert refused.value.field == "starts_at"


# The pages


def urls(cohort, event):
    slug = cohort.slug
    return [
        ("get", reverse("calendar:overview", kwargs={"cohort_slug": slug})),
        ("get", reverse("calendar:generate", kwargs={"cohort_slug": slug})),
        ("get", reverse("calendar:add", kwargs={"cohort_slug": slug})),
        ("get", reverse("calendar:move", kwargs={"cohort_slug": slug, "pk": event.pk})),
        ("post", reverse("calendar:cancel", kwargs={"cohort_slug": slug, "pk": event.pk})),
    ]


@pytest.mark.django_db
def test_anonymous_visitors_go_to_login(client, cohort):
    event = EventFactory(cohort=cohort)
    for method, url in urls(cohort, event):
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.ADVISOR])
def test_others_in_the_cohort_are_refused(client, cohort, make_member, role):
    event = EventFactory(cohort=cohort)
    client.force_login(make_member(cohort, role))
    for method, url in urls(cohort, event):
        assert getattr(client, method)(url).status_code == 403
    event.refresh_from_db()
    assert event.status == Event.Status.SCHEDULED


@pytest.mark.django_db
def test_a_facilitator_of_another_cohort_is_refused(client, cohort, make_member):
    event = EventFactory(cohort=cohort)
    client.force_login(make_member(CohortFactory(), Role.FACILITATOR))
    for method, url in urls(cohort, event):
        assert getattr(client, method)(url).status_code == 403


@pytest.mark.django_db
def test_the_overview_shows_both_zones_and_status(client, cohort, facilitator):
    facilitator.time_zone = "Europe/Helsinki"
    facilitator.save()
    moved = EventFactory(
        cohort=cohort, title="Moved one", starts_at=datetime(2024, 4, 9, 13, 0, tzinfo=UTC)
    )
    moved.status = Event.Status.MOVED
    moved.save()
    client.force_login(facilitator)
    response = client.get(reverse("calendar:overview", kwargs={"cohort_slug": cohort.slug}))
    html = response.content.decode()
    assert html.count("<h1>") == 1
    assert "Moved one" in html
    assert 'datetime="2024-04-09T13:00:00+00:00"' in html
    assert "America/New_York" in html
    assert "Moved" in html
    assert reverse("calendar:move", kwargs={"cohort_slug": cohort.slug, "pk": moved.pk}) in html
    detail = client.get(reverse("circle:detail", kwargs={"cohort_slug": cohort.slug}))
    assert (
        reverse("calendar:overview", kwargs={"cohort_slug": cohort.slug}) in detail.content.decode()
    )


@pytest.mark.django_db
def test_the_overview_queries_do_not_grow(client, cohort, facilitator, django_assert_num_queries):
    client.force_login(facilitator)
    url = reverse("calendar:overview", kwargs={"cohort_slug": cohort.slug})
    EventFactory.create_batch(5, cohort=cohort)
    with CaptureQueriesContext(connection) as five:
        assert client.get(url).status_code == 200
    EventFactory.create_batch(55, cohort=cohort)
    with django_assert_num_queries(len(five.captured_queries)):
        response = client.get(url)
    assert (
        response.content.decode().count("<tr class") + response.content.decode().count("<tr>") >= 60
    )


def rule_data(**changes):
    data = {
        "nth": "2",
        "weekday": "1",
        "time": "09:00",
        "zone": "America/New_York",
        "duration": "120",
        "first_month": "2024-04",
        "last_month": "2025-03",
        "skip_months": ["8"],
        "kind": "monthly",
        "title_pattern": "Session {n}",
    }
    return {**data, **changes}


@pytest.mark.django_db
def test_preview_then_create(client, cohort, facilitator):
    client.force_login(facilitator)
    url = reverse("calendar:generate", kwargs={"cohort_slug": cohort.slug})
    page = client.get(url)
    assert page.status_code == 200
    assert 'value="America/New_York"' in page.content.decode()
    preview = client.post(url, {**rule_data(), "preview": "1"})
    assert preview.status_code == 200
    html = preview.content.decode()
    assert html.count('datetime="2024-') >= 8
    assert "skipped, as asked" in html
    assert not Event.objects.exists()
    created = client.post(url, {**rule_data(), "create": "1"})
    assert created.status_code == 302
    assert Event.objects.filter(cohort=cohort).count() == 11


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"zone": "Mars/Olympus"}, "not a time zone we know"),
        ({"last_month": "2024-01"}, "before the first"),
        (
            {"skip_months": [str(m) for m in range(1, 13)]},
            "Every month from the first to the last is skipped",
        ),
        ({"nth": "5", "first_month": "2024-05", "last_month": "2024-06"}, "no dates at all"),
    ],
)
def test_rejected_rules_keep_every_value(client, cohort, facilitator, changes, words):
    client.force_login(facilitator)
    url = reverse("calendar:generate", kwargs={"cohort_slug": cohort.slug})
    data = rule_data(**changes)
    response = client.post(url, {**data, "create": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert words in html
    assert f'value="{data["zone"]}"' in html
    assert f'value="{data["last_month"]}"' in html
    assert 'value="Session {n}"' in html
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_move_cancel_and_add_pages(client, cohort, facilitator):
    client.force_login(facilitator)
    event = EventFactory(cohort=cohort, starts_at=datetime(2025, 3, 11, 13, 0, tzinfo=UTC))
    move = reverse("calendar:move", kwargs={"cohort_slug": cohort.slug, "pk": event.pk})
    page = client.get(move).content.decode()
    assert page.count("<h1>") == 1
    assert 'value="2025-03-11T09:00"' in page  # in the cohort's zone
    add_page = client.get(reverse("calendar:add", kwargs={"cohort_slug": cohort.slug}))
    assert add_page.status_code == 200
    bad = client.post(move, {"starts_at": "2025-03-04T09:00", "ends_at": "2025-03-04T08:00"})
    assert bad.status_code == 200
    assert "The end must come after the start." in bad.content.decode()
    assert 'value="2025-03-04T08:00"' in bad.content.decode()
    times = {"starts_at": "2025-03-04T09:00", "ends_at": "2025-03-04T11:00"}
    assert client.post(move, times).status_code == 200  # the confirmation page
    good = client.post(move, {**times, "confirm": "1"})
    assert good.status_code == 302
    event.refresh_from_db()
    assert event.starts_at == datetime(2025, 3, 4, 14, 0, tzinfo=UTC)
    assert (event.status, event.sequence) == (Event.Status.MOVED, 1)

    cancel = reverse("calendar:cancel", kwargs={"cohort_slug": cohort.slug, "pk": event.pk})
    assert client.get(cancel).status_code == 200
    assert client.post(cancel).status_code == 302
    event.refresh_from_db()
    assert (event.status, event.sequence) == (Event.Status.CANCELLED, 2)

    add = reverse("calendar:add", kwargs={"cohort_slug": cohort.slug})
    response = client.post(
        add,
        {
            "title": "Conference",
            "kind": "conference",
            "starts_at": "2024-10-06T09:00",
            "ends_at": "2024-10-10T17:00",
        },
    )
    assert response.status_code == 302
    conference = Event.objects.get(title="Conference")
    assert conference.starts_at == datetime(2024, 10, 6, 13, 0, tzinfo=UTC)
