"""The nominator's draft-and-submit workflow: save what was typed, submit when asked.

Nothing typed is lost: whatever is well-formed is saved as a draft even when a field is
malformed or the submission is refused, and the form comes back with every value and error.
A second POST of one new form (a double click, a resent request) updates the nomination the
first one made. The form validates; this module writes (the library a nominator typed
included) and says, in :class:`Outcome`, what to tell the nominator. The views only parse,
call and render.
"""

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cohorts.models import Cohort, Library

from . import submission
from .forms import NominationForm
from .models import Nomination


def saved_except_marked() -> str:  # in the language active when asked
    return _("We saved everything except the marked fields: correct them and save again.")


def not_submittable() -> str:
    return _("Your draft is saved, but it cannot be submitted yet: see the marked fields.")


def not_saved_yet() -> str:
    return _("Your changes are not saved yet: correct the marked fields.")


def started_for(*, user: Any, cohort_slug: str) -> Nomination | None:
    """The nomination ``user`` last worked on for the cohort that they can still change."""
    return (
        Nomination.objects.filter(
            nominator=user,
            cohort__slug=cohort_slug,
            status__in=(Nomination.Status.DRAFT, Nomination.Status.SUBMITTED),
        )
        .order_by("-updated_at")
        .only("pk")
        .first()
    )


def new_nomination_refused(*, user: Any, cohort: Cohort) -> str:
    """Why ``user`` may not start another nomination for ``cohort`` (empty when they may): an
    account starts at most ``NOMINATIONS_PER_ACCOUNT`` per call, so the form cannot be used to
    send confirmation requests to strangers in bulk."""
    limit = settings.NOMINATIONS_PER_ACCOUNT
    started = Nomination.objects.filter(nominator=user, cohort=cohort).count()
    if started < limit:
        return ""
    return ngettext(
        "You have already started %(count)d nomination for this call, the most one account "
        "may. Write to the call's contact if your library needs another.",
        "You have already started %(count)d nominations for this call, the most one account "
        "may. Write to the call's contact if your library needs more.",
        limit,
    ) % {"count": limit}


def typed_library(form: NominationForm) -> Library | None:
    """The library the nomination is for: the one chosen, or the one typed in (found or added
    to the directory), or None when neither is given or what was typed is malformed."""
    data = form.cleaned_data
    library = data.get("library")
    new_parts = ("new_library_name", "new_library_city", "new_library_country")
    typed_ok = not any(
        name in form.errors for name in (*new_parts, "new_library_population", "library")
    )
    if library is None and data.get("new_library_name") and typed_ok:
        library, _created = Library.objects.get_or_create(
            name=data["new_library_name"].strip(),
            city=data["new_library_city"].strip(),
            country=data["new_library_country"],
            defaults={"city_population": data["new_library_population"], "listed": False},
        )
    elif (
        library is not None
        and library.city_population is None
        and data.get("new_library_population") is not None
    ):
        library.city_population = data["new_library_population"]
        library.save(update_fields=["city_population"])
    return library


def write(form: NominationForm) -> Nomination:
    """Save every field of ``form`` that passed validation (all of them when it is valid) and
    leave the others as they were."""
    form.is_valid()  # validates once; ModelForm._post_clean puts every valid value on the instance
    nomination = form.instance
    if "stipend_conditional" in form.cleaned_data:
        nomination.stipend_conditional = form.cleaned_data["stipend_conditional"]
    if "library" not in form.errors:
        nomination.library = typed_library(form)
    nomination.save()
    if form.themes_changed():
        nomination.themes.set(form.cleaned_data["themes"])
    return nomination


@dataclass
class Outcome:
    form: NominationForm
    nomination: Nomination | None  # None when nothing could be saved
    done: bool  # the draft was saved, or the nomination submitted, as asked
    # What to tell the nominator, in order: (a level of django.contrib.messages, the words).
    notices: list[tuple[int, str]] = field(default_factory=list)

    def tell(self, level: int, text: str) -> "Outcome":
        self.notices.append((level, text))
        return self


def save_draft(form: NominationForm) -> Nomination:
    """Save what is valid in the form; a second POST of a new nomination (a double click)
    updates the nomination the first one created instead of making another."""
    try:
        with transaction.atomic():
            return write(form)
    except IntegrityError:
        if form.instance.pk is not None:
            raise
        # Two POSTs of one form raced and the other one created the nomination first.
        twin = Nomination.objects.filter(
            creation_token=form.instance.creation_token,
            nominator=form.instance.nominator,
            cohort=form.cohort,
        ).first()
        if twin is None:
            raise
        return save_draft(NominationForm(form.data, instance=twin, cohort=form.cohort))


def new_or_twin(*, user: Any, cohort: Cohort, token: str) -> Nomination:
    """The nomination a "new nomination" POST is about: a fresh one, or the one an earlier
    POST of the same form (same creation token) already created.

    A token already used by another nominator or for another cohort is not this form's:
    the nomination gets a fresh one rather than touching someone else's.
    """
    try:
        creation_token = uuid.UUID(str(token))
    except ValueError:
        creation_token = uuid.uuid4()
    existing = Nomination.objects.filter(creation_token=creation_token).first()
    if existing is not None:
        if existing.nominator_id == user.pk and existing.cohort_id == cohort.pk:
            return existing
        creation_token = uuid.uuid4()
    return Nomination(cohort=cohort, nominator=user, creation_token=creation_token)


def _show_refusal(outcome: Outcome, refused: submission.SubmissionRefused) -> bool:
    """Put each reason beside its field when it has one, the rest at the top of the page;
    True when some reason went beside a field."""
    beside = set()
    for name, reasons in refused.fields.items():
        for reason in reasons:
            outcome.form.add_error(name, reason)
            beside.add(reason)
    for reason in refused.messages:
        if reason not in beside:
            outcome.tell(messages.ERROR, reason)
    return bool(beside)


def save_and_maybe_submit(
    *, data: QueryDict, user: Any, cohort: Cohort, nomination: Nomination
) -> Outcome:
    """Save what was typed as a draft; submit it too when asked.

    Whatever is well-formed is saved even when the submission is refused, so nothing typed
    is lost; the returned form carries every value and every error for the page.
    """
    if nomination.pk and nomination.status != Nomination.Status.DRAFT:
        return change_submitted(data=data, user=user, cohort=cohort, nomination=nomination)
    refusal = new_nomination_refused(user=user, cohort=cohort) if nomination.pk is None else ""
    if refusal:  # nothing is saved; the page shows everything typed with the reason
        form = NominationForm(data, instance=nomination, cohort=cohort)
        form.is_valid()
        return Outcome(form, None, done=False).tell(messages.ERROR, refusal)
    submitting = "submit" in data
    form = NominationForm(data, instance=nomination, cohort=cohort, submitting=submitting)
    draft_form = form
    if submitting and not form.is_valid():
        draft_form = NominationForm(data, instance=nomination, cohort=cohort)
    nomination = save_draft(draft_form)
    if not draft_form.is_valid():
        return Outcome(form, nomination, done=False).tell(messages.WARNING, saved_except_marked())
    if not submitting:
        if submission.deadline_passed(cohort=cohort) and nomination.late_admitted_at is None:
            return Outcome(form, nomination, done=True).tell(
                messages.WARNING, submission.DEADLINE_PASSED
            )
        return Outcome(form, nomination, done=True).tell(
            messages.SUCCESS,
            _("Your draft is saved. You can come back and finish it until the deadline."),
        )
    if form is not draft_form:
        return Outcome(form, nomination, done=False).tell(messages.WARNING, not_submittable())
    was_draft = nomination.status == Nomination.Status.DRAFT
    outcome = Outcome(form, nomination, done=False)
    try:
        submission.submit_nomination(nomination=nomination, by=user)
    except submission.SubmissionRefused as refused:
        if _show_refusal(outcome, refused):
            outcome.tell(messages.WARNING, not_submittable())
        return outcome
    outcome.done = True
    return outcome.tell(
        messages.SUCCESS,
        _(
            "Your nomination is submitted. We have emailed you a receipt and asked the "
            "candidate to confirm."
        )
        if was_draft
        else _("Your changes are saved."),
    )


def change_submitted(
    *, data: QueryDict, user: Any, cohort: Cohort, nomination: Nomination
) -> Outcome:
    """Changes to a submitted nomination are saved only whole and valid, before the deadline."""
    form = NominationForm(data, instance=nomination, cohort=cohort, submitting=True)
    outcome = Outcome(form, nomination, done=False)
    if not form.is_valid():
        return outcome.tell(messages.WARNING, not_saved_yet())
    new_candidate = "candidate_email" in form.changed_data
    try:
        with transaction.atomic():
            write(form)
            submission.submit_nomination(nomination=nomination, by=user)
            if new_candidate:
                submission.ask_candidate_again(nomination=nomination)
    except submission.SubmissionRefused as refused:
        if _show_refusal(outcome, refused):
            outcome.tell(messages.WARNING, not_saved_yet())
        return outcome
    outcome.done = True
    if new_candidate:
        return outcome.tell(
            messages.SUCCESS,
            _("Your changes are saved. We have asked %(email)s to confirm the nomination.")
            % {"email": nomination.candidate_email},
        )
    return outcome.tell(messages.SUCCESS, _("Your changes are saved."))
