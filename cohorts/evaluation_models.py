"""The end-of-year evaluation: one short survey per cohort and one answer per participant.

Imported at the bottom of :mod:`cohorts.models`, so the models belong to the ``cohorts`` app.
The rules (who may answer, when it is open, the figures) live in :mod:`cohorts.evaluation`.
"""

from datetime import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TEXT_LIMIT = 2000  # characters, for each of the three texts
RECOMMEND_MAX = 10


class Evaluation(models.Model):
    """A cohort's end-of-year survey. The questions are fixed; this row holds when it runs.

    Open when it has been opened (``opens_at``), not closed by hand (``closed_at``) and its
    deadline (``closes_at``, optional) has not passed. Reminders are sent per ``reminder_round``:
    each person gets at most one reminder per round.
    """

    cohort = models.OneToOneField(
        "cohorts.Cohort",
        on_delete=models.CASCADE,
        related_name="evaluation",
        verbose_name=_("cohort"),
    )
    opens_at = models.DateTimeField(_("opened"), null=True, blank=True)
    closes_at = models.DateTimeField(
        _("deadline"),
        null=True,
        blank=True,
        help_text=_("Answers are accepted until this moment. Empty: until closed by hand."),
    )
    closed_at = models.DateTimeField(
        _("closed by hand"),
        null=True,
        blank=True,
        help_text=_("Set when a facilitator closes the evaluation before its deadline."),
    )
    reminder_round = models.PositiveSmallIntegerField(
        _("reminder round"),
        default=1,
        help_text=_("Each person is reminded at most once per round."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__isnull=True)
                | Q(opens_at__isnull=True)
                | Q(closes_at__gt=F("opens_at")),
                name="evaluation_deadline_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(reminder_round__gte=1), name="evaluation_reminder_round_positive"
            ),
        ]

    def __str__(self) -> str:
        return str(_("Evaluation of %(cohort)s") % {"cohort": self.cohort})

    def is_open(self, *, at: datetime | None = None) -> bool:
        at = at or timezone.now()
        return (
            self.opens_at is not None
            and self.opens_at <= at
            and self.closed_at is None
            and (self.closes_at is None or at < self.closes_at)
        )

    def ended_at(self, *, at: datetime | None = None) -> datetime | None:
        """When it stopped taking answers, if it has: closed by hand or its deadline passed."""
        at = at or timezone.now()
        if self.closed_at is not None:
            return self.closed_at
        if self.closes_at is not None and self.closes_at <= at:
            return self.closes_at
        return None


class EvaluationAnswer(models.Model):
    """One participant's answer; they edit this same row until the evaluation closes."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="answers", verbose_name=_("evaluation")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="evaluation_answers",
        verbose_name=_("person"),
    )
    recommend = models.PositiveSmallIntegerField(
        _("how likely to recommend (0–10)"), validators=[MaxValueValidator(RECOMMEND_MAX)]
    )
    valued_most = models.TextField(_("what they valued most"), blank=True)
    to_change = models.TextField(_("what to change"), blank=True)
    comments = models.TextField(_("comments"), blank=True)
    created_at = models.DateTimeField(_("first answered"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("evaluation answer")
        verbose_name_plural = _("evaluation answers")
        ordering = ["evaluation", "-recommend", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "person"], name="evaluation_answer_once_per_person"
            ),
            models.CheckConstraint(
                condition=Q(recommend__lte=RECOMMEND_MAX), name="evaluation_answer_recommend_0_10"
            ),
        ]

    def __str__(self) -> str:
        return str(
            _("Answer %(pk)s to %(evaluation)s") % {"pk": self.pk, "evaluation": self.evaluation}
        )
