import datetime as dt

import pytest
from django.urls import reverse

from cohorts.models import Role

from ..factories import CohortFactory, UserFactory


@pytest.fixture
def open_and_upcoming(db):
    open_call = CohortFactory(name="Circle Open Now")
    upcoming = CohortFactory(name="Circle Opens Later")
    upcoming.nominations_open_at = open_call.nominations_deadline + dt.timedelta(days=30)
    upcoming.nominations_deadline = upcoming.nominations_open_at + dt.timedelta(days=30)
    upcoming.save()
    closed = CohortFactory(name="Circle Closed")
    closed.nominations_open_at = open_call.nominations_open_at - dt.timedelta(days=400)
    closed.nominations_deadline = closed.nominations_open_at + dt.timedelta(days=30)
    closed.save()
    return open_call, upcoming, closed


def test_home_shows_visitor_open_calls_and_sign_in(client, open_and_upcoming):
    page = client.get(reverse("home")).content.decode()
    assert "Circle Open Now" in page
    assert "Circle Opens Later" in page
    assert "Circle Closed" not in page
    assert reverse("account_login") in page


@pytest.mark.parametrize(
    ("role", "sentence"),
    [
        (Role.FACILITATOR, "Run the cohort"),
        (Role.ADVISOR, "Review the nominations assigned to you"),
        (Role.MENTOR, "See your mentoring group"),
        (Role.PARTICIPANT, "Your year"),
    ],
)
def test_home_sends_each_member_to_their_cohort(client, cohort, make_member, role, sentence):
    client.force_login(make_member(cohort, role))
    page = client.get(reverse("home")).content.decode()
    assert sentence in page
    assert reverse("circle:detail", args=[cohort.slug]) in page


def test_home_tells_a_newcomer_how_to_nominate(client, open_and_upcoming):
    client.force_login(UserFactory())
    page = client.get(reverse("home")).content.decode()
    assert "not a member of any cohort yet" in page
    assert "Circle Open Now" in page


def test_home_shows_deadline_in_viewer_and_cohort_zone(client, cohort):
    user = UserFactory(time_zone="Asia/Kolkata")
    client.force_login(user)
    page = client.get(reverse("home")).content.decode()
    assert "Asia/Kolkata" in page
    assert "America/New_York" in page


@pytest.mark.parametrize("count", [1, 12])
def test_home_queries_do_not_grow_with_cohorts(
    client, django_assert_num_queries, make_member, count
):
    user = UserFactory()
    for _ in range(count):
        make_member(CohortFactory(), Role.PARTICIPANT, email=user.email)
    client.force_login(user)
    with django_assert_num_queries(8):  # + next event, open evaluations, programmes managed
        assert client.get(reverse("home")).status_code == 200


def test_home_sends_a_nominator_to_their_nominations(client, cohort):
    from ..factories import NominationFactory

    nomination = NominationFactory(cohort=cohort, candidate_name="Ñúñez Candidate")
    client.force_login(nomination.nominator)
    page = client.get(reverse("home")).content.decode()
    assert "Ñúñez Candidate" in page
    assert reverse("nominations:detail", args=[nomination.pk]) in page
