"""Who presents at the cohort's monthly sessions ("each month, several participants also
prepare presentations on local library projects"), and a fair suggestion: every participant
has a turn before anyone has a second.

Presenters already assigned, at past or future sessions, count as turns. Changing a
session's presenters raises its SEQUENCE (the calendar entry lists them), so feeds refresh,
and sends the presenters added or removed an updated invitation through the outbox.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.models import Cohort, Role
from cohorts.permissions import Perm, has_cohort_perm
from metlib.models import User

from .invitations import queue_invitations
from .models import Event

MAX_PER_SESSION = 10


class PresenterProblem(ValueError):
    """A change to presenters that cannot be carried out; ``message`` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Plan:
    """The cohort's participants, its monthly sessions (not cancelled, in date order), who
    presents at each (user ids) and the suggestion for the future ones."""

    participants: list[Any]
    sessions: list[Event]
    assigned: dict[int, list[int]]
    suggestion: dict[int, list[Any]]


def participants_of(cohort: Cohort) -> list[Any]:
    return list(
        User.objects.filter(memberships__cohort=cohort, memberships__role=Role.PARTICIPANT)
        .distinct()
        .order_by("display_name", "email", "pk")
    )


def _sessions(cohort: Cohort) -> list[Event]:
    return list(
        Event.objects.filter(cohort=cohort, kind=Event.Kind.MONTHLY)
        .exclude(status=Event.Status.CANCELLED)
        .order_by("starts_at", "pk")
    )


def _assigned(sessions: list[Event]) -> dict[int, list[int]]:
    assigned: dict[int, list[int]] = {event.pk: [] for event in sessions}
    rows = Event.presenters.through.objects.filter(event__in=[e.pk for e in sessions]).order_by(
        "pk"
    )
    for event_id, user_id in rows.values_list("event_id", "user_id"):
        assigned[event_id].append(user_id)
    return assigned


def _suggest(
    *,
    participants: list[Any],
    sessions: list[Event],
    assigned: dict[int, list[int]],
    per_session: int,
    now: Any,
) -> dict[int, list[Any]]:
    by_id = {person.pk: person for person in participants}
    turns = dict.fromkeys(by_id, 0)
    last = dict.fromkeys(by_id, -1)  # position of the latest turn; -1: none yet
    for position, event in enumerate(sessions):
        for user_id in assigned[event.pk]:
            if user_id in turns:
                turns[user_id] += 1
                last[user_id] = max(last[user_id], position)
    suggestion: dict[int, list[Any]] = {}
    for position, event in enumerate(sessions):
        if event.starts_at <= now:
            continue
        chosen = [by_id[user_id] for user_id in assigned[event.pk] if user_id in by_id]
        taken = {person.pk for person in chosen}
        while len(chosen) < per_session:
            free = [user_id for user_id in by_id if user_id not in taken]
            if not free:
                break
            pick = min(free, key=lambda user_id: (turns[user_id], last[user_id], user_id))
            turns[pick] += 1
            last[pick] = position
            taken.add(pick)
            chosen.append(by_id[pick])
        suggestion[event.pk] = chosen
    return suggestion


def _check_per_session(per_session: int) -> None:
    if not 1 <= per_session <= MAX_PER_SESSION:
        raise PresenterProblem(
            _("Presenters per session must be from 1 to %(max)d.") % {"max": MAX_PER_SESSION}
        )


def plan(*, cohort: Cohort, per_session: int = 2) -> Plan:
    """Everything the presenters page shows, in a fixed number of queries."""
    _check_per_session(per_session)
    participants = participants_of(cohort)
    sessions = _sessions(cohort)
    assigned = _assigned(sessions)
    suggestion = _suggest(
        participants=participants,
        sessions=sessions,
        assigned=assigned,
        per_session=per_session,
        now=timezone.now(),
    )
    return Plan(participants, sessions, assigned, suggestion)


def suggest_presenters(*, cohort: Cohort, per_session: int = 2) -> dict[int, list[Any]]:
    """For each future, non-cancelled monthly session (by event id, in date order): the
    presenters already assigned, filled up to ``per_session`` with the participants who have
    presented least so far (ties: the oldest latest turn, then the lowest id)."""
    return plan(cohort=cohort, per_session=per_session).suggestion


def _check_facilitator(*, cohort: Cohort, by: Any) -> None:
    if not has_cohort_perm(user=by, cohort=cohort, perm=Perm.MANAGE_COHORT):
        raise PermissionDenied


@transaction.atomic
def set_presenters(*, event: Event, by: Any, people: Iterable[Any]) -> bool:
    """Make ``people`` (participants of the event's cohort) its presenters. Returns whether
    anything changed. A change raises the event's SEQUENCE and queues an updated invitation
    for each presenter added or removed (one mail per person and change)."""
    _check_facilitator(cohort=event.cohort, by=by)
    people = list(people)
    allowed = {person.pk for person in participants_of(event.cohort)}
    strangers = [person for person in people if person.pk not in allowed]
    if strangers:
        raise PresenterProblem(
            _("Only participants of the cohort can present: %(names)s is not one.")
            % {"names": ", ".join(str(person) for person in strangers)}
        )
    if event.kind != Event.Kind.MONTHLY or event.is_cancelled:
        raise PresenterProblem(_("Presenters are chosen only for monthly sessions."))
    locked = Event.objects.select_for_update().get(pk=event.pk)
    wanted = {person.pk for person in people}
    current = set(locked.presenters.values_list("pk", flat=True))
    if wanted == current:
        return False
    locked.presenters.set(wanted)
    # The calendar entry lists the presenters: a new revision, sent to those it concerns.
    locked.sequence += 1
    locked.save(update_fields=["sequence", "updated_at"])
    event.updated_at, event.sequence = locked.updated_at, locked.sequence
    queue_invitations(events=[locked], change="updated", only=wanted ^ current)
    return True


@transaction.atomic
def apply_suggestion(*, cohort: Cohort, by: Any, per_session: int = 2) -> int:
    """Give every future monthly session the suggested presenters; returns how many
    sessions changed."""
    _check_facilitator(cohort=cohort, by=by)
    current = plan(cohort=cohort, per_session=per_session)
    events = {event.pk: event for event in current.sessions}
    changed = 0
    for event_id, people in current.suggestion.items():
        if {p.pk for p in people} != set(current.assigned[event_id]):
            changed += set_presenters(event=events[event_id], by=by, people=people)
    return changed
