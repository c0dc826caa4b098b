"""Attendance: who was present, excused or absent at each event of a cohort.

Facilitators record attendance for any event of their cohort; a mentor only for the
mentoring sessions of their own group. Participants see their own record.
"""

import functools
import zoneinfo
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import IntegerField, OuterRef, QuerySet, Subquery, Value
from django.utils.translation import gettext as _

from cohorts.models import Cohort, Membership, MentoringGroup, Role
from cohorts.permissions import MANAGER, cohort_roles

from .models import Attendance, Event

STATUSES = frozenset(Attendance.Status.values)


class AttendanceProblem(ValueError):
    """A mark that cannot be recorded: an unknown status or someone who cannot be marked."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _is_facilitator(user: Any, cohort: Cohort) -> bool:
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    # A manager of the cohort's programme may do everything a facilitator may.
    return bool({Role.FACILITATOR, MANAGER} & cohort_roles(user=user, cohort=cohort))


def may_record(*, event: Event, by: Any) -> bool:
    """Facilitators for any event; a mentor for their own group's mentoring sessions."""
    if _is_facilitator(by, event.cohort):
        return True
    return (
        event.kind == Event.Kind.MENTORING
        and event.mentoring_group_id is not None
        and event.mentoring_group.mentor_id == by.pk
        and Role.MENTOR in cohort_roles(user=by, cohort=event.cohort)
    )


def _markable_people(*, cohort_id: int, group_id: int | None) -> QuerySet:
    """The people who can be marked at an event of ``cohort_id`` (its participants, or
    those of them in the group ``group_id`` of a group mentoring session), unordered, for
    one query. Subqueries rather than joins: PostgreSQL plans them in a tenth of the time."""
    people = get_user_model().objects.filter(
        pk__in=Membership.objects.filter(cohort_id=cohort_id, role=Role.PARTICIPANT).values(
            "user_id"
        )
    )
    if group_id is not None:
        people = people.filter(
            pk__in=MentoringGroup.members.through.objects.filter(mentoringgroup_id=group_id).values(
                "user_id"
            )
        )
    return people.order_by()


def _group_of(event: Event) -> int | None:
    """The group whose members alone can be marked at ``event``, if any."""
    if event.kind == Event.Kind.MENTORING and event.mentoring_group_id is not None:
        return event.mentoring_group_id
    return None


# Stand-ins for the values a compiled query is run with (see _compiled).
_EVENT, _COHORT, _GROUP, _VIEWER = -1_600_001, -1_600_002, -1_600_003, -1_600_004


def _compiled(queryset: QuerySet) -> tuple[str, tuple]:
    """A query's SQL and parameters, with the stand-ins where its values go."""
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    return sql, tuple(params)


def _run(compiled: tuple[str, tuple], **values: int | None) -> list[tuple]:
    """Run a query compiled once with stand-ins (the pages' queries cost more to compile
    through the ORM for every request than to run) with the stand-ins replaced."""
    sql, template = compiled
    stand_ins = {_EVENT: values.get("event"), _COHORT: values.get("cohort")}
    stand_ins[_GROUP] = values.get("group")
    params = [
        stand_ins[value] if isinstance(value, int) and value in stand_ins else value
        for value in template
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@functools.cache
def _sheet_query(alias: str, in_group: bool) -> tuple[str, tuple]:
    """One session's sheet: each person who can be marked, by name, with their mark."""
    return _compiled(
        _markable_people(cohort_id=_COHORT, group_id=_GROUP if in_group else None)
        .annotate(
            mark=Subquery(
                Attendance.objects.filter(event_id=_EVENT, person_id=OuterRef("pk"))
                .order_by()
                .values("status")[:1]
            )
        )
        .order_by("display_name", "email")
        .values_list("pk", "display_name", "email", "mark")
        .using(alias)
    )


@functools.cache
def _people_query(alias: str) -> tuple[str, tuple]:
    """A cohort's participants (group NULL) and its groups' members (with their group):
    two simple queries joined by UNION ALL, which PostgreSQL plans quickly."""
    return _compiled(
        Membership.objects.using(alias)
        .filter(cohort_id=_COHORT, role=Role.PARTICIPANT)
        .order_by()
        .annotate(group_id=Value(None, output_field=IntegerField()))
        .values_list("user_id", "group_id")
        .union(
            MentoringGroup.members.through.objects.using(alias)
            .filter(mentoringgroup__cohort_id=_COHORT)
            .order_by()
            .values_list("user_id", "mentoringgroup_id"),
            all=True,
        )
    )


@functools.cache
def _events_query(alias: str, full: bool) -> tuple[str, tuple]:
    """A cohort's non-cancelled events (only what the sessions page uses), or for a mentor
    (not ``full``) their groups' mentoring sessions, in order."""
    events = (
        Event.objects.using(alias)
        .filter(cohort_id=_COHORT)
        .exclude(status=Event.Status.CANCELLED)
        .only("cohort_id", "kind", "mentoring_group_id", "title", "starts_at")
    )
    if not full:
        events = events.filter(kind=Event.Kind.MENTORING, mentoring_group__mentor_id=_VIEWER)
    return _compiled(events.order_by("starts_at", "pk"))


@functools.cache
def _marks_query(alias: str) -> tuple[str, tuple]:
    """Every mark of a cohort's non-cancelled events."""
    return _compiled(
        Attendance.objects.using(alias)
        .filter(event__cohort_id=_COHORT)
        .exclude(event__status=Event.Status.CANCELLED)
        .order_by()
        .values_list("event_id", "person_id", "status")
    )


def markable_ids(event: Event) -> set[int]:
    """Who can be marked at ``event``: the cohort's participants, or the group's members
    (who are participants). One query."""
    people = _markable_people(cohort_id=event.cohort_id, group_id=_group_of(event))
    return set(people.values_list("pk", flat=True))


def record_attendance(*, event: Event, by: Any, marks: Mapping[int, str | None]) -> int:
    """Record ``marks`` ({person id: status, or empty/None to clear}) for ``event``.

    Raises PermissionDenied when ``by`` may not record this event, and AttendanceProblem
    (changing nothing) for an unknown status or a person who cannot be marked here.
    Returns how many marks changed.
    """
    if not may_record(event=event, by=by):
        raise PermissionDenied
    if event.is_cancelled:
        raise AttendanceProblem(
            _("“%(title)s” is cancelled: nobody attends it.") % {"title": event.title}
        )
    cleaned: dict[int, str] = {}
    for person_id, status in marks.items():
        status = status or ""
        if status and status not in STATUSES:
            raise AttendanceProblem(
                _("“%(status)s” is not an attendance status.") % {"status": status}
            )
        cleaned[int(person_id)] = status
    allowed = markable_ids(event)
    outsiders = set(cleaned) - allowed
    if outsiders:
        raise AttendanceProblem(
            _("Only participants of this cohort, or of the group, can be marked for “%(title)s”.")
            % {"title": event.title}
        )
    with transaction.atomic():
        existing = dict(
            Attendance.objects.filter(event=event, person_id__in=cleaned).values_list(
                "person_id", "status"
            )
        )
        to_clear = [pid for pid, status in cleaned.items() if not status and pid in existing]
        to_write = [
            Attendance(event=event, person_id=pid, status=status, recorded_by=by)
            for pid, status in cleaned.items()
            if status and existing.get(pid) != status
        ]
        if to_clear:
            Attendance.objects.filter(event=event, person_id__in=to_clear).delete()
        if to_write:
            Attendance.objects.bulk_create(
                to_write,
                update_conflicts=True,
                unique_fields=["event", "person"],
                update_fields=["status", "recorded_by", "recorded_at"],
            )
    return len(to_clear) + len(to_write)


@dataclass(frozen=True)
class Column:
    event: Event
    day: date  # the event's date in the cohort's zone
    editable: bool
    counts: dict[str, int] = field(default_factory=dict)  # status ("" unrecorded) → people

    @property
    def tallies(self) -> list[tuple[str, int]]:
        """(label, people) for each status, in the statuses' order."""
        return [
            (str(label), self.counts.get(value, 0)) for value, label in Attendance.Status.choices
        ]

    @property
    def unrecorded(self) -> int:
        return self.counts.get("", 0)


@dataclass(frozen=True)
class Cell:
    event: Event
    day: date
    status: str  # "" when nothing is recorded
    markable: bool  # false for mentoring sessions of a group the person is not in
    editable: bool


@dataclass(frozen=True)
class Row:
    person: Any
    cells: list[Cell]


@dataclass(frozen=True)
class Grid:
    columns: list[Column]
    rows: list[Row]
    statuses: list[tuple[str, str]] = field(default_factory=lambda: Attendance.Status.choices)

    @property
    def editable(self) -> bool:
        return any(column.editable for column in self.columns)


def attendance_grid(*, cohort: Cohort, viewer: Any = None) -> Grid:
    """Participants (rows) by non-cancelled events (columns) with their statuses.

    With a ``viewer`` who is a mentor but no facilitator, only their groups' mentoring
    sessions and members are shown. A fixed number of queries, however large the cohort.
    """
    zone = zoneinfo.ZoneInfo(cohort.time_zone)
    full = viewer is None or _is_facilitator(viewer, cohort)
    events = list(
        Event.objects.filter(cohort=cohort)
        .exclude(status=Event.Status.CANCELLED)
        .select_related("mentoring_group")
        .order_by("starts_at", "pk")
    )
    group_members: dict[int, set[int]] = {}
    for group_id, user_id in MentoringGroup.members.through.objects.filter(
        mentoringgroup__cohort=cohort
    ).values_list("mentoringgroup_id", "user_id"):
        group_members.setdefault(group_id, set()).add(user_id)
    people = get_user_model().objects.filter(
        memberships__cohort=cohort, memberships__role=Role.PARTICIPANT
    )
    if not full:
        events = [
            e
            for e in events
            if e.kind == Event.Kind.MENTORING
            and e.mentoring_group is not None
            and e.mentoring_group.mentor_id == viewer.pk
        ]
        mine: set[int] = set()
        for event in events:
            mine |= group_members.get(event.mentoring_group_id, set())
        people = people.filter(pk__in=mine)
    people = list(people.order_by("display_name", "email").distinct())
    statuses = (
        {
            (event_id, person_id): status
            for event_id, person_id, status in Attendance.objects.filter(
                event__in=[e.pk for e in events], person__in=[p.pk for p in people]
            ).values_list("event_id", "person_id", "status")
        }
        if events and people
        else {}
    )
    columns = [
        Column(event=e, day=e.starts_at.astimezone(zone).date(), editable=True) for e in events
    ]
    rows = []
    for person in people:
        cells = []
        for column in columns:
            event = column.event
            markable = (
                event.kind != Event.Kind.MENTORING
                or event.mentoring_group_id is None
                or person.pk in group_members.get(event.mentoring_group_id, set())
            )
            cells.append(
                Cell(
                    event=event,
                    day=column.day,
                    status=statuses.get((event.pk, person.pk), ""),
                    markable=markable,
                    editable=markable and column.editable,
                )
            )
        rows.append(Row(person=person, cells=cells))
    for index, column in enumerate(columns):
        tally = Counter(row.cells[index].status for row in rows if row.cells[index].markable)
        column.counts.update({value: tally.get(value, 0) for value in ("", *STATUSES)})
    return Grid(columns=columns, rows=rows)


@dataclass(frozen=True)
class Sessions:
    """The attendance page: each session with how many are present, excused, absent and not
    recorded, and whether anyone can be marked at all."""

    columns: list[Column]
    anyone: bool


def _participants_and_groups(cohort: Cohort) -> tuple[set[int], dict[int, set[int]]]:
    """The cohort's participants, and the members of each of its mentoring groups: one
    query."""
    participants: set[int] = set()
    groups: dict[int, set[int]] = {}
    for person_id, group_id in _run(_people_query(connection.alias), cohort=cohort.pk):
        if group_id is None:
            participants.add(person_id)
        else:
            groups.setdefault(group_id, set()).add(person_id)
    return participants, groups


def session_list(*, cohort: Cohort, viewer: Any = None) -> Sessions:
    """The cohort's non-cancelled events with their counts (as :func:`attendance_grid`
    counts them: participants, or a mentoring session's group members), without building
    the grid: three queries whatever the year's size (the events, the participants and the
    groups' members, the marks)."""
    zone = zoneinfo.ZoneInfo(cohort.time_zone)
    full = viewer is None or _is_facilitator(viewer, cohort)
    sql, template = _events_query(connection.alias, full)
    params = [viewer.pk if value == _VIEWER else value for value in template]
    params = [cohort.pk if value == _COHORT else value for value in params]
    events = list(Event.objects.raw(sql, params))
    participants, groups = _participants_and_groups(cohort)
    if not full:
        mine: set[int] = set()
        for event in events:
            mine |= groups.get(event.mentoring_group_id, set())
        participants &= mine

    def markable(event: Event) -> set[int]:
        group = _group_of(event)
        return participants if group is None else participants & groups.get(group, set())

    reach = {event.pk: markable(event) for event in events}
    tallies: Counter = Counter()  # (event id, status) → people
    if events and participants:
        # The marks counted here, not by PostgreSQL: with the filter on who can be marked,
        # its plan took longer than sending the 2,000 rows.
        nobody: set[int] = set()
        tallies.update(
            (event_id, status)
            for event_id, person_id, status in _run(
                _marks_query(connection.alias), cohort=cohort.pk
            )
            if person_id in reach.get(event_id, nobody)
        )
    columns = []
    for event in events:
        counts = {value: tallies[event.pk, value] for value in STATUSES}
        counts[""] = len(reach[event.pk]) - sum(counts.values())
        columns.append(
            Column(
                event=event,
                day=event.starts_at.astimezone(zone).date(),
                editable=True,
                counts=counts,
            )
        )
    return Sessions(columns=columns, anyone=bool(participants))


@dataclass(frozen=True)
class RecordEntry:
    event: Event
    day: date
    status: str
    status_label: str


@dataclass(frozen=True)
class Record:
    entries: list[RecordEntry]
    counts: list[tuple[str, str, int]]  # (status, label, count)
    unrecorded: int


def record_of(*, person: Any, cohort: Cohort) -> Record:
    """A participant's own attendance: every non-cancelled event that concerns them."""
    zone = zoneinfo.ZoneInfo(cohort.time_zone)
    # Each side of the union without Event's default ordering: SQLite refuses ORDER BY in
    # the parts of a compound statement (PostgreSQL does not mind); the union is ordered.
    events = (
        Event.objects.filter(cohort=cohort)
        .exclude(status=Event.Status.CANCELLED)
        .exclude(kind=Event.Kind.MENTORING, mentoring_group__isnull=False)
        .order_by()
        .union(
            Event.objects.filter(
                cohort=cohort,
                kind=Event.Kind.MENTORING,
                mentoring_group__members=person,
            )
            .exclude(status=Event.Status.CANCELLED)
            .order_by()
        )
        .order_by("starts_at", "pk")
    )
    events = list(events)
    statuses = dict(
        Attendance.objects.filter(person=person, event__cohort=cohort).values_list(
            "event_id", "status"
        )
    )
    labels = dict(Attendance.Status.choices)
    entries = [
        RecordEntry(
            event=e,
            day=e.starts_at.astimezone(zone).date(),
            status=statuses.get(e.pk, ""),
            status_label=str(labels.get(statuses.get(e.pk, ""), "")),
        )
        for e in events
    ]
    tally = Counter(entry.status for entry in entries)
    counts = [(value, str(label), tally.get(value, 0)) for value, label in labels.items()]
    return Record(entries=entries, counts=counts, unrecorded=tally.get("", 0))


@dataclass(frozen=True)
class SheetLine:
    person_id: int
    name: str  # as the person is shown everywhere (User.__str__: display name, or email)
    status: str  # "" when nothing is recorded


@dataclass(frozen=True)
class Sheet:
    """One session's attendance, one line per person who can be marked: small enough for
    a phone, whatever the year's length."""

    event: Event
    day: date  # in the event's own zone
    lines: list[SheetLine]
    statuses: list[tuple[str, str]] = field(default_factory=lambda: Attendance.Status.choices)

    @property
    def unrecorded(self) -> int:
        return sum(1 for line in self.lines if not line.status)


def session_sheet(*, event: Event) -> Sheet:
    """Who can be marked at ``event`` (the cohort's participants, or the group's members),
    by name, with what is recorded: one query whatever the cohort's size (only the columns
    the sheet shows, each person's mark beside them)."""
    group = _group_of(event)
    rows = _run(
        _sheet_query(connection.alias, group is not None),
        event=event.pk,
        cohort=event.cohort_id,
        group=group,
    )
    lines = [
        SheetLine(person_id=pk, name=display_name or email, status=status or "")
        for pk, display_name, email, status in rows
    ]
    return Sheet(event=event, day=event.starts_at.astimezone(event.zone).date(), lines=lines)


def mark_everyone_present(*, event: Event, by: Any) -> int:
    """Mark present everyone at ``event`` with nothing recorded yet (the marks already
    there are exceptions and stay). Returns how many marks were added."""
    if not may_record(event=event, by=by):
        raise PermissionDenied
    recorded = set(Attendance.objects.filter(event=event).values_list("person_id", flat=True))
    marks = {pk: Attendance.Status.PRESENT for pk in markable_ids(event) - recorded}
    return record_attendance(event=event, by=by, marks=marks)
