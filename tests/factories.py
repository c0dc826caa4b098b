"""factory_boy factories for every model the tests build."""

import datetime as dt
import zoneinfo

import factory
from django.utils import timezone

from cohorts.models import Cohort, Library, Membership, Programme, Role, Theme
from metlib.models import User

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Faker("name")
    time_zone = "UTC"
    password = factory.django.Password("a-long-test-password")

    @factory.post_generation
    def verified(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        """Give every test user a verified primary address, as allauth expects."""
        if not create or extracted is False:
            return
        from allauth.account.models import EmailAddress

        EmailAddress.objects.get_or_create(
            user=self, email=self.email, defaults={"verified": True, "primary": True}
        )


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ["slug"]

    name = "MetLib Learning Circle"
    slug = "metlib-learning-circle"
    organisation = "IFLA Metropolitan Libraries Section"


class CohortFactory(factory.django.DjangoModelFactory):
    """A cohort whose call is open now, by default."""

    class Meta:
        model = Cohort

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Learning Circle {2024 + n}")
    slug = factory.Sequence(lambda n: f"circle-{2024 + n}")
    time_zone = "America/New_York"
    nominations_open_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=10))
    nominations_deadline = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=20))
    announcement_date = factory.LazyAttribute(
        lambda o: (o.nominations_deadline + dt.timedelta(days=4)).date()
    )
    programme_start = factory.LazyAttribute(
        lambda o: (o.nominations_deadline + dt.timedelta(days=45)).date()
    )
    programme_end = factory.LazyAttribute(lambda o: o.programme_start + dt.timedelta(days=364))
    capacity_min = 15
    capacity_max = 20
    stipends_available = 3


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    cohort = factory.SubFactory(CohortFactory)
    name = factory.Sequence(lambda n: f"Theme {n}")
    position = factory.Sequence(int)


class LibraryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Library

    name = factory.Sequence(lambda n: f"City Library {n}")
    city = factory.Faker("city")
    country = "FI"
    city_population = 650_000


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    cohort = factory.SubFactory(CohortFactory)
    role = Role.PARTICIPANT
