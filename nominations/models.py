"""The call for nominations of a cohort and the nominations libraries submit to it."""

import hashlib
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort, Library, Theme
from metlib.validators import single_line


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
    # The texts above may be given in several languages (nominations/translation.py); the
    # cohort's main language is the one shown where the visitor's is not given.

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

    nominator_name = models.CharField(
        _("your name"), max_length=150, blank=True, validators=[single_line]
    )
    nominator_role = models.CharField(
        _("your role"), max_length=150, blank=True, help_text=_("E.g. library director.")
    )
    nominator_email = models.EmailField(_("your email"), blank=True)

    candidate_name = models.CharField(
        _("candidate's name"), max_length=150, blank=True, validators=[single_line]
    )
    candidate_job_title = models.CharField(
        _("candidate's job title"), max_length=150, blank=True, validators=[single_line]
    )
    candidate_email = models.EmailField(_("candidate's email"), blank=True)
    candidate_bio = models.TextField(_("candidate's short biography"), blank=True)

    motivation = models.TextField(_("motivation"), blank=True)

    project_kind = models.CharField(
        _("kind of project"), max_length=30, choices=ProjectKind.choices, blank=True
    )
    project_title = models.CharField(
        _("project title"), max_length=200, blank=True, validators=[single_line]
    )
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

    # The candidate's answer through their current link (CandidateLink holds every link).
    candidate_confirmed_at = models.DateTimeField(_("candidate confirmed"), null=True, blank=True)
    candidate_declined_at = models.DateTimeField(_("candidate declined"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    # The participant this nomination made, set by enrolment: the one link from a person in the
    # cohort to their project (nominations.selectors.projects_of reads it).
    participant = models.OneToOneField(
        "cohorts.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="nomination",
        verbose_name=_("participant"),
    )

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["cohort", "status"], name="nomination_cohort_status"),
            # A failed mail is traced to a cohort by its address (circle/dashboard.py).
            models.Index("cohort", Lower("candidate_email"), name="nomination_candidate_email"),
            models.Index("cohort", Lower("nominator_email"), name="nomination_nominator_email"),
        ]

    def __str__(self) -> str:
        return self.candidate_name or str(_("Untitled nomination"))

    @property
    def is_editable_by_nominator(self) -> bool:
        return self.status in {self.Status.DRAFT, self.Status.SUBMITTED}

    @property
    def awaits_candidate(self) -> bool:
        return (
            self.status != self.Status.DRAFT
            and self.candidate_confirmed_at is None
            and self.candidate_declined_at is None
        )

    @property
    def candidate_correction(self) -> str:
        """What the candidate asked to have corrected through their current link; "" if
        nothing (one query: for a page about one nomination)."""
        link = (
            self.candidate_links.exclude(state=CandidateLink.State.SUPERSEDED)
            .order_by("-created_at", "-pk")
            .first()
        )
        return link.correction if link and link.state == CandidateLink.State.CORRECTION else ""

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class CandidateLink(models.Model):
    """One confirmation link mailed to a candidate: the address it went to, its token's hash
    (never the token) and what became of it.

    A nomination's current link is its newest one not superseded; a change of the candidate's
    address, or of what they confirmed, mails a new link and supersedes the old one.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting the candidate's answer")
        CONFIRMED = "confirmed", _("Confirmed by the candidate")
        DECLINED = "declined", _("Declined by the candidate")
        CORRECTION = "correction", _("The candidate asked for a correction")
        SUPERSEDED = "superseded", _("Replaced by a newer link")

    nomination = models.ForeignKey(
        Nomination,
        on_delete=models.CASCADE,
        related_name="candidate_links",
        verbose_name=_("nomination"),
    )
    email = models.EmailField(_("sent to"))
    token_hash = models.CharField(max_length=64, unique=True)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.PENDING
    )
    # A fingerprint of what the candidate is asked to confirm (candidate.fingerprint): set when
    # the link is made and again when they answer; empty when unknown (links made before).
    contents = models.CharField(max_length=64, blank=True)
    correction = models.TextField(_("the correction asked for"), blank=True)
    created_at = models.DateTimeField(_("sent"), default=timezone.now, db_index=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    superseded_at = models.DateTimeField(_("replaced"), null=True, blank=True)

    class Meta:
        verbose_name = _("candidate's confirmation link")
        verbose_name_plural = _("candidates' confirmation links")
        ordering = ["nomination", "-created_at", "-pk"]
        indexes = [models.Index(fields=["nomination", "email"], name="candidate_link_address")]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_state_display()})"


# --- Selection: reviews by the advisory group, decisions and their publication -----------------


class Selection(models.Model):
    """How a cohort's selection runs and where it stands.

    Stages: the call closes and review opens (nominations lock), advisors review, the
    facilitator decides (drafts), then publishes every result at once.
    """

    class Assignment(models.TextChoices):
        ALL = "all", _("Every advisor reviews every nomination")
        BALANCED = "balanced", _("Each nomination goes to a balanced share of advisors")

    cohort = models.OneToOneField(
        Cohort, on_delete=models.CASCADE, related_name="selection", verbose_name=_("cohort")
    )
    assignment = models.CharField(
        _("assignment"), max_length=10, choices=Assignment.choices, default=Assignment.ALL
    )
    reviewers_per_nomination = models.PositiveSmallIntegerField(
        _("advisors per nomination"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("Used when nominations go to a balanced share of advisors."),
    )
    scores_hidden = models.BooleanField(
        _("keep advisors' scores hidden from each other throughout"),
        default=False,
        help_text=_(
            "Otherwise an advisor sees the others' scores once they have submitted their own."
        ),
    )
    max_per_country = models.PositiveSmallIntegerField(
        _("at most this many participants per country"),
        default=2,
        validators=[MinValueValidator(1)],
    )
    min_project_kinds = models.PositiveSmallIntegerField(
        _("at least this many kinds of project"), default=3
    )
    represent_every_continent = models.BooleanField(
        _("every continent with nominees represented where possible"), default=True
    )
    review_opened_at = models.DateTimeField(_("review opened"), null=True, blank=True)
    review_opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(
        _("selection closed"),
        null=True,
        blank=True,
        help_text=_("Reviews can be changed until then."),
    )
    published_at = models.DateTimeField(_("results published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("selection")
        verbose_name_plural = _("selections")

    def __str__(self) -> str:
        return str(self.cohort)


class Criterion(models.Model):
    """A named criterion advisors score each nomination on, from 1 to 5."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("cohort")
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.CharField(_("what it asks"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["cohort", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "name"], name="criterion_unique_per_cohort")
        ]

    def __str__(self) -> str:
        return self.name


class Recommendation(models.TextChoices):
    STRONGLY = "strongly", _("Strongly recommend")
    RECOMMEND = "recommend", _("Recommend")
    NEUTRAL = "neutral", _("Neutral")
    NOT = "not", _("Do not recommend")


class Review(models.Model):
    """One advisor's review of one nomination assigned to them."""

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("Not started")
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        CONFLICT = "conflict", _("Conflict of interest")

    nomination = models.ForeignKey(
        Nomination, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("nomination")
    )
    advisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="reviews",
        verbose_name=_("advisor"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ASSIGNED
    )
    recommendation = models.CharField(
        _("recommendation"), max_length=10, choices=Recommendation.choices, blank=True
    )
    comment = models.TextField(_("comment"), blank=True)
    conflict_note = models.CharField(_("the conflict of interest"), max_length=300, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    # When the advisor first saw the other advisors' scores (the ranking): from then on a
    # conflict they declared is final, so recusing cannot be a way to peek before scoring.
    others_seen_at = models.DateTimeField(_("saw the others' scores"), null=True, blank=True)
    created_at = models.DateTimeField(_("assigned"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["nomination", "advisor"]
        constraints = [
            models.UniqueConstraint(fields=["nomination", "advisor"], name="review_one_per_advisor")
        ]

    def __str__(self) -> str:
        return f"{self.advisor} → {self.nomination}"


class Score(models.Model):
    """A score on one criterion: 1 to 5, or empty for "not applicable" (left out of averages)."""

    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="scores", verbose_name=_("review")
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="scores", verbose_name=_("criterion")
    )
    value = models.PositiveSmallIntegerField(
        _("score"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="score_one_per_criterion"),
            models.CheckConstraint(
                condition=models.Q(value__isnull=True) | models.Q(value__gte=1, value__lte=5),
                name="score_on_the_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value if self.value is not None else 'n/a'}"


class Decision(models.Model):
    """The facilitator's decision on one nomination: a draft until the results are published."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        WAITLISTED = "waitlisted", _("Waitlisted")
        DECLINED = "declined", _("Declined")

    nomination = models.OneToOneField(
        Nomination, on_delete=models.CASCADE, related_name="decision", verbose_name=_("nomination")
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    stipend_awarded = models.BooleanField(_("travel stipend awarded"), default=False)
    note = models.CharField(_("note"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"))
    published_at = models.DateTimeField(
        _("told to the applicant"),
        null=True,
        blank=True,
        help_text=_("Empty while the decision is a draft."),
    )

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return f"{self.nomination}: {self.get_outcome_display()}"


class DecisionEvent(models.Model):
    """The audit trail of selection: who decided, changed, published or promoted what, when."""

    class Action(models.TextChoices):
        DECIDED = "decided", _("Decided")
        CHANGED = "changed", _("Changed")
        CLEARED = "cleared", _("Cleared")
        PUBLISHED = "published", _("Published")
        PROMOTED = "promoted", _("Promoted from the waitlist")

    nomination = models.ForeignKey(
        Nomination, on_delete=models.CASCADE, related_name="decision_events"
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    outcome = models.CharField(_("outcome"), max_length=10, blank=True)
    stipend_awarded = models.BooleanField(_("stipend awarded"), default=False)
    note = models.CharField(_("note"), max_length=500, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("decision event")
        verbose_name_plural = _("decision events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.outcome} — {self.nomination}"


class Pin(models.Model):
    """The facilitator's pin of a nomination in or out of the selection assistant's proposals."""

    class Direction(models.TextChoices):
        IN = "in", _("Pinned in")
        OUT = "out", _("Pinned out")

    nomination = models.OneToOneField(
        Nomination, on_delete=models.CASCADE, related_name="pin", verbose_name=_("nomination")
    )
    direction = models.CharField(_("pin"), max_length=3, choices=Direction.choices)
    reason = models.CharField(_("why"), max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("pinned"), auto_now=True)

    class Meta:
        verbose_name = _("pin")
        verbose_name_plural = _("pins")

    def __str__(self) -> str:
        return f"{self.nomination}: {self.get_direction_display()}"
