"""The admin's cohort dates are typed and shown in the cohort's zone, and checked for order."""

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cohorts.models import Cohort

from ..factories import CohortFactory, ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _data(programme, **changes):
    data = {
        "programme": programme.pk,
        "name": "Circle 2031",
        "slug": "next-year-2031",
        "programme_start": "2031-04-01",
        "programme_end": "2032-03-31",
        "nominations_open_at_0": "2031-01-10",
        "nominations_open_at_1": "09:00:00",
        "nominations_deadline_0": "2031-02-15",
        "nominations_deadline_1": "23:59:00",
        "announcement_date": "2031-02-19",
        "capacity_min": "15",
        "capacity_max": "20",
        "time_zone": "America/New_York",
        "main_language": "en",
        "stipends_available": "0",
        "stipend_rule": "global_south",
        "themes-TOTAL_FORMS": "0",
        "themes-INITIAL_FORMS": "0",
        "themes-MIN_NUM_FORMS": "0",
        "themes-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_a_deadline_typed_in_the_admin_is_the_cohort_s_zone(admin_client):
    programme = ProgrammeFactory()
    response = admin_client.post(reverse("admin:cohorts_cohort_add"), _data(programme))
    assert response.status_code == 302
    cohort = Cohort.objects.get(slug="next-year-2031")
    assert cohort.nominations_deadline == dt.datetime(2031, 2, 15, 23, 59, tzinfo=NEW_YORK)
    page = admin_client.get(reverse("admin:cohorts_cohort_change", args=[cohort.pk]))
    assert 'value="23:59:00"' in page.content.decode()


def test_the_admin_refuses_a_programme_that_starts_before_the_results(admin_client):
    programme = ProgrammeFactory()
    response = admin_client.post(
        reverse("admin:cohorts_cohort_add"),
        _data(programme, programme_start="2031-01-01", programme_end="2031-12-31"),
    )
    assert response.status_code == 200
    assert "The programme cannot start before the results are out." in response.content.decode()
    assert not Cohort.objects.filter(slug="next-year-2031").exists()


def test_announcing_before_the_deadline_is_refused():
    cohort = CohortFactory.build(programme=ProgrammeFactory())
    cohort.announcement_date = (cohort.nominations_deadline - dt.timedelta(days=2)).date()
    with pytest.raises(ValidationError) as refused:
        cohort.full_clean()
    assert "announcement_date" in refused.value.message_dict
