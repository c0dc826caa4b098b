"""Programmes, cohorts, the library directory and who plays which role in a cohort."""

import zoneinfo
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from metlib.timezones import validate_time_zone
from metlib.validators import single_line

from .geography import Geography, geography_of


class Programme(models.Model):
    """A cohort programme an organisation runs year after year (e.g. MetLib Learning Circle)."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    organisation = models.CharField(
        _("organisation"),
        max_length=200,
        help_text=_("Who runs the programme, e.g. “IFLA Metropolitan Libraries Section”."),
    )
    website = models.URLField(_("website"), blank=True)
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="managed_programmes",
        verbose_name=_("managers"),
    )

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# Pages under /cohorts/ whose first part is a word, not a cohort: a cohort with one of these
# slugs could never be reached (tests/cohorts/test_cohort_slugs.py keeps the list in step).
RESERVED_COHORT_SLUGS = frozenset({"calls", "libraries", "people", "programmes"})


def validate_cohort_slug(value: str) -> None:
    if value in RESERVED_COHORT_SLUGS:
        raise ValidationError(
            _("“%(slug)s” is the address of another page: choose another slug."),
            code="reserved",
            params={"slug": value},
        )


class StipendRule(models.TextChoices):
    """Who may receive a travel stipend: a rule of the cohort's call."""

    GLOBAL_SOUTH = "global_south", _("Nominees whose library is in the Global South")
    ANYONE = "anyone", _("Any nominee")


class Cohort(models.Model):
    """One year of a programme: its call for nominations, its people and its calendar."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="cohorts", verbose_name=_("programme")
    )
    name = models.CharField(_("name"), max_length=200, validators=[single_line])
    slug = models.SlugField(
        _("slug"), max_length=80, unique=True, validators=[validate_cohort_slug]
    )
    programme_start = models.DateField(_("programme starts"))
    programme_end = models.DateField(_("programme ends"))
    nominations_open_at = models.DateTimeField(_("nominations open"))
    nominations_deadline = models.DateTimeField(_("nomination deadline"))
    announcement_date = models.DateField(
        _("results announced"), help_text=_("When every applicant hears the selection's result.")
    )
    capacity_min = models.PositiveSmallIntegerField(
        _("minimum participants"), validators=[MinValueValidator(1)]
    )
    capacity_max = models.PositiveSmallIntegerField(
        _("maximum participants"), validators=[MinValueValidator(1)]
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        validators=[validate_time_zone],
        help_text=_("Dates and times of this cohort are entered in this zone."),
    )
    main_language = models.CharField(
        _("main language"),
        max_length=10,
        choices=settings.PLANNED_LANGUAGES,
        default="en",
        help_text=_(
            "The call is shown in this language to visitors whose own it is not given in, "
            "and the certificates print in it."
        ),
    )
    stipends_available = models.PositiveSmallIntegerField(
        _("travel stipends available"),
        default=0,
        help_text=_("How many travel stipends the organisers can award."),
    )
    stipend_rule = models.CharField(
        _("who may receive a travel stipend"),
        max_length=20,
        choices=StipendRule.choices,
        default=StipendRule.GLOBAL_SOUTH,
    )
    # A cohort started from last year's waits, unpublished, for its facilitator to preview
    # and publish its call; one made otherwise is public at once.
    call_published_at = models.DateTimeField(
        _("call published"),
        null=True,
        blank=True,
        default=timezone.now,
        help_text=_(
            "Until then the call is a preview: only the cohort's facilitators and the "
            "programme's managers see it."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["-programme_start", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(programme_end__gte=F("programme_start")),
                name="cohort_programme_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(nominations_deadline__gt=F("nominations_open_at")),
                name="cohort_deadline_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(capacity_max__gte=F("capacity_min")),
                name="cohort_capacity_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("circle:detail", kwargs={"cohort_slug": self.slug})

    def clean(self) -> None:
        errors = {}
        if (
            self.programme_start
            and self.programme_end
            and self.programme_end < self.programme_start
        ):
            errors["programme_end"] = _("The programme cannot end before it starts.")
        if (
            self.nominations_open_at
            and self.nominations_deadline
            and self.nominations_deadline <= self.nominations_open_at
        ):
            errors["nominations_deadline"] = _("The deadline must come after the opening.")
        if (
            self.nominations_deadline
            and self.announcement_date
            and self.time_zone in zoneinfo.available_timezones()
            and self.announcement_date
            < timezone.localtime(self.nominations_deadline, self.zone).date()
        ):
            errors["announcement_date"] = _("The results cannot be announced before the deadline.")
        if (
            self.announcement_date
            and self.programme_start
            and self.programme_start < self.announcement_date
        ):
            errors["programme_start"] = _("The programme cannot start before the results are out.")
        if self.capacity_min and self.capacity_max and self.capacity_max < self.capacity_min:
            errors["capacity_max"] = _("The maximum cannot be below the minimum.")
        if errors:
            raise ValidationError(errors)

    def may_receive_stipend(self, library: "Library | None") -> bool:
        """Whether a nominee of ``library`` may receive a travel stipend under the call's rule
        (an unknown library may not, under a rule that depends on where it is)."""
        if self.stipend_rule == StipendRule.ANYONE:
            return True
        return library is not None and library.geography.global_south

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def call_is_published(self) -> bool:
        return self.call_published_at is not None

    def nominations_are_open(self, *, at: datetime | None = None) -> bool:
        at = at or timezone.now()
        return self.nominations_open_at <= at < self.nominations_deadline


class Theme(models.Model):
    """A theme the cohort's programme covers, e.g. "Urban Mobility"."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="themes", verbose_name=_("cohort")
    )
    name = models.CharField(
        _("name"), max_length=120, help_text=_("In the cohort's main language.")
    )
    # The name in each other language, one column per planned language (translated_name_fr …,
    # cohorts/translation.py); reading ``translated_name`` gives the active language's or "".
    translated_name = models.CharField(_("name in another language"), max_length=120, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["cohort", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "name"], name="theme_unique_per_cohort")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name a reader sees: in the active language when it is given in it, else in the
        cohort's main language (as the call's texts)."""
        return self.translated_name or self.name


class Library(models.Model):
    """A library in the directory, which outlives cohorts."""

    name = models.CharField(_("name"), max_length=200, validators=[single_line])
    city = models.CharField(_("city"), max_length=120, validators=[single_line])
    country = CountryField(_("country"))
    city_population = models.PositiveIntegerField(
        _("population of the urban area served"),
        null=True,
        blank=True,
        help_text=_("The number of people in the urban area the library serves."),
    )
    website = models.URLField(_("website"), blank=True)
    # A library a nominator types into a draft stays out of the list every nominator chooses
    # from until a nomination for it is submitted (nominations.submission lists it then).
    listed = models.BooleanField(_("listed in the directory"), default=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("library")
        verbose_name_plural = _("libraries")
        ordering = ["name", "city"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "city", "country"], name="library_unique_name_city_country"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.city}"

    @property
    def geography(self) -> Geography:
        """Sub-region, continent and Global South status, derived from the country."""
        return geography_of(self.country.code)


class Role(models.TextChoices):
    FACILITATOR = "facilitator", _("facilitator")
    ADVISOR = "advisor", _("advisor")
    MENTOR = "mentor", _("mentor")
    PARTICIPANT = "participant", _("participant")


class Membership(models.Model):
    """Who plays which role in which cohort: the one source of truth for permissions."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("person"),
    )
    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("cohort")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    library = models.ForeignKey(
        Library,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("library"),
        help_text=_("The library the person represents in this cohort, if any."),
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["cohort", "role", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "cohort", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.cohort}"


class MentoringGroup(models.Model):
    """A mentor and a few participants who meet in group mentoring sessions."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="mentoring_groups", verbose_name=_("cohort")
    )
    name = models.CharField(_("name"), max_length=120)
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="mentored_groups",
        verbose_name=_("mentor"),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="mentoring_groups",
        blank=True,
        verbose_name=_("participants"),
    )

    class Meta:
        verbose_name = _("mentoring group")
        verbose_name_plural = _("mentoring groups")
        ordering = ["cohort", "name"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "name"], name="mentoring_group_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


from .evaluation_models import Evaluation, EvaluationAnswer  # noqa: E402, F401
