"""'Start next year's cohort': dates typed in the cohort's zone and checked for order; the
call, its criteria, the themes and the team copied; participants never carried over."""

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse

from certificates.models import CertificateSettings, Signatory
from cohorts.models import Cohort, Membership, Role
from nominations.models import Call, Criterion
from sessions.models import CalendarSettings

from ..factories import CallFactory, CriterionFactory, ThemeFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


@pytest.fixture
def manager(cohort):
    person = UserFactory(email="manager@example.org")
    cohort.programme.managers.add(person)
    return person


def next_url(cohort):
    return reverse("circle:next_cohort", kwargs={"cohort_slug": cohort.slug})


def form(**changes):
    data = {
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
        "carry_team": "on",
        "copy_reminders": "on",
        "copy_certificate": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_the_page_offers_next_year_s_dates_in_the_cohort_s_zone(client, cohort, manager):
    client.force_login(manager)
    html = client.get(next_url(cohort)).content.decode()
    opens = cohort.nominations_open_at.astimezone(NEW_YORK)
    assert opens.replace(year=opens.year + 1).strftime("%Y-%m-%dT%H:%M") in html
    assert "America/New_York" in html


def test_a_manager_starts_next_year_with_the_call_themes_and_team_copied(
    client, cohort, manager, facilitator, make_member
):
    CallFactory(
        cohort=cohort,
        introduction="Our programme, in our words.",
        introduction_fr="Notre programme, en nos mots.",
    )
    CriterionFactory(cohort=cohort, name="Project")
    ThemeFactory(cohort=cohort, name="Green libraries")
    make_member(cohort, Role.PARTICIPANT)
    advisor = make_member(cohort, Role.ADVISOR)
    client.force_login(manager)
    response = client.post(next_url(cohort), form(), follow=True)
    new = Cohort.objects.get(slug="next-year-2031")
    assert response.redirect_chain[-1][0] == new.get_absolute_url()
    assert new.time_zone == cohort.time_zone
    assert new.programme == cohort.programme
    # Typed 23:59 in New York: stored as 04:59 UTC the next day, shown as typed.
    assert new.nominations_deadline == dt.datetime(2031, 2, 15, 23, 59, tzinfo=NEW_YORK)
    assert Call.objects.get(cohort=new).introduction == "Our programme, in our words."
    assert Call.objects.get(cohort=new).introduction_fr == "Notre programme, en nos mots."
    assert list(Criterion.objects.filter(cohort=new).values_list("name", flat=True)) == ["Project"]
    assert list(new.themes.values_list("name", flat=True)) == ["Green libraries"]
    roles = set(Membership.objects.filter(cohort=new).values_list("user_id", "role"))
    assert roles == {(facilitator.pk, Role.FACILITATOR), (advisor.pk, Role.ADVISOR)}


def the_certificate_and_reminders_of(cohort):
    CalendarSettings.objects.create(cohort=cohort, reminder_offsets=[3 * 24 * 60, 60])
    CertificateSettings.objects.create(
        cohort=cohort,
        monthly_share=80,
        mentoring_minimum=2,
        title="Certificate of completion",
        statement="A year of the MetLib Learning Circle.",
        logo="certificates/logos/metlib.png",
    )
    Signatory.objects.create(
        cohort=cohort,
        name="Ines Chair",
        title="Chair",
        signature="certificates/signatures/ines.png",
        position=1,
    )


def test_the_reminders_and_the_certificate_are_copied(client, cohort, manager):
    the_certificate_and_reminders_of(cohort)
    client.force_login(manager)
    client.post(next_url(cohort), form())
    new = Cohort.objects.get(slug="next-year-2031")
    assert not new.call_is_published  # a preview until its facilitator publishes it
    assert CalendarSettings.objects.get(cohort=new).reminder_offsets == [3 * 24 * 60, 60]
    copied = CertificateSettings.objects.get(cohort=new)
    assert (copied.monthly_share, copied.mentoring_minimum) == (80, 2)
    assert copied.title == "Certificate of completion"
    assert copied.statement == "A year of the MetLib Learning Circle."
    assert copied.logo.name == "certificates/logos/metlib.png"
    signatory = Signatory.objects.get(cohort=new)
    assert (signatory.name, signatory.title, signatory.position) == ("Ines Chair", "Chair", 1)
    assert signatory.signature.name == "certificates/signatures/ines.png"
    assert Signatory.objects.filter(cohort=cohort).count() == 1  # the old one kept


def test_nothing_is_copied_when_unticked(client, cohort, manager, facilitator):
    CallFactory(cohort=cohort)
    ThemeFactory(cohort=cohort)
    the_certificate_and_reminders_of(cohort)
    client.force_login(manager)
    client.post(
        next_url(cohort),
        form(
            copy_call=None,
            copy_themes=None,
            carry_team=None,
            copy_reminders=None,
            copy_certificate=None,
        ),
    )
    new = Cohort.objects.get(slug="next-year-2031")
    assert not Call.objects.filter(cohort=new).exists()
    assert not new.themes.exists()
    assert not new.memberships.exists()
    assert not CalendarSettings.objects.filter(cohort=new).exists()
    assert not CertificateSettings.objects.filter(cohort=new).exists()
    assert not Signatory.objects.filter(cohort=new).exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"nominations_deadline": "2031-01-01T09:00"}, "nominations_deadline", "after the opening"),
        ({"announcement_date": "2031-02-01"}, "announcement_date", "before the deadline"),
        ({"programme_start": "2031-02-18"}, "programme_start", "before the results are out"),
        ({"programme_end": "2031-03-01"}, "programme_end", "end before it starts"),
        ({"capacity_max": "3"}, "capacity_max", "below the minimum"),
        ({"slug": "programmes"}, "slug", "address of another page"),
        ({"nominations_open_at": "yesterday"}, "nominations_open_at", "Enter a valid"),
        ({"capacity_min": "-4"}, "capacity_min", "greater than or equal to 1"),
    ],
)
def test_a_wrong_plan_is_refused_keeping_what_was_typed(
    client, cohort, manager, changes, field, message
):
    client.force_login(manager)
    response = client.post(next_url(cohort), form(**changes))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'value="Learning Circle 2031"' in html
    assert not Cohort.objects.filter(slug="next-year-2031").exists()


def test_a_taken_address_is_refused(client, cohort, manager):
    client.force_login(manager)
    response = client.post(next_url(cohort), form(slug=cohort.slug))
    assert response.status_code == 400
    assert "Another cohort has this address." in response.content.decode()


def test_a_facilitator_may_not_start_next_year(client, cohort, facilitator):
    client.force_login(facilitator)
    assert client.get(next_url(cohort)).status_code == 403
    assert client.post(next_url(cohort), form()).status_code == 403


def test_the_cohort_page_links_the_manager_to_next_year(client, cohort, manager):
    client.force_login(manager)
    html = client.get(cohort.get_absolute_url()).content.decode()
    assert next_url(cohort) in html
