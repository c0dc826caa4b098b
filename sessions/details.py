"""An event's details as the facilitator edits them outside the admin: title, theme,
description, video link, place, guest speakers and preparation.

Calendars show the title, the description, the link, the place, the guest speakers and the
preparation (see :func:`sessions.ics.describe`). A save that changes any of those raises the
event's SEQUENCE by one and queues one updated invitation per person concerned, in the same
transaction; a save that changes only the theme, or nothing, mails no one.
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.forms import BaseInlineFormSet, ModelForm
from django.utils.translation import gettext as _

from cohorts.permissions import Perm, has_cohort_perm

from .invitations import queue_invitations
from .models import Event

CALENDAR_FIELDS = frozenset({"title", "description", "video_url", "place"})


class DetailsProblem(ValueError):
    """Details that cannot be saved; ``message`` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class DetailsSaved:
    changed: bool  # anything saved at all
    calendars: bool  # something calendars show: SEQUENCE raised, invitations queued
    mails: int


@transaction.atomic
def save_event_details(
    *,
    event: Event,
    by: Any,
    form: ModelForm,
    speakers: BaseInlineFormSet,
    preparation: BaseInlineFormSet,
) -> DetailsSaved:
    """Save a valid details ``form`` of ``event`` and its valid ``speakers`` and
    ``preparation`` formsets, as the module docstring says. Only the fields of the form are
    written, so a move saved meanwhile is kept."""
    if not has_cohort_perm(user=by, cohort=event.cohort, perm=Perm.MANAGE_COHORT):
        raise PermissionDenied
    locked = Event.objects.select_for_update().get(pk=event.pk)
    if locked.is_cancelled:
        raise DetailsProblem(_("A cancelled event cannot be changed."))
    calendars = (
        bool(CALENDAR_FIELDS.intersection(form.changed_data))
        or speakers.has_changed()
        or preparation.has_changed()
    )
    if not (form.has_changed() or calendars):
        return DetailsSaved(changed=False, calendars=False, mails=0)
    edited = form.save(commit=False)
    fields = [*form.changed_data, "updated_at"]
    if calendars:
        edited.sequence = locked.sequence + 1
        fields.append("sequence")
    edited.save(update_fields=[name for name in fields if name in _event_fields()])
    speakers.save()
    preparation.save()
    mails = queue_invitations(events=[edited], change="updated") if calendars else []
    return DetailsSaved(changed=True, calendars=calendars, mails=len(mails))


def _event_fields() -> set[str]:
    return {field.name for field in Event._meta.concrete_fields}
