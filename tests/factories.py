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


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "nominations.Call"

    cohort = factory.SubFactory(CohortFactory)
    introduction = "A 12-month talent development programme for library leaders."
    eligibility = "Someone in charge of an urban transformation project."
    requirements = "Working hours, active participation all year, English."
    conference = "The conference is in Barcelona."
    stipends = "1-3 travel stipends for participants from the Global South."
    min_city_population = 400_000


class NominationFactory(factory.django.DjangoModelFactory):
    """A complete nomination, still a draft unless ``status`` says otherwise."""

    class Meta:
        model = "nominations.Nomination"
        skip_postgeneration_save = True

    cohort = factory.SubFactory(CohortFactory)
    nominator = factory.SubFactory(UserFactory)
    library = factory.SubFactory(LibraryFactory)
    nominator_name = factory.Faker("name")
    nominator_role = "Library director"
    nominator_email = factory.LazyAttribute(lambda o: o.nominator.email)
    candidate_name = factory.Faker("name")
    candidate_job_title = "Head of branch development"
    candidate_email = factory.Sequence(lambda n: f"candidate{n}@library.example")
    candidate_bio = "Leads the new central library project."
    motivation = "To learn from peers across the world."
    project_kind = "new_main_library"
    project_title = "A new central library"
    project_description = "Opening in 2026 in the old harbour."
    travel_support = "partly"
    stipend_conditional = False
    commits_working_hours = True
    commits_whole_year = True
    commits_language = True

    @factory.post_generation
    def themes(self, create: bool, extracted, **kwargs):
        if not create:
            return
        chosen = extracted if extracted is not None else list(self.cohort.themes.all()[:2])
        if not chosen:
            chosen = [ThemeFactory(cohort=self.cohort)]
        self.themes.set(chosen)


class SelectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "nominations.Selection"
        django_get_or_create = ["cohort"]

    cohort = factory.SubFactory(CohortFactory)


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "nominations.Criterion"

    cohort = factory.SubFactory(CohortFactory)
    name = factory.Sequence(lambda n: f"Criterion {n}")
    position = factory.Sequence(int)


class ReviewFactory(factory.django.DjangoModelFactory):
    """An assigned review; pass ``scores={criterion: value}`` to score it and submit it."""

    class Meta:
        model = "nominations.Review"
        skip_postgeneration_save = True

    nomination = factory.SubFactory(NominationFactory, status="under_review")
    advisor = factory.SubFactory(UserFactory)

    @factory.post_generation
    def scores(self, create: bool, extracted, **kwargs):
        if not create or not extracted:
            return
        from django.utils import timezone

        from nominations.models import Score

        for criterion, value in extracted.items():
            Score.objects.create(review=self, criterion=criterion, value=value)
        self.status = "submitted"
        self.submitted_at = timezone.now()
        self.save(update_fields=["status", "submitted_at"])


class EventFactory(factory.django.DjangoModelFactory):
    """A two-hour monthly session a month from now."""

    class Meta:
        model = "calendar.Event"

    cohort = factory.SubFactory(CohortFactory)
    title = factory.Sequence(lambda n: f"Monthly session {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=2))
    video_url = "https://video.example/metlib"


class CertificateSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "certificates.CertificateSettings"
        django_get_or_create = ["cohort"]

    cohort = factory.SubFactory(CohortFactory)
    title = "Certificate of participation"
    statement = "A year-long learning circle for leaders of metropolitan libraries."


class SignatoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "certificates.Signatory"

    cohort = factory.SubFactory(CohortFactory)
    name = factory.Faker("name")
    title = "Chair, IFLA Metropolitan Libraries Section"
    position = factory.Sequence(int)


class CertificateFactory(factory.django.DjangoModelFactory):
    """A valid certificate, its texts as they are copied when it is issued."""

    class Meta:
        model = "certificates.Certificate"

    cohort = factory.SubFactory(CohortFactory)
    person = factory.SubFactory(UserFactory)
    name = factory.LazyAttribute(lambda o: o.person.display_name or "Anna Virtanen")
    library = factory.Sequence(lambda n: f"City Library {n}")
    city = "Helsinki"
    country = "Finland"
    monthly_attended = 9
    monthly_total = 10
    mentoring_attended = 4
    attended_conference = True
