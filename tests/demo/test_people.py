import datetime as dt
import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.urls import reverse
from django_countries import countries

from cohorts.models import Cohort, Library, Membership, Programme, Role, Theme
from demo.people import COHORT_SLUG, DEMO_PASSWORD, FACILITATOR_EMAIL, LIBRARIES, PEOPLE, load_demo
from metlib.models import User

from .loading import load_demo_command as _load_demo_command

DEMO_MODELS = (Programme, Cohort, Theme, Library, User, EmailAddress, Membership)
LOGIN_LINE = re.compile(
    r"^Sign in at (?P<url>\S+) as (?P<email>\S+) with password (?P<password>\S+)$"
)


def _rows():
    return {
        model.__name__: sorted(model.objects.values_list("pk", flat=True)) for model in DEMO_MODELS
    }


@pytest.mark.django_db
def test_load_demo_twice_keeps_exactly_the_same_rows():
    load_demo()
    first = _rows()
    load_demo()

    assert _rows() == first
    assert len(first["Library"]) == len(LIBRARIES)
    # Participants come by selection; the demo's other cohorts have members of their own.
    people = Membership.objects.filter(cohort__slug=COHORT_SLUG).exclude(role=Role.PARTICIPANT)
    assert people.count() == len(PEOPLE)
    assert set(people.values_list("user__email", flat=True)) == {p.email for p in PEOPLE}
    assert User.objects.filter(email="admin@demo.metlib.example").exists()
    for user in User.objects.all():
        assert list(EmailAddress.objects.filter(user=user).values_list("email", flat=True)) == [
            user.email
        ]


@pytest.mark.django_db
def test_load_demo_command_twice_keeps_exactly_the_same_rows():
    _load_demo_command()
    first = _rows()
    _load_demo_command()

    assert _rows() == first


@pytest.mark.django_db
def test_load_demo_spreads_libraries_across_the_world():
    result = load_demo()

    libraries = Library.objects.all()
    codes = {str(library.country) for library in libraries}
    assert result.libraries == libraries.count() >= 30
    assert result.countries == len(codes) >= 12
    assert result.continents >= 5
    assert all(code in countries for code in codes)
    assert {"KE", "NG", "BR", "CO", "PH", "IN"} <= codes
    small = libraries.filter(city_population__lt=400_000)
    assert 2 <= small.count() <= 3
    assert not libraries.filter(city_population__isnull=True).exists()


@pytest.mark.django_db
def test_load_demo_uses_the_dates_of_the_2024_call():
    load_demo()

    cohort = Cohort.objects.get(slug="metlib-2024")
    assert cohort.name == "MetLib Learning Circle 2024\N{EN DASH}25"
    assert cohort.programme.name == "MetLib Learning Circle"
    assert cohort.programme.organisation == "IFLA Metropolitan Libraries Section"
    assert cohort.time_zone == "America/New_York"
    assert cohort.nominations_open_at == dt.datetime(2024, 1, 8, 14, 0, tzinfo=dt.UTC)
    assert cohort.nominations_deadline == dt.datetime(2024, 2, 16, 4, 59, tzinfo=dt.UTC)
    assert cohort.announcement_date == dt.date(2024, 2, 19)
    assert (cohort.programme_start, cohort.programme_end) == (
        dt.date(2024, 4, 1),
        dt.date(2025, 3, 31),
    )
    assert (cohort.capacity_min, cohort.capacity_max) == (15, 20)
    assert cohort.stipends_available == 3
    assert [theme.name for theme in cohort.themes.order_by("position")] == [
        "Urban Creativity and Culture",
        "Public Safety",
        "Urban Mobility",
        "Equity and Inclusion",
        "Crisis Preparedness",
        "Urban Planning and Real Estate Development",
        "Public-Private Partnerships",
        "Health and Economic Impacts of Libraries",
        "Community Partnerships",
        "Civic Engagement",
    ]


@pytest.mark.django_db
def test_load_demo_gives_each_person_a_role_and_a_verified_address():
    result = load_demo()

    cohort = result.cohort
    roles = list(
        Membership.objects.filter(cohort=cohort)
        .exclude(role=Role.PARTICIPANT)  # the participants come by selection, later
        .values_list("role", flat=True)
    )
    assert sorted(roles) == sorted([Role.FACILITATOR] + [Role.ADVISOR] * 6 + [Role.MENTOR] * 3)
    assert result.people == 10
    assert (
        Membership.objects.get(cohort=cohort, role=Role.FACILITATOR).user.email == FACILITATOR_EMAIL
    )
    assert EmailAddress.objects.filter(verified=True, primary=True).count() == User.objects.count()
    names = set(User.objects.values_list("display_name", flat=True))
    assert {
        "Freja Søndergård",
        "Milica Đorđević",
        "Ελένη Παπαδοπούλου",
        "Lucía D'Alessandro",
    } <= names
    # The call's real advisory group stays out of the demo.
    assert not names & {
        "Marie Østergård",
        "Pablo Bruno D\N{RIGHT SINGLE QUOTATION MARK}Amico",
        "Pablo Bruno D'Amico",
        "Brian Bannon",
        "Mathilde Servet",
        "Tommi Laitio",
        "Neeza Singh",
    }
    admin = User.objects.get(email="admin@demo.metlib.example")
    assert admin.is_staff
    assert admin.is_superuser
    assert not User.objects.filter(is_staff=True).exclude(pk=admin.pk).exists()


@pytest.mark.django_db
def test_load_demo_again_restores_the_demo_password():
    load_demo()
    facilitator = User.objects.get(email=FACILITATOR_EMAIL)
    facilitator.set_password("something-else-entirely")
    facilitator.save()

    load_demo()

    facilitator.refresh_from_db()
    assert facilitator.check_password(DEMO_PASSWORD)


@pytest.mark.django_db
def test_load_demo_command_ends_with_the_login_line():
    output = _load_demo_command()

    lines = output.strip().splitlines()
    assert lines[-1] == (
        f"Sign in at {settings.SITE_URL}/accounts/login/ as facilitator@demo.metlib.example "
        "with password metlib-demo-2024"
    )
    assert f"{len(LIBRARIES)} libraries in" in output
    assert "on 6 continents" in output


@pytest.mark.django_db
def test_facilitator_signs_in_with_the_printed_password_and_sees_the_cohort(client):
    login = LOGIN_LINE.match(_load_demo_command().strip().splitlines()[-1])
    assert login is not None

    response = client.post(
        reverse("account_login"), {"login": login["email"], "password": login["password"]}
    )
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == User.objects.get(email=FACILITATOR_EMAIL).pk

    response = client.get(reverse("circle:detail", args=["metlib-2024"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "MetLib Learning Circle 2024\N{EN DASH}25" in page
    assert "Inés Ñúñez Carrasco" in page
    assert "Civic Engagement" in page
