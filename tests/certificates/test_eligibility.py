"""Eligibility: the attendance rule, its edges, and the facilitator's override."""

import datetime as dt

import pytest
from django.utils import timezone

from certificates import eligibility
from cohorts.models import MentoringGroup, Role
from sessions.models import Event
from tests.certificates.year import mark, past_sessions
from tests.factories import CertificateSettingsFactory, EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(cohort, facilitator, make_member):
    """Ten monthly sessions that took place, one person."""
    ana = make_member(cohort, display_name="Ana Silva")
    return {"events": past_sessions(cohort, 10), "ana": ana, "by": facilitator}


def row_of(cohort, person):
    return eligibility.eligibility_of(cohort=cohort, person=person)


def test_eligibility_exactly_at_threshold_is_eligible(cohort, year):
    mark(year["events"][:8], year["ana"], "present", by=year["by"])

    row = row_of(cohort, year["ana"])

    assert row.eligible
    assert (row.monthly_attended, row.monthly_total, row.monthly_needed) == (8, 10, 8)
    assert row.reason == "Attended 8 of 10 monthly sessions; needs 8."


def test_eligibility_one_below_threshold_is_not(cohort, year):
    mark(year["events"][:7], year["ana"], "present", by=year["by"])

    row = row_of(cohort, year["ana"])

    assert not row.eligible
    assert row.reason == "Attended 7 of 10 monthly sessions; needs 8."


def test_eligibility_with_zero_sessions_held_nobody_is_eligible(cohort, make_member):
    ana = make_member(cohort)
    EventFactory(cohort=cohort)  # next month: not held yet

    row = row_of(cohort, ana)

    assert not row.eligible
    assert (row.monthly_total, row.monthly_needed) == (0, 0)
    assert row.reason == "No monthly session has taken place yet."


def test_eligibility_counts_neither_cancelled_nor_future_sessions(cohort, year):
    events = year["events"]
    mark(events[:6], year["ana"], "present", by=year["by"])
    Event.objects.filter(pk__in=[e.pk for e in events[6:8]]).update(status="cancelled")
    EventFactory(cohort=cohort, starts_at=timezone.now() + dt.timedelta(days=3))

    row = row_of(cohort, year["ana"])

    # 8 held, needs ceil(0.75 * 8) = 6
    assert (row.monthly_attended, row.monthly_total, row.monthly_needed) == (6, 8, 6)
    assert row.eligible


def test_eligibility_excused_is_not_attendance_and_says_so(cohort, year):
    mark(year["events"][:7], year["ana"], "present", by=year["by"])
    mark(year["events"][7:9], year["ana"], "excused", by=year["by"])

    row = row_of(cohort, year["ana"])

    assert not row.eligible
    assert row.monthly_excused == 2
    assert row.reason == (
        "Attended 7 of 10 monthly sessions; needs 8. 2 excused absences do not count as attendance."
    )


def test_eligibility_override_makes_eligible_with_its_reason(cohort, year):
    mark(year["events"][:5], year["ana"], "present", by=year["by"])
    eligibility.set_override(
        cohort=cohort, person=year["ana"], eligible=True, reason="Hospital stay", by=year["by"]
    )

    row = row_of(cohort, year["ana"])

    assert row.eligible
    assert not row.by_rule
    assert row.reason.startswith("Made eligible by the facilitator: Hospital stay")
    assert "Attended 5 of 10" in row.reason


def test_eligibility_override_makes_not_eligible(cohort, year):
    mark(year["events"], year["ana"], "present", by=year["by"])
    eligibility.set_override(
        cohort=cohort, person=year["ana"], eligible=False, reason="Left the library", by=year["by"]
    )

    row = row_of(cohort, year["ana"])

    assert not row.eligible
    assert row.by_rule
    assert row.reason.startswith("Made not eligible by the facilitator: Left the library")

    eligibility.clear_override(cohort=cohort, person=year["ana"])
    assert row_of(cohort, year["ana"]).eligible


def test_eligibility_override_needs_a_reason(cohort, year):
    with pytest.raises(ValueError, match="needs a reason"):
        eligibility.set_override(
            cohort=cohort, person=year["ana"], eligible=True, reason="  ", by=year["by"]
        )


def test_eligibility_mentoring_minimum_counts_own_group_only(cohort, year, make_member):
    CertificateSettingsFactory(cohort=cohort, monthly_share=50, mentoring_minimum=2)
    mentor = make_member(cohort, Role.MENTOR)
    own = MentoringGroup.objects.create(cohort=cohort, name="A", mentor=mentor)
    other = MentoringGroup.objects.create(cohort=cohort, name="B", mentor=mentor)
    own.members.add(year["ana"])
    own_sessions = past_sessions(cohort, 2, kind=Event.Kind.MENTORING, group=own)
    other_sessions = past_sessions(cohort, 2, kind=Event.Kind.MENTORING, group=other)
    mark(year["events"][:5], year["ana"], "present", by=year["by"])
    mark(own_sessions[:1] + other_sessions, year["ana"], "present", by=year["by"])

    row = row_of(cohort, year["ana"])

    assert not row.eligible
    assert row.mentoring_attended == 1
    assert "Attended 1 mentoring session; needs 2." in row.reason

    mark(own_sessions[1:], year["ana"], "present", by=year["by"])
    assert row_of(cohort, year["ana"]).eligible


def test_eligibility_notes_the_conference(cohort, year):
    conference = past_sessions(cohort, 1, kind=Event.Kind.CONFERENCE)
    mark(conference, year["ana"], "present", by=year["by"])

    assert row_of(cohort, year["ana"]).attended_conference


def test_eligibility_for_cohort_is_one_row_per_participant_only(cohort, year, make_member):
    make_member(cohort, Role.MENTOR)
    ben = make_member(cohort, display_name="Ben Okafor")

    rows = eligibility.eligibility_for_cohort(cohort=cohort)

    assert [row.person for row in rows] == [year["ana"], ben]


def test_eligibility_for_cohort_takes_the_same_queries_at_two_sizes(
    cohort, facilitator, make_member, django_assert_num_queries
):
    events = past_sessions(cohort, 4)

    def count_for(size):
        for _ in range(size):
            mark(events[:3], make_member(cohort), "present", by=facilitator)
        with django_assert_num_queries(8) as captured:
            eligibility.eligibility_for_cohort(cohort=cohort)
        return len(captured.captured_queries)

    assert count_for(5) == count_for(25)
