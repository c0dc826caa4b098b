"""The nominator's side of a nomination: drafts, submission, the deadline, withdrawal,
and the candidate's confirmation. Views, admin actions and tasks all call these."""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cohorts.models import Cohort, Library
from cohorts.permissions import Perm, has_cohort_perm
from metlib.languages import language_of
from metlib.outbox import queue_templated_email
from metlib.verified import verified_address

from . import candidate, nominator_mail
from .models import Call, Nomination

Status = Nomination.Status

# What must be filled in before a nomination can be submitted, with how to name it.
REQUIRED_FOR_SUBMISSION = {
    "library": gettext_lazy("the library"),
    "nominator_name": gettext_lazy("your name"),
    "nominator_role": gettext_lazy("your role"),
    "nominator_email": gettext_lazy("your email"),
    "candidate_name": gettext_lazy("the candidate's name"),
    "candidate_job_title": gettext_lazy("the candidate's job title"),
    "candidate_email": gettext_lazy("the candidate's email"),
    "candidate_bio": gettext_lazy("the candidate's biography"),
    "motivation": gettext_lazy("the motivation"),
    "project_kind": gettext_lazy("the kind of project"),
    "project_description": gettext_lazy("the project description"),
    "travel_support": gettext_lazy("whether the library can cover travel"),
    "stipend_conditional": gettext_lazy("whether participation depends on a stipend"),
}
COMMITMENTS = ("commits_working_hours", "commits_whole_year", "commits_language")


class SubmissionRefused(Exception):
    """The nomination cannot be submitted; ``messages`` say why, in words for the nominator.

    ``fields`` maps a form field to the reasons that belong beside it (e.g. the library's
    population beside the library); every reason is also in ``messages``.
    """

    def __init__(self, messages: list[str], *, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages
        self.fields = fields or {}


def call_of(cohort: Cohort) -> Call | None:
    try:
        return cohort.call
    except Call.DoesNotExist:
        return None


def call_visible_to(*, cohort: Cohort, user: Any) -> bool:
    """Whether ``user`` may read the cohort's call: everyone once it is published; before,
    only those who may edit it (its facilitators, the programme's managers), as a preview."""
    return cohort.call_is_published or has_cohort_perm(
        user=user, cohort=cohort, perm=Perm.MANAGE_COHORT
    )


def publish_call(*, cohort: Cohort, by: Any) -> bool:
    """Make the cohort's call public (listed on the home and calls pages, open to nominations
    on its dates). Returns False when it was published already."""
    if not has_cohort_perm(user=by, cohort=cohort, perm=Perm.MANAGE_COHORT):
        raise PermissionDenied
    if cohort.call_is_published:
        return False
    cohort.call_published_at = timezone.now()
    cohort.save(update_fields=["call_published_at"])
    return True


def deadline_passed(*, cohort: Cohort, at: datetime | None = None) -> bool:
    return (at or timezone.now()) >= cohort.nominations_deadline


def call_not_open_yet(*, cohort: Cohort, at: datetime | None = None) -> bool:
    return (at or timezone.now()) < cohort.nominations_open_at


def library_eligibility(*, library: Library | None, call: Call | None) -> str | None:
    """Why this library cannot nominate for this call, or None when it can."""
    if library is None or call is None:
        return None
    if library.city_population is None:
        return _(
            "Tell us the population of the urban area %(library)s serves, in the field "
            "“Population of the urban area served”."
        ) % {"library": library.name}
    if library.city_population < call.min_city_population:
        return _(
            "%(library)s serves an urban area of %(population)s people; this call is for "
            "libraries serving at least %(minimum)s."
        ) % {
            "library": library.name,
            "population": f"{library.city_population:,}",
            "minimum": f"{call.min_city_population:,}",
        }
    return None


def stipend_question_asked(*, cohort: Cohort, library: Library | None) -> bool:
    """Whether the form asks if participation depends on a travel stipend: not of a nominee
    whose library the call's stipend rule gives none (asked while no library is chosen)."""
    return library is None or cohort.may_receive_stipend(library)


def missing_for_submission(nomination: Nomination) -> list[str]:
    """The parts a nominator still has to fill in, named for them."""
    missing = [
        str(label)
        for field, label in REQUIRED_FOR_SUBMISSION.items()
        if getattr(nomination, field) in (None, "")
        and not (
            field == "stipend_conditional"
            and nomination.library_id
            and not stipend_question_asked(cohort=nomination.cohort, library=nomination.library)
        )
    ]
    if nomination.stipend_conditional and not nomination.stipend_reason.strip():
        missing.append(_("why a stipend is needed"))
    # .all() so that a list page's prefetch_related("themes") answers without a query.
    if nomination.pk and not nomination.themes.all():
        missing.append(_("at least one theme"))
    if not all(getattr(nomination, field) for field in COMMITMENTS):
        missing.append(_("the three commitments"))
    return missing


def _other_nominations_of_library(nomination: Nomination) -> int:
    return (
        Nomination.objects.filter(cohort=nomination.cohort, library=nomination.library)
        .exclude(pk=nomination.pk)
        .exclude(status__in=[Status.DRAFT, Status.WITHDRAWN])
        .count()
    )


DEADLINE_PASSED = gettext_lazy(
    "The deadline has passed. Your nomination is kept as a draft; the facilitator can still "
    "let it in."
)


def problems_by_field(
    *, nomination: Nomination, at: datetime | None = None
) -> list[tuple[str | None, str]]:
    """What stops this nomination being submitted now: (form field or None, reason) pairs,
    the reasons in words for the nominator."""
    cohort = nomination.cohort
    problems: list[tuple[str | None, str]] = []
    if call_not_open_yet(cohort=cohort, at=at):
        problems.append((None, _("The call for nominations is not open yet.")))
    if deadline_passed(cohort=cohort, at=at) and nomination.late_admitted_at is None:
        problems.append((None, str(DEADLINE_PASSED)))
    missing = missing_for_submission(nomination)
    if missing:
        problems.append((None, _("Still missing: %(parts)s.") % {"parts": ", ".join(missing)}))
    call = call_of(cohort)
    reason = library_eligibility(library=nomination.library, call=call)
    if reason:
        problems.append(("library", reason))
    limit = call.nominations_per_library if call else 1
    if nomination.library_id and _other_nominations_of_library(nomination) >= limit:
        problems.append(
            (
                "library",
                ngettext(
                    "%(library)s has already nominated %(count)s candidate, the most this "
                    "call allows.",
                    "%(library)s has already nominated %(count)s candidates, the most this "
                    "call allows.",
                    limit,
                )
                % {"library": nomination.library.name, "count": limit},
            )
        )
    return problems


def submission_problems(*, nomination: Nomination, at: datetime | None = None) -> list[str]:
    """Everything that stops this nomination being submitted now, in words for the nominator."""
    return [reason for _field, reason in problems_by_field(nomination=nomination, at=at)]


def submit_nomination(*, nomination: Nomination, by, at: datetime | None = None) -> Nomination:
    """Submit a draft, or save changes to a submitted nomination before the deadline.

    Raises :class:`SubmissionRefused` with the reasons, leaving the nomination as it was.
    On first submission the nominator gets a receipt and the candidate a request to confirm.
    """
    with transaction.atomic():
        # Lock the library so two nominations of one library cannot both squeeze under the limit.
        if nomination.library_id:
            Library.objects.select_for_update().get(pk=nomination.library_id)
        locked = Nomination.objects.select_for_update().get(pk=nomination.pk)
        if locked.status not in (Status.DRAFT, Status.SUBMITTED):
            raise SubmissionRefused([_("This nomination can no longer be changed.")])
        problems = problems_by_field(nomination=locked, at=at)
        if problems:
            fields: dict[str, list[str]] = {}
            for field, reason in problems:
                if field:
                    fields.setdefault(field, []).append(reason)
            raise SubmissionRefused([reason for _field, reason in problems], fields=fields)
        first_time = locked.status == Status.DRAFT
        try:
            if first_time:
                locked.status = Status.SUBMITTED
                locked.submitted_at = at or timezone.now()
                locked.save(update_fields=["status", "submitted_at", "updated_at"])
                if locked.library is not None and not locked.library.listed:
                    # A library typed into the draft joins the list once it has a nomination.
                    locked.library.listed = True
                    locked.library.save(update_fields=["listed", "updated_at"])
                candidate.issue_link(nomination=locked, at=at)
                _queue_receipt(nomination=locked)
            else:
                # A change to what the candidate confirmed, or to their address, asks again.
                candidate.ask_again_if_changed(nomination=locked, at=at)
        except candidate.RequestRefused as refused:
            raise SubmissionRefused([refused.message]) from refused
    nomination.refresh_from_db()
    return nomination


def _summary_context(nomination: Nomination) -> dict:
    return {
        "nomination": nomination,
        "cohort": nomination.cohort,
        "themes": list(nomination.themes.all()),
    }


def _queue_receipt(*, nomination: Nomination) -> None:
    queue_templated_email(
        key=f"nomination:{nomination.pk}:receipt",
        # Only to an address the nominator has verified: the form's contact field is free text.
        to=verified_address(nomination.nominator, nomination.nominator_email),
        template="nomination-receipt",
        context={
            **_summary_context(nomination),
            "nomination_url": settings.SITE_URL
            + reverse("nominations:detail", args=[nomination.pk]),
        },
        language=language_of(nomination.nominator),
    )


def find_by_candidate_token(token: str) -> Nomination | None:
    """The nomination a confirmation link was issued for, whatever became of the link since
    (nominations.candidate says what the link shows); None for a token never issued."""
    link = candidate.find_link(token)
    return None if link is None else link.nomination


def withdraw_nomination(*, nomination: Nomination, by) -> Nomination:
    """The nominator withdraws: it stays on record, no longer counts, and cannot be edited."""
    if nomination.status not in (Status.DRAFT, Status.SUBMITTED, Status.UNDER_REVIEW):
        raise SubmissionRefused([_("This nomination can no longer be withdrawn.")])
    nomination.status = Status.WITHDRAWN
    nomination.withdrawn_at = timezone.now()
    nomination.save(update_fields=["status", "withdrawn_at", "updated_at"])
    return nomination


def admit_late(*, nomination: Nomination, by, note: str = "") -> Nomination:
    """A facilitator lets one nomination in after the deadline; who and when are recorded.

    Raises ``PermissionDenied`` unless ``by`` may manage the nomination's cohort.
    """
    if not has_cohort_perm(user=by, cohort=nomination.cohort, perm=Perm.MANAGE_COHORT):
        raise PermissionDenied
    if nomination.status != Status.DRAFT:
        raise SubmissionRefused([_("Only a draft can be let in late.")])
    nomination.late_admitted_by = by
    nomination.late_admitted_at = timezone.now()
    nomination.late_admission_note = note[:300]
    with transaction.atomic():
        nomination.save(
            update_fields=[
                "late_admitted_by",
                "late_admitted_at",
                "late_admission_note",
                "updated_at",
            ]
        )
        nominator_mail.tell_late_admitted(nomination=nomination)
    return nomination
