"""The end-of-year evaluation: opening and closing it, answering it, its results and reminders.

Anonymity: the facilitators' pages and the CSV never link an answer to a person. The results
list the texts without names, sorted by their wording (not by when they came in) and the CSV
has no names, ids or times. The facilitators see only *who has not answered yet*, to remind
them. The database itself links each answer to its person (so a participant can edit it until
the evaluation closes), which staff can see in the admin: the answers are confidential, not
anonymous, and the answer page says so.
"""

import zoneinfo
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metlib.languages import language_of
from metlib.models import Email
from metlib.outbox import queue_emails, queued_keys, templated_email
from metlib.spreadsheets import neutralise_formula

from .evaluation_models import RECOMMEND_MAX, TEXT_LIMIT, Evaluation, EvaluationAnswer
from .models import Cohort, Membership, Role
from .permissions import Perm, has_cohort_perm

PROMOTERS_FROM = 9  # 9–10: would recommend
DETRACTORS_UP_TO = 6  # 0–6

QUESTIONS: tuple[tuple[str, Any], ...] = (
    ("valued_most", gettext_lazy("What did you value most?")),
    ("to_change", gettext_lazy("What should we change?")),
    ("comments", gettext_lazy("Anything else you would like to tell us?")),
)
TEXT_FIELDS = tuple(name for name, _question in QUESTIONS)

# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection").
# The same guard as the nomination pipeline's export; kept here so that cohorts, which every
# other app builds on, does not import from nominations.


class EvaluationRefused(Exception):
    """Something the evaluation's rules do not allow; ``message`` says why, for the page."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class EvaluationClosed(EvaluationRefused):
    """An answer given while the evaluation is not open."""


# --- Who and when -----------------------------------------------------------------------------


def evaluation_of(*, cohort: Cohort) -> Evaluation | None:
    """The cohort's evaluation, or None while nobody has opened one."""
    evaluation = Evaluation.objects.filter(cohort=cohort).first()
    if evaluation is not None:
        evaluation.cohort = cohort  # already at hand: no second query for it
    return evaluation


def is_participant(*, person: Any, cohort: Cohort) -> bool:
    return Membership.objects.filter(
        user_id=getattr(person, "pk", None), cohort=cohort, role=Role.PARTICIPANT
    ).exists()


def _require_manager(*, by: Any, cohort: Cohort) -> None:
    if not has_cohort_perm(user=by, cohort=cohort, perm=Perm.MANAGE_COHORT):
        raise PermissionDenied


def open_evaluation(
    *, cohort: Cohort, by: Any, closes_at: datetime | None = None, at: datetime | None = None
) -> Evaluation:
    """Open the cohort's evaluation (creating it the first time), reopen it, or move its deadline.

    ``opens_at`` keeps the first opening. A deadline must lie in the future; without one the
    evaluation stays open until a facilitator closes it.
    """
    _require_manager(by=by, cohort=cohort)
    at = at or timezone.now()
    if closes_at is not None and closes_at <= at:
        raise ValidationError({"closes_at": _("The deadline must be in the future.")})
    with transaction.atomic():
        evaluation, _created = Evaluation.objects.select_for_update().get_or_create(cohort=cohort)
        if evaluation.opens_at is None or evaluation.opens_at > at:
            evaluation.opens_at = at
        evaluation.closes_at = closes_at
        evaluation.closed_at = None
        evaluation.save()
        evaluation.cohort = cohort
        _queue_openings(evaluation=evaluation)
    return evaluation


def opening_key(*, evaluation: Evaluation, person: Any) -> str:
    return f"evaluation:{evaluation.pk}:opened:{person.pk}"


def _queue_openings(*, evaluation: Evaluation) -> int:
    """Mail each participant, once ever, that the evaluation waits for their answer (the
    reminder's words; reopening or moving the deadline mails nobody already told)."""
    return _queue_asking(
        evaluation=evaluation,
        wanted={
            opening_key(evaluation=evaluation, person=person): person
            for person in _participants(evaluation.cohort)
        },
    )


def pending_evaluations(*, person: Any, at: datetime | None = None) -> list[Evaluation]:
    """The open evaluations ``person`` has yet to answer, one query: for their home page."""
    if not getattr(person, "is_authenticated", False):
        return []
    at = at or timezone.now()
    return [
        evaluation
        for evaluation in Evaluation.objects.filter(
            cohort__memberships__user=person,
            cohort__memberships__role=Role.PARTICIPANT,
            opens_at__lte=at,
            closed_at__isnull=True,
        )
        .exclude(answers__person=person)
        .select_related("cohort")
        .distinct()
        if evaluation.is_open(at=at)
    ]


def close_evaluation(*, evaluation: Evaluation, by: Any, at: datetime | None = None) -> Evaluation:
    """Close the evaluation now: no answer is taken or changed after this moment."""
    _require_manager(by=by, cohort=evaluation.cohort)
    at = at or timezone.now()
    with transaction.atomic():
        locked = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        if not locked.is_open(at=at):
            raise EvaluationRefused(_("The evaluation is not open, so there is nothing to close."))
        locked.closed_at = at
        locked.save(update_fields=["closed_at", "updated_at"])
    evaluation.refresh_from_db()
    return evaluation


# --- Answering --------------------------------------------------------------------------------


def own_answer(*, evaluation: Evaluation, person: Any) -> EvaluationAnswer | None:
    return EvaluationAnswer.objects.filter(evaluation=evaluation, person=person).first()


def _check_answer(*, recommend: int, texts: dict[str, str]) -> None:
    errors = {}
    if not isinstance(recommend, int) or not 0 <= recommend <= RECOMMEND_MAX:
        errors["recommend"] = _("Choose a number from 0 to 10.")
    for name, text in texts.items():
        if len(text) > TEXT_LIMIT:
            errors[name] = _("Up to %(limit)s characters, please; this has %(count)s.") % {
                "limit": f"{TEXT_LIMIT:,}",
                "count": f"{len(text):,}",
            }
    if errors:
        raise ValidationError(errors)


def answer_evaluation(
    *,
    evaluation: Evaluation,
    person: Any,
    recommend: int,
    valued_most: str = "",
    to_change: str = "",
    comments: str = "",
    at: datetime | None = None,
) -> EvaluationAnswer:
    """Save a participant's answer, or update the one they gave: never two rows per person.

    Refused with :class:`EvaluationClosed` when the evaluation is not open, and with
    ``PermissionDenied`` for anyone who is not a participant of the cohort. Two submissions at
    once (a double click) meet at the evaluation's row lock and the unique constraint, and the
    second updates the row the first created.
    """
    texts = {"valued_most": valued_most, "to_change": to_change, "comments": comments}
    texts = {name: text.strip() for name, text in texts.items()}
    _check_answer(recommend=recommend, texts=texts)
    if not is_participant(person=person, cohort=evaluation.cohort):
        raise PermissionDenied
    at = at or timezone.now()
    with transaction.atomic():
        locked = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
        if not locked.is_open(at=at):
            raise EvaluationClosed(_("The evaluation is closed: your answer was not saved."))
        answer, _created = EvaluationAnswer.objects.update_or_create(
            evaluation=locked, person=person, defaults={"recommend": recommend, **texts}
        )
    return answer


# --- Results ----------------------------------------------------------------------------------


def _percent(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(100 * part / whole, 1)


@dataclass(frozen=True)
class QuestionTexts:
    question: str
    texts: tuple[str, ...]


@dataclass(frozen=True)
class Results:
    """The figures of an evaluation; shares are percentages, None while nobody has answered."""

    answers: int
    participants: int
    answered_participants: int
    distribution: tuple[int, ...]  # how many answered 0, 1, … 10
    promoters: int
    passives: int
    detractors: int
    mean: float | None
    texts: tuple[QuestionTexts, ...]
    not_answered: tuple[Any, ...]  # the participants who have not answered, by name

    @property
    def promoter_share(self) -> float | None:
        return _percent(self.promoters, self.answers)

    @property
    def detractor_share(self) -> float | None:
        return _percent(self.detractors, self.answers)

    @property
    def passive_share(self) -> float | None:
        return _percent(self.passives, self.answers)

    @property
    def nps(self) -> float | None:
        """Net promoter score: % promoters (9–10) minus % detractors (0–6), from -100 to 100."""
        if not self.answers:
            return None
        return round(100 * (self.promoters - self.detractors) / self.answers, 1)

    @property
    def response_rate(self) -> float | None:
        return _percent(self.answered_participants, self.participants)


def _participants(cohort: Cohort) -> list[Any]:
    memberships = (
        Membership.objects.filter(cohort=cohort, role=Role.PARTICIPANT)
        .select_related("user")
        .order_by("user__display_name", "user__email")
    )
    return [membership.user for membership in memberships]


def non_respondents(*, evaluation: Evaluation) -> list[Any]:
    """The cohort's participants who have not answered, by name."""
    answered = EvaluationAnswer.objects.filter(evaluation=evaluation).values("person_id")
    memberships = (
        Membership.objects.filter(cohort_id=evaluation.cohort_id, role=Role.PARTICIPANT)
        .exclude(user_id__in=answered)
        .select_related("user")
        .order_by("user__display_name", "user__email")
    )
    return [membership.user for membership in memberships]


def evaluation_results(*, evaluation: Evaluation) -> Results:
    """Every figure of the results page, in two queries whatever the number of answers."""
    rows = list(
        EvaluationAnswer.objects.filter(evaluation=evaluation).values(
            "person_id", "recommend", *TEXT_FIELDS
        )
    )
    participants = _participants(evaluation.cohort)
    answered_ids = {row["person_id"] for row in rows}
    scores = [row["recommend"] for row in rows]
    distribution = tuple(scores.count(value) for value in range(RECOMMEND_MAX + 1))
    promoters = sum(1 for score in scores if score >= PROMOTERS_FROM)
    detractors = sum(1 for score in scores if score <= DETRACTORS_UP_TO)
    texts = tuple(
        QuestionTexts(
            question=str(question),
            # By wording, not by arrival: the order must not tell who wrote what.
            texts=tuple(sorted((row[name] for row in rows if row[name]), key=str.casefold)),
        )
        for name, question in QUESTIONS
    )
    return Results(
        answers=len(rows),
        participants=len(participants),
        answered_participants=sum(1 for person in participants if person.pk in answered_ids),
        distribution=distribution,
        promoters=promoters,
        passives=len(scores) - promoters - detractors,
        detractors=detractors,
        mean=round(sum(scores) / len(scores), 1) if scores else None,
        texts=texts,
        not_answered=tuple(person for person in participants if person.pk not in answered_ids),
    )


def group_of(score: int) -> str:
    if score >= PROMOTERS_FROM:
        return "promoter"
    return "detractor" if score <= DETRACTORS_UP_TO else "passive"


CSV_HEADER = ("recommend", "group", *TEXT_FIELDS)


def csv_rows(*, evaluation: Evaluation) -> Iterator[list[str]]:
    """The header, then one row per answer: no name, id or time, ordered by the answers."""
    yield list(CSV_HEADER)
    rows = EvaluationAnswer.objects.filter(evaluation=evaluation).values_list(
        "recommend", *TEXT_FIELDS
    )
    ordered = sorted(rows, key=lambda row: (-row[0], *(text.casefold() for text in row[1:])))
    for recommend, *texts in ordered:
        yield [str(recommend), group_of(recommend), *(neutralise_formula(t) for t in texts)]


# --- Reminders --------------------------------------------------------------------------------


def reminder_key(*, evaluation: Evaluation, person: Any, round_number: int) -> str:
    return f"evaluation:{evaluation.pk}:reminder:{round_number}:{person.pk}"


def reminders_in_round(*, evaluation: Evaluation) -> int:
    """How many reminders the current round has queued."""
    prefix = f"evaluation:{evaluation.pk}:reminder:{evaluation.reminder_round}:"
    return Email.objects.filter(key__startswith=prefix).count()


def _deadline_text(moment: datetime, zone_name: str) -> str:
    local = timezone.localtime(moment, zoneinfo.ZoneInfo(zone_name))
    return f"{date_filter(local, 'DATETIME_FORMAT')} ({zone_name})"


def _reminder_context(*, evaluation: Evaluation, person: Any) -> dict[str, Any]:
    cohort = evaluation.cohort
    own_zone = getattr(person, "time_zone", "") or "UTC"
    closes_at = evaluation.closes_at
    return {
        "person": person,
        "cohort": cohort,
        "closes": _deadline_text(closes_at, own_zone) if closes_at else "",
        "closes_cohort": (
            _deadline_text(closes_at, cohort.time_zone)
            if closes_at and cohort.time_zone != own_zone
            else ""
        ),
        "link": settings.SITE_URL
        + reverse("cohorts:evaluation_answer", kwargs={"cohort_slug": cohort.slug}),
    }


def _queue_reminders(*, evaluation: Evaluation, people: Sequence[Any], round_number: int) -> int:
    # Reminded earlier in this round: skipped. The outbox's unique key keeps a single mail
    # should two facilitators press the button at the same moment.
    return _queue_asking(
        evaluation=evaluation,
        wanted={
            reminder_key(evaluation=evaluation, person=person, round_number=round_number): person
            for person in people
        },
    )


def _queue_asking(*, evaluation: Evaluation, wanted: dict[str, Any]) -> int:
    """Mail each of ``wanted`` (outbox key → person) that the evaluation waits for their
    answer, in their language and zone; keys queued already are skipped without rendering.
    All in one statement; return how many were queued."""
    done = queued_keys(wanted)
    mails = []
    for key, person in wanted.items():
        if key in done:
            continue
        language = language_of(person)
        with translation.override(language or translation.get_language()):
            context = _reminder_context(evaluation=evaluation, person=person)
        mails.append(
            templated_email(
                key=key,
                to=person.email,
                template="evaluation-reminder",
                context=context,
                language=language,
            )
        )
    queue_emails(mails)
    return len(mails)


def remind_non_respondents(
    *, evaluation: Evaluation, by: Any, new_round: bool = False, at: datetime | None = None
) -> int:
    """Queue one reminder for each participant who has not answered; return how many.

    Within a round, each person is reminded once however often this runs; ``new_round``
    starts the next round first, so everyone still missing gets one more reminder.
    """
    _require_manager(by=by, cohort=evaluation.cohort)
    at = at or timezone.now()
    with transaction.atomic():
        locked = (
            Evaluation.objects.select_for_update().select_related("cohort").get(pk=evaluation.pk)
        )
        if not locked.is_open(at=at):
            raise EvaluationRefused(_("The evaluation is not open: nobody was reminded."))
        if new_round:
            Evaluation.objects.filter(pk=locked.pk).update(reminder_round=F("reminder_round") + 1)
            locked.refresh_from_db(fields=["reminder_round"])
        queued = _queue_reminders(
            evaluation=locked,
            people=non_respondents(evaluation=locked),
            round_number=locked.reminder_round,
        )
    evaluation.refresh_from_db(fields=["reminder_round"])
    return queued
