"""The call for nominations of a cohort and the nominations libraries submit to it."""

import hashlib
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort, Library, Theme


class Call(models.Model):
    """What a cohort's public call says and the rules nominations must meet.

    Every word on the public call page comes from here, edited by the cohort's facilitators.
    """

    cohort = models.OneToOneField(
        Cohort, on_delete=models.CASCADE, related_name="call", verbose_name=_("cohort")
    )
    introduction = models.TextField(
        _("what the programme is"), help_text=_("The opening paragraphs of the call.")
    )
    eligibility = models.TextField(
        _("who may be nominated"),
        help_text=_("E.g. someone in charge of an urban-transformation project at a library …"),
    )
    requirements = models.TextField(
        _("what participation asks"),
        help_text=_("Working hours, active participation all year, the working language …"),
    )
    programme = models.TextField(
        _("what the programme consists of"),
        blank=True,
        help_text=_("Monthly sessions, preparation, mentoring, the conference, the certificate."),
    )
    conference = models.TextField(_("the conference"), blank=True)
    stipends = models.TextField(_("travel stipends"), blank=True)
    selection = models.TextField(
        _("how participants are selected"),
        blank=True,
        help_text=_("Who selects, and what the selection emphasises."),
    )
    timeline = models.TextField(
        _("timeline"), blank=True, help_text=_("One line per date or month.")
    )
    contact_name = models.CharField(_("contact name"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    min_city_population = models.PositiveIntegerField(
        _("minimum population of the urban area served"),
        default=400_000,
        help_text=_("Libraries serving a smaller urban area are not eligible."),
    )
    nominations_per_library = models.PositiveSmallIntegerField(
        _("nominations allowed per library"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    working_language = models.CharField(_("working language"), max_length=60, default="English")

    class Meta:
        verbose_name = _("call for nominations")
        verbose_name_plural = _("calls for nominations")

    def __str__(self) -> str:
        return str(self.cohort)


class ProjectKind(models.TextChoices):
    BRANCH_DEVELOPMENT = "branch_development", _("Branch development")
    NEW_MAIN_LIBRARY = "new_main_library", _("New main library")
    NEW_MAJOR_BRANCH = "new_major_branch", _("New major branch")
    STRATEGIC_DEVELOPMENT = "strategic_development", _("Strategic development")
    PARTNERSHIPS = "partnerships", _("Partnerships")
    OTHER = "other", _("Other")


class TravelSupport(models.TextChoices):
    YES = "yes", _("Yes, fully")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")


class Nomination(models.Model):
    """A library's nomination of a candidate for a cohort."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        UNDER_REVIEW = "under_review", _("Under review")
        ACCEPTED = "accepted", _("Accepted")
        WAITLISTED = "waitlisted", _("Waitlisted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, related_name="nominations", verbose_name=_("cohort")
    )
    nominator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="nominations",
        verbose_name=_("nominated by"),
    )
    # A client-made token so a double click or a resent form creates one nomination.
    creation_token = models.UUIDField(_("creation token"), default=uuid.uuid4, unique=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )

    library = models.ForeignKey(
        Library,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nominations",
        verbose_name=_("library"),
    )

    nominator_name = models.CharField(_("your name"), max_length=150, blank=True)
    nominator_role = models.CharField(
        _("your role"), max_length=150, blank=True, help_text=_("E.g. library director.")
    )
    nominator_email = models.EmailField(_("your email"), blank=True)

    candidate_name = models.CharField(_("candidate's name"), max_length=150, blank=True)
    candidate_job_title = models.CharField(_("candidate's job title"), max_length=150, blank=True)
    candidate_email = models.EmailField(_("candidate's email"), blank=True)
    candidate_bio = models.TextField(_("candidate's short biography"), blank=True)

    motivation = models.TextField(_("motivation"), blank=True)

    project_kind = models.CharField(
        _("kind of project"), max_length=30, choices=ProjectKind.choices, blank=True
    )
    project_title = models.CharField(_("project title"), max_length=200, blank=True)
    project_description = models.TextField(_("project description"), blank=True)

    themes = models.ManyToManyField(
        Theme, blank=True, related_name="nominations", verbose_name=_("themes of most interest")
    )

    travel_support = models.CharField(
        _("can the library cover travel and accommodation for the conference?"),
        max_length=10,
        choices=TravelSupport.choices,
        blank=True,
    )
    stipend_conditional = models.BooleanField(
        _("participation is conditional on a travel stipend"), null=True, blank=True
    )
    stipend_reason = models.TextField(_("why a stipend is needed"), blank=True)

    commits_working_hours = models.BooleanField(
        _("the candidate can use working hours for the programme"), default=False
    )
    commits_whole_year = models.BooleanField(
        _("the candidate commits to active participation all year"), default=False
    )
    commits_language = models.BooleanField(
        _("the candidate can take part in professional exchange in the working language"),
        default=False,
    )

    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    late_admitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("let in late by"),
    )
    late_admitted_at = models.DateTimeField(_("let in late"), null=True, blank=True)
    late_admission_note = models.CharField(_("why it was let in late"), max_length=300, blank=True)

    candidate_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    candidate_confirmed_at = models.DateTimeField(_("candidate confirmed"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["cohort", "status"], name="nomination_cohort_status")]

    def __str__(self) -> str:
        return self.candidate_name or str(_("Untitled nomination"))

    @property
    def is_editable_by_nominator(self) -> bool:
        return self.status in {self.Status.DRAFT, self.Status.SUBMITTED}

    @property
    def awaits_candidate(self) -> bool:
        return self.status != self.Status.DRAFT and self.candidate_confirmed_at is None

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()
