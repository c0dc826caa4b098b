"""The issue's journey, through the pages: a programme manager starts the next cohort from a
finished one and appoints a facilitator by email; the facilitator signs in with the mailed
code, invites an advisor and publishes the call after previewing it; the public call page
shows the copied texts and the deadline in the cohort's zone exactly as typed."""

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from cohorts.models import Cohort, Membership, Role, StipendRule
from metlib.models import Email

from ..factories import CallFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_next_year_without_a_developer(client, cohort, django_capture_on_commit_callbacks):
    CallFactory(cohort=cohort, introduction="Our own words about the programme.")
    cohort.stipend_rule = StipendRule.ANYONE  # another programme's call, another promise
    cohort.save()
    manager = UserFactory(email="manager@example.org")
    cohort.programme.managers.add(manager)
    client.force_login(manager)

    home = client.get(reverse("home")).content.decode()
    programme_url = reverse("cohorts:programme", kwargs={"programme_slug": cohort.programme.slug})
    assert programme_url in home
    next_url = reverse("circle:next_cohort", kwargs={"cohort_slug": cohort.slug})
    assert next_url in client.get(programme_url).content.decode()
    client.post(
        next_url,
        {
            "name": "Learning Circle 2031",
            "slug": "next-year-2031",
            "nominations_open_at": "2031-01-10T09:00",
            "nominations_deadline": "2031-02-15T23:59",
            "announcement_date": "2031-02-19",
            "programme_start": "2031-04-01",
            "programme_end": "2032-03-31",
            "capacity_min": "15",
            "capacity_max": "20",
            "copy_call": "on",
            "copy_themes": "on",
        },
    )
    new = Cohort.objects.get(slug="next-year-2031")
    assert new.stipend_rule == StipendRule.ANYONE  # the stipend rule carries over
    team_url = reverse("cohorts:team", kwargs={"cohort_slug": new.slug})
    client.post(team_url, {"email": "new.facilitator@example.org", "role": "facilitator"})
    invitation = Email.objects.get(to="new.facilitator@example.org")
    assert "/accounts/login/code/" in invitation.body_text

    facilitator = Client()
    with django_capture_on_commit_callbacks(execute=True):
        facilitator.post(
            reverse("account_request_login_code"), {"email": "new.facilitator@example.org"}
        )
    code_mail = Email.objects.filter(to="new.facilitator@example.org").latest("pk")
    code = re.search(r"^([A-Z0-9-]{6,})$", code_mail.body_text, re.MULTILINE).group(1)
    facilitator.post(reverse("account_confirm_login_code"), {"code": code})
    cohort_page = facilitator.get(new.get_absolute_url()).content.decode()
    assert team_url in cohort_page
    facilitator.post(team_url, {"email": "advisor@example.org", "role": "advisor"})
    assert Membership.objects.filter(
        cohort=new, user__email="advisor@example.org", role=Role.ADVISOR
    ).exists()

    call_url = reverse("nominations:call", kwargs={"cohort_slug": new.slug})
    assert Client().get(call_url).status_code == 404  # a preview until published
    assert call_url in facilitator.get(new.get_absolute_url()).content.decode()
    assert "Preview: this call" in facilitator.get(call_url).content.decode()
    facilitator.post(reverse("nominations:call_publish", kwargs={"cohort_slug": new.slug}))
    page = Client().get(call_url).content.decode()
    assert "Our own words about the programme." in page
    assert "Jan. 10, 2031, 9 a.m." in page  # opens, as typed in New York
    assert "America/New_York" in page
    with time_machine.travel(dt.datetime(2031, 1, 20, tzinfo=dt.UTC)):
        page = Client().get(call_url).content.decode()
    assert "Feb. 15, 2031, 11:59 p.m." in page  # the deadline, as typed
