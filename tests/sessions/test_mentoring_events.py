"""Mentoring groups in the calendar: from the facilitator's pages, single events and
series from a rule for one group; only that group, its mentor and the cohort's
facilitators and advisors are invited and see them."""

import zoneinfo

import pytest
from django.urls import reverse

from cohorts.models import MentoringGroup, Role
from metlib.models import Email
from sessions.feeds import events_for_person
from sessions.models import Event
from tests.factories import CohortFactory, UserFactory

from .test_schedule import rule_data

UTC = zoneinfo.ZoneInfo("UTC")

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(cohort, make_member):
    mentor = make_member(cohort, Role.MENTOR)
    group = MentoringGroup.objects.create(cohort=cohort, name="Group A", mentor=mentor)
    group.members.add(make_member(cohort, Role.PARTICIPANT))
    return group


@pytest.fixture
def outsider(cohort, make_member):
    return make_member(cohort, Role.PARTICIPANT)


def invited():
    return set(Email.objects.values_list("to", flat=True))


def test_a_single_session_for_one_group(
    client, cohort, facilitator, group, outsider, django_capture_on_commit_callbacks
):
    client.force_login(facilitator)
    url = reverse("calendar:add", kwargs={"cohort_slug": cohort.slug})
    assert "Group A" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "title": "Group A meets",
                "kind": "monthly",
                "mentoring_group": group.pk,
                "starts_at": "2024-05-09T10:00",
                "ends_at": "2024-05-09T11:00",
            },
        )
    assert response.status_code == 302
    event = Event.objects.get()
    assert (event.kind, event.mentoring_group) == (Event.Kind.MENTORING, group)
    member = group.members.get()
    assert invited() == {member.email, group.mentor.email, facilitator.email}
    assert event in events_for_person(person=member)
    assert event not in events_for_person(person=outsider)


def test_a_series_for_one_group_and_another_group_at_the_same_time(
    client, cohort, facilitator, group, make_member, django_capture_on_commit_callbacks
):
    client.force_login(facilitator)
    url = reverse("calendar:generate", kwargs={"cohort_slug": cohort.slug})
    series = rule_data(
        mentoring_group=str(group.pk), first_month="2024-05", last_month="2024-07", skip_months=[]
    )
    preview = client.post(url, {**series, "preview": "1"})
    assert preview.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {**series, "create": "1"}).status_code == 302
    assert Event.objects.filter(mentoring_group=group, kind=Event.Kind.MENTORING).count() == 3
    assert Email.objects.filter(to=group.mentor.email).count() == 1  # one mail for the series

    other = MentoringGroup.objects.create(
        cohort=cohort, name="Group B", mentor=make_member(cohort, Role.MENTOR)
    )
    client.post(url, {**series, "mentoring_group": str(other.pk), "create": "1"})
    assert Event.objects.filter(mentoring_group=other).count() == 3  # not duplicates of A's


def test_another_cohorts_group_is_refused_with_the_form_kept(client, cohort, facilitator):
    elsewhere = CohortFactory()
    foreign = MentoringGroup.objects.create(cohort=elsewhere, name="Far", mentor=UserFactory())
    client.force_login(facilitator)
    url = reverse("calendar:add", kwargs={"cohort_slug": cohort.slug})
    data = {
        "title": "Sneaky",
        "kind": "mentoring",
        "mentoring_group": foreign.pk,
        "starts_at": "2024-05-09T10:00",
        "ends_at": "2024-05-09T11:00",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert 'value="Sneaky"' in response.content.decode()
    assert not Event.objects.exists()
    bad = client.post(url, {**data, "mentoring_group": "not a number"})
    assert bad.status_code == 200
