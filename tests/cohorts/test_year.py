"""The participant's year: their own next event, schedule, group, presenting, attendance,
feed and certificate, for any member, in a constant number of queries."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from certificates.models import Certificate
from cohorts.models import Role
from sessions.models import PreparationItem
from tests.cohorts.test_dashboard import NOW, build_year
from tests.factories import CohortFactory, UserFactory

pytestmark = pytest.mark.django_db


def url(cohort):
    return reverse("circle:year", kwargs={"cohort_slug": cohort.slug})


def test_year_anonymous_goes_to_login(client, cohort):
    response = client.get(url(cohort))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_year_refused_to_people_outside_the_cohort(client, cohort, make_member):
    client.force_login(make_member(CohortFactory(), Role.PARTICIPANT))
    assert client.get(url(cohort)).status_code == 403
    client.force_login(make_member(CohortFactory(), Role.FACILITATOR))
    assert client.get(url(cohort)).status_code == 403
    client.force_login(UserFactory())
    assert client.get(url(cohort)).status_code == 403


@time_machine.travel(NOW, tick=False)
def test_year_shows_the_participants_own_things(client):
    year = build_year(nominations=2, participants=4)
    ana = year.participants[0]  # in the group, present at everything
    ana.time_zone = "America/Sao_Paulo"
    ana.save(update_fields=["time_zone"])
    upcoming = year.upcoming[0]
    PreparationItem.objects.create(
        event=upcoming, title="Read the city's library strategy", url="https://example.org/s"
    )
    year.upcoming[1].presenters.add(ana)
    Certificate.objects.create(cohort=year.cohort, person=ana, name="Ana")
    client.force_login(ana)
    response = client.get(url(year.cohort))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1>") == 1
    # next event, in her zone (UTC-3) with the cohort's (Helsinki, UTC+2) beside it
    next_section = html.split('id="next-heading"')[1].split("</section>")[0]
    assert "Session 3/5" in next_section
    assert "10:00" in next_section or "10 a.m." in next_section
    assert "Europe/Helsinki" in next_section
    assert "https://video.example/metlib" in next_section
    assert "Read the city&#x27;s library strategy" in next_section
    # group and mentor, presenting, feed, certificate
    assert "Group A" in html
    assert "Mo Mentor" in html
    presenting = html.split('id="presenting-heading"')[1].split("</section>")[0]
    assert "Session 4/8" in presenting
    assert reverse("feeds:subscribe") in html
    assert reverse("certificates:mine", kwargs={"cohort_slug": year.cohort.slug}) in html
    # attendance: three monthly sessions and the group's mentoring, all present
    attendance = html.split('id="attendance-heading"')[1].split("</section>")[0]
    assert attendance.count("<td>Present</td>") == 4
    assert "Cancelled session" not in attendance
    # the whole schedule lists the cancelled session as cancelled
    schedule = html.split('id="schedule-heading"')[1].split("</section>")[0]
    assert "<del>Cancelled session</del>" in schedule


@time_machine.travel(NOW, tick=False)
def test_year_of_someone_outside_the_group_hides_its_sessions(client):
    year = build_year(nominations=1, participants=4)
    dan = year.participants[3]  # not in the group; absent at every session
    client.force_login(dan)
    html = client.get(url(year.cohort)).content.decode()
    assert "Group A mentoring" not in html
    assert "You are not in a mentoring group yet." in html
    attendance = html.split('id="attendance-heading"')[1].split("</section>")[0]
    assert attendance.count("<td>Absent</td>") == 3
    assert "Your certificate is not ready yet" in html
    assert "You are not presenting at any session yet." in html


@time_machine.travel(NOW, tick=False)
def test_year_queries_constant(client, django_assert_num_queries):
    small = build_year(nominations=2, participants=3)
    client.force_login(small.participants[0])
    with django_assert_num_queries(11) as captured:  # + the evaluation, if any
        assert client.get(url(small.cohort)).status_code == 200
    large = build_year(nominations=5, participants=30)
    for event in large.upcoming:
        for i in range(5):
            PreparationItem.objects.create(event=event, title=f"Reading {i}")
        event.presenters.add(*large.participants[:3])
    client.force_login(large.participants[0])
    with django_assert_num_queries(len(captured.captured_queries)):
        response = client.get(url(large.cohort))
    assert "Reading 4" in response.content.decode()


@time_machine.travel(NOW + dt.timedelta(days=400), tick=False)
def test_year_after_the_end_has_no_next_event(client):
    with time_machine.travel(NOW, tick=False):
        year = build_year(nominations=1, participants=2)
    client.force_login(year.participants[1])
    html = client.get(url(year.cohort)).content.decode()
    assert "No event is coming up for you." in html
