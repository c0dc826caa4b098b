"""The facilitator's dashboard of a cohort: everything on one page, read in a fixed number of
queries however many nominations, participants and events the cohort has.

Reads only. The stage rule (:func:`cohort_stage`) is a plain function of the cohort's dates,
its selection and its first event, so it can be tested on its own.
"""

import html
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certificates.eligibility import (
    DEFAULT_MENTORING_MINIMUM,
    DEFAULT_MONTHLY_SHARE,
    Held,
    Rule,
    meets_rule,
)
from certificates.models import Certificate, CertificateSettings, EligibilityOverride, PrintedName
from cohorts.evaluation_models import Evaluation, EvaluationAnswer
from cohorts.geography import geography_of
from cohorts.models import Cohort, Library, Membership, MentoringGroup, Role
from metlib.charts import Chart, Row, Series
from metlib.labels import choice_labels, country_name
from metlib.models import Email, User
from nominations.models import Nomination, Review, Selection
from sessions.feeds import COHORT_WIDE_ROLES
from sessions.models import Attendance, CalendarSettings, Event
from sessions.reminders import offsets_from

NEXT_EVENTS = 3
FAILED_MAIL_SHOWN = 50


class Stage(models.TextChoices):
    """Where a cohort stands in its year, in order."""

    OPEN = "open", gettext_lazy("Call open")
    REVIEW = "review", gettext_lazy("Review")
    SELECTED = "selected", gettext_lazy("Selected")
    RUNNING = "running", gettext_lazy("Running")
    FINISHED = "finished", gettext_lazy("Finished")


def cohort_stage(
    *,
    cohort: Cohort,
    selection: Selection | None,
    first_event_at: datetime | None,
    now: datetime,
) -> Stage:
    """The cohort's stage at ``now``.

    - finished: the programme's last day (in the cohort's zone) is over;
    - running: the programme's first day has come, or the results are published and the
      first event has begun;
    - selected: the results are published;
    - review: review was opened, or the nomination deadline has passed;
    - open: otherwise (the call is open, or not yet open).
    """
    today = now.astimezone(cohort.zone).date()
    published = selection is not None and selection.published_at is not None
    if today > cohort.programme_end:
        return Stage.FINISHED
    if today >= cohort.programme_start or (
        published and first_event_at is not None and first_event_at <= now
    ):
        return Stage.RUNNING
    if published:
        return Stage.SELECTED
    if (selection is not None and selection.review_opened_at) or now >= (
        cohort.nominations_deadline
    ):
        return Stage.REVIEW
    return Stage.OPEN


@dataclass(frozen=True)
class StageStep:
    value: str
    label: str
    state: str  # "done", "current" or "todo"


def stage_steps(stage: Stage) -> list[StageStep]:
    labels = choice_labels(Stage)
    here = list(labels).index(stage)
    return [
        StageStep(
            value=value,
            label=label,
            state="done" if i < here else "current" if i == here else "todo",
        )
        for i, (value, label) in enumerate(labels.items())
    ]


@dataclass(frozen=True)
class Tally:
    label: str
    count: int


@dataclass(frozen=True)
class Reminders:
    """The reminder mails of one upcoming event at its current start."""

    sent: int
    queued: int
    failed: int
    moments: list[datetime]  # when reminders go out (start minus each offset)
    due: bool  # at least one moment has come

    @property
    def total(self) -> int:
        return self.sent + self.queued + self.failed


@dataclass(frozen=True, slots=True)
class EventRow:
    """What the dashboard reads of an event."""

    pk: int
    kind: str
    status: str
    title: str
    starts_at: datetime
    ends_at: datetime
    mentoring_group_id: int | None
    time_zone: str
    uid: str


@dataclass(frozen=True, slots=True)
class MemberRow:
    """What the dashboard reads of a membership: ``name`` is how the person is shown."""

    user_id: int
    role: str
    name: str
    is_active: bool
    country: str | None  # of their library; None without one


@dataclass(frozen=True, slots=True)
class GroupRow:
    """What the dashboard reads of a mentoring group: ``mentor`` is the mentor's name."""

    pk: int
    name: str
    mentor_id: int
    mentor: str
    member_ids: frozenset[int]


@dataclass(frozen=True, slots=True)
class FailedMail:
    """A failed mail as the dashboard lists it."""

    pk: int
    subject: str
    to: str
    created_at: datetime
    last_error: str


@dataclass(frozen=True)
class UpcomingEvent:
    event: EventRow
    concerned: int  # people the event's reminders reach
    reminders: Reminders


@dataclass(frozen=True)
class AttendanceLine:
    """Attendance of one event, or of one participant over the events past."""

    label: str
    present: int
    excused: int
    absent: int
    unrecorded: int

    @property
    def expected(self) -> int:
        return self.present + self.excused + self.absent + self.unrecorded

    @property
    def rate(self) -> int:
        """Share present, in whole percent."""
        return round(100 * self.present / self.expected) if self.expected else 0


@dataclass(frozen=True)
class GroupLine:
    group: GroupRow
    members: int
    next_event: EventRow | None
    attendance: AttendanceLine


@dataclass(frozen=True)
class Dashboard:
    cohort: Cohort
    stage: Stage
    steps: list[StageStep]
    selection: Selection | None
    nominations: list[Tally]
    nominations_total: int
    nominations_received: int  # submitted and after, neither drafts nor withdrawn
    reviews_owed: int
    roles: list[Tally]  # every role but participant
    participants: int
    countries: list[Tally]
    continents: list[Tally]
    next_events: list[UpcomingEvent]
    event_attendance: list[AttendanceLine]
    participant_attendance: list[AttendanceLine]
    groups: list[GroupLine]
    certificates_issued: int
    certificates_eligible: int
    failed_mail: list[FailedMail]
    failed_mail_more: bool
    now: datetime
    events_total: int  # not cancelled
    names_unconfirmed: int  # participants whose printed name is not confirmed
    figures: dict[str, Any] = field(default_factory=dict)  # the row of DASHBOARD_SQL
    charts: dict[str, Chart] = field(default_factory=dict)

    @property
    def countries_text(self) -> str:
        """ "Finland (3), Brazil (2)": built here, not by a template loop per country."""
        return tallies_text(self.countries)

    @property
    def continents_text(self) -> str:
        return tallies_text(self.continents)

    @property
    def event_rows(self) -> SafeString:
        return attendance_rows(self.event_attendance)

    @property
    def participant_rows(self) -> SafeString:
        return attendance_rows(self.participant_attendance)


def _event_label(event: EventRow, cohort: Cohort) -> str:
    day = event.starts_at.astimezone(cohort.zone).date()
    return f"{event.title} ({day.isoformat()})"


_STATUSES = (Attendance.Status.PRESENT, Attendance.Status.EXCUSED, Attendance.Status.ABSENT)
_NOBODY: frozenset[int] = frozenset()


def _line(label: str, expected: set[int], marked: dict[str, frozenset[int]]) -> AttendanceLine:
    """Attendance of one event: of the people ``expected``, those marked with each status
    (``marked``: the people per status; one mark per person and event)."""
    present, excused, absent = (len(expected & marked.get(s, _NOBODY)) for s in _STATUSES)
    return AttendanceLine(
        label=label,
        present=present,
        excused=excused,
        absent=absent,
        unrecorded=len(expected) - present - excused - absent,
    )


def _summed(label: str, lines: Iterable[AttendanceLine]) -> AttendanceLine:
    lines = list(lines)
    return AttendanceLine(
        label=label,
        present=sum(line.present for line in lines),
        excused=sum(line.excused for line in lines),
        absent=sum(line.absent for line in lines),
        unrecorded=sum(line.unrecorded for line in lines),
    )


def _person_lines(
    people: list[MemberRow],
    past: list[EventRow],
    expected: dict[int, set[int]],
    marked: dict[int, dict[str, frozenset[int]]],
) -> list[AttendanceLine]:
    """Each participant's attendance over the past events they were expected at, counted
    event by event (a set and a C-counted update each) rather than person by event."""
    counted = {status: Counter[int]() for status in (*_STATUSES, "")}
    for event in past:
        people_expected = expected[event.pk]
        counted[""].update(people_expected)
        for status in _STATUSES:
            counted[status].update(people_expected & marked.get(event.pk, {}).get(status, _NOBODY))
    lines = []
    for person in people:
        present, excused, absent = (counted[s][person.user_id] for s in _STATUSES)
        lines.append(
            AttendanceLine(
                label=person.name,
                present=present,
                excused=excused,
                absent=absent,
                unrecorded=counted[""][person.user_id] - present - excused - absent,
            )
        )
    return lines


def _expected(
    event: EventRow, participants: set[int], group_members: dict[int, set[int]]
) -> set[int]:
    if event.mentoring_group_id is not None:
        return participants & group_members.get(event.mentoring_group_id, set())
    return participants


def _reminders(
    event: EventRow, mails: list[tuple[str, str]], now: datetime, offsets: tuple[timedelta, ...]
) -> Reminders:
    start = str(int(event.starts_at.timestamp()))
    statuses = Counter(status for key, status in mails if key.rsplit(":", 1)[-1] == start)
    moments = [event.starts_at - offset for offset in offsets]
    return Reminders(
        sent=statuses[Email.Status.SENT],
        queued=statuses[Email.Status.PENDING],
        failed=statuses[Email.Status.FAILED],
        moments=sorted(moments),
        due=any(moment <= now for moment in moments),
    )


def _table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


# Failed mail that concerns a cohort ({cohort} is its id's placeholder). A mail row carries no
# cohort, so it is scoped by its recipient: a member of the cohort, or the nominator or
# candidate of one of its nominations. Someone who is in two cohorts sees their failed mail
# on both dashboards. Written once, for the dashboard's statement and for the retry's check.
# Asked of each failed mail, one EXISTS per kind of address, each answered from an index on
# the lowercased address (0006/0009 "email_lower_indexes"): with one address list for IN,
# PostgreSQL lowercased and hashed every address of the cohort on every visit (1.5 ms at 500
# nominations, once the tables have statistics); this way 1 or 300 failed mails cost little.
FAILED_MAIL_WHERE = f"""
m.status = '{Email.Status.FAILED.value}' AND (
  EXISTS (SELECT 1 FROM {_table(User)} u JOIN {_table(Membership)} ms ON ms.user_id = u.id
           WHERE lower(u.email) = lower(m."to") AND ms.cohort_id = {{cohort}})
  OR EXISTS (SELECT 1 FROM {_table(Nomination)} n
              WHERE n.cohort_id = {{cohort}} AND lower(n.candidate_email) = lower(m."to"))
  OR EXISTS (SELECT 1 FROM {_table(Nomination)} n
              WHERE n.cohort_id = {{cohort}} AND lower(n.nominator_email) = lower(m."to"))
  OR EXISTS (SELECT 1 FROM {_table(User)} u JOIN {_table(Nomination)} n ON n.nominator_id = u.id
              WHERE lower(u.email) = lower(m."to") AND n.cohort_id = {{cohort}})
)"""  # noqa: S608 - table names from the models, the id as a parameter


def cohort_failed_mail(*, cohort: Cohort) -> models.QuerySet[Email]:
    """Failed mail that concerns ``cohort`` (see :data:`FAILED_MAIL_WHERE`), newest first."""
    ids = f"SELECT m.id FROM {_table(Email)} m WHERE {FAILED_MAIL_WHERE.format(cohort='%s')}"  # noqa: S608
    concerning = RawSQL(ids, [cohort.pk] * 4)  # noqa: S611 - the id as a parameter
    return Email.objects.filter(pk__in=concerning).order_by("-created_at", "-pk")


_SELECTION_FIELDS = [f for f in Selection._meta.concrete_fields]
_MEMBERS_TABLE = MentoringGroup.members.through._meta.db_table

# Everything the dashboard reads, in one statement rather than one ORM query per model:
# under load each query's compiling and round trip cost more than its work (measured with
# ``python -m bench.profile --page dashboard``). Lists come as JSON arrays of plain values,
# read into the small records above rather than model instances.
DASHBOARD_SQL = f"""
SELECT
  (SELECT json_object_agg(status, n) FROM (
     SELECT status, COUNT(*) AS n FROM {_table(Nomination)} WHERE cohort_id = c.id
      GROUP BY status) AS counted) AS status_counts,
  (SELECT COUNT(*) FROM {_table(Review)} r
     JOIN {_table(Nomination)} n ON n.id = r.nomination_id
    WHERE n.cohort_id = c.id AND r.status IN (%(assigned)s, %(draft)s)
      AND n.status <> %(withdrawn)s) AS reviews_owed,
  (SELECT reminder_offsets FROM {_table(CalendarSettings)} WHERE cohort_id = c.id)
    AS reminder_offsets,
  s.monthly_share, s.mentoring_minimum,
  ARRAY(SELECT person_id FROM {_table(EligibilityOverride)}
         WHERE cohort_id = c.id AND eligible) AS made_eligible,
  ARRAY(SELECT person_id FROM {_table(EligibilityOverride)}
         WHERE cohort_id = c.id AND NOT eligible) AS made_not_eligible,
  ARRAY(SELECT person_id FROM {_table(Certificate)}
         WHERE cohort_id = c.id AND revoked_at IS NULL) AS certified,
  ARRAY(SELECT person_id FROM {_table(PrintedName)}
         WHERE cohort_id = c.id AND confirmed_at IS NOT NULL) AS names_confirmed,
  e.opens_at AS evaluation_opens_at, e.closes_at AS evaluation_closes_at,
  e.closed_at AS evaluation_closed_at,
  (SELECT COUNT(*) FROM {_table(EvaluationAnswer)} WHERE evaluation_id = e.id)
    AS evaluation_answers,
  later.slug AS later_slug, later.name AS later_name,
  {
    ", ".join(
        f'sel.{connection.ops.quote_name(f.column)} AS "selection_{f.attname}"'
        for f in _SELECTION_FIELDS
    )
},
  -- People, mentors and attendance by their keys' indexes, row by row (OFFSET 0 and the
  -- scalar subquery keep them so): a join let PostgreSQL hash every person of every cohort
  -- (3,000 after a full bench run) on every visit.
  (SELECT json_agg(json_build_array(
            m.user_id, m.role, COALESCE(NULLIF(u.display_name, ''), u.email), u.is_active,
            l.country)
          ORDER BY u.display_name, u.email, m.id)
     FROM {_table(Membership)} m
     CROSS JOIN LATERAL (
       SELECT u.display_name, u.email, u.is_active FROM {_table(User)} u
        WHERE u.id = m.user_id OFFSET 0) u
     LEFT JOIN {_table(Library)} l ON l.id = m.library_id
    WHERE m.cohort_id = c.id) AS members,
  (SELECT json_agg(json_build_array(
            ev.id, ev.kind, ev.status, ev.title, ev.starts_at, ev.ends_at,
            ev.mentoring_group_id, ev.time_zone, ev.uid)
          ORDER BY ev.starts_at, ev.id)
     FROM {_table(Event)} ev WHERE ev.cohort_id = c.id) AS events,
  (SELECT json_agg(json_build_array(
            g.id, g.name, g.mentor_id,
            (SELECT COALESCE(NULLIF(mu.display_name, ''), mu.email) FROM {_table(User)} mu
              WHERE mu.id = g.mentor_id),
            ARRAY(SELECT gm.user_id FROM {connection.ops.quote_name(_MEMBERS_TABLE)} gm
                   WHERE gm.mentoringgroup_id = g.id ORDER BY gm.user_id))
          ORDER BY g.name)
     FROM {_table(MentoringGroup)} g
    WHERE g.cohort_id = c.id) AS groups,
  (SELECT json_agg(json_build_array(marked.event_id, marked.status, marked.people)
          ORDER BY marked.event_id, marked.status)
     FROM (SELECT a.event_id, a.status, ARRAY_AGG(a.person_id ORDER BY a.person_id) AS people
             FROM {_table(Attendance)} a
            WHERE a.event_id = ANY(ARRAY(
                    SELECT ev.id FROM {_table(Event)} ev WHERE ev.cohort_id = c.id))
            GROUP BY a.event_id, a.status) marked) AS marks,
  (SELECT json_agg(json_build_array(m.key, m.status) ORDER BY m.id)
     FROM (SELECT ev.uid FROM {_table(Event)} ev
            WHERE ev.cohort_id = c.id AND ev.status <> %(cancelled)s AND ev.starts_at > %(now)s
            ORDER BY ev.starts_at, ev.id LIMIT {NEXT_EVENTS}) up
     -- Each event's keys, from "reminder:<uid>:" up to "reminder:<uid>;" (the next
     -- character): a range the key's pattern index answers, event by event (OFFSET 0 keeps
     -- the subquery apart, planned for one event). A LIKE with a pattern built from a
     -- column cannot use the index, and read the whole outbox, which keeps every mail.
     CROSS JOIN LATERAL (
       SELECT m.id, m.key, m.status FROM {_table(Email)} m
        WHERE m.key ~>=~ ('reminder:' || up.uid::text || ':')
          AND m.key ~<~ ('reminder:' || up.uid::text || ';')
        OFFSET 0) m) AS reminder_mails,
  (SELECT json_agg(json_build_array(f.id, f.subject, f."to", f.created_at, f.last_error)
          ORDER BY f.created_at DESC, f.id DESC)
     FROM (SELECT m.id, m.subject, m."to", m.created_at, m.last_error FROM {_table(Email)} m
            WHERE {FAILED_MAIL_WHERE.format(cohort="c.id")}
            ORDER BY m.created_at DESC, m.id DESC LIMIT {FAILED_MAIL_SHOWN + 1}) f)
    AS failed_mail
FROM {_table(Cohort)} c
LEFT JOIN {_table(CertificateSettings)} s ON s.cohort_id = c.id
LEFT JOIN {_table(Evaluation)} e ON e.cohort_id = c.id
LEFT JOIN {_table(Selection)} sel ON sel.cohort_id = c.id
LEFT JOIN LATERAL (
  SELECT slug, name FROM {_table(Cohort)} l
   WHERE l.programme_id = c.programme_id AND l.programme_start > c.programme_start
   ORDER BY l.programme_start, l.id LIMIT 1
) later ON TRUE
WHERE c.id = %(cohort)s
"""  # noqa: S608 - table names from the models, values as parameters


_NAMES: list[str] = []


def _column_names(cursor: Any) -> list[str]:
    """The columns of :data:`DASHBOARD_SQL`, read from the first answer and kept: the
    statement is the same for the life of the process, and reading a description builds
    an object per column (about fifty) on every visit."""
    if not _NAMES:
        _NAMES.extend(column.name for column in cursor.description)
    return _NAMES


def cohort_figures(*, cohort: Cohort, now: datetime | None = None) -> dict[str, Any]:
    """What the dashboard reads for ``cohort`` at ``now``, by name: the nominations by status,
    reviews owed, the reminder offsets, the certificate rule with its overrides, certificates
    and confirmed names, the evaluation and its answers, the programme's next cohort, the
    selection's columns, and the lists (members, events, groups, attendance marks, the next
    events' reminder mails, failed mail) as tuples of plain values.

    One statement (:data:`DASHBOARD_SQL`) on PostgreSQL; several ORM queries on SQLite (the
    embedded default), which give the same dictionary."""
    now = now or timezone.now()
    if connection.vendor != "postgresql":
        return _figures_by_orm(cohort=cohort, now=now)
    with connection.cursor() as cursor:
        cursor.execute(
            DASHBOARD_SQL,
            {
                "cohort": cohort.pk,
                "now": now,
                "assigned": Review.Status.ASSIGNED.value,
                "draft": Review.Status.DRAFT.value,
                "withdrawn": Nomination.Status.WITHDRAWN.value,
                "cancelled": Event.Status.CANCELLED.value,
            },
        )
        figures = dict(zip(_column_names(cursor), cursor.fetchone(), strict=True))
    # JSON gives lists and ISO texts: the same tuples and datetimes as the ORM's.
    figures["members"] = [tuple(row) for row in figures["members"] or ()]
    figures["events"] = [
        (pk, kind, status, title, _moment(starts), _moment(ends), group, zone, uid)
        for pk, kind, status, title, starts, ends, group, zone, uid in figures["events"] or ()
    ]
    figures["groups"] = [
        (pk, name, mentor_id, mentor, tuple(members))
        for pk, name, mentor_id, mentor, members in figures["groups"] or ()
    ]
    figures["marks"] = [
        (event_id, status, tuple(people)) for event_id, status, people in figures["marks"] or ()
    ]
    figures["reminder_mails"] = [tuple(row) for row in figures["reminder_mails"] or ()]
    figures["failed_mail"] = [
        (pk, subject, to, _moment(created_at), last_error)
        for pk, subject, to, created_at, last_error in figures["failed_mail"] or ()
    ]
    return figures


def _figures_by_orm(*, cohort: Cohort, now: datetime | None = None) -> dict[str, Any]:
    """:func:`cohort_figures` in several ORM queries, for SQLite (the embedded default)."""
    now = now or timezone.now()
    nominations = Nomination.objects.filter(cohort=cohort).order_by()
    rule = CertificateSettings.objects.filter(cohort=cohort).first()
    evaluation = Evaluation.objects.filter(cohort=cohort).first()
    later = (
        Cohort.objects.filter(
            programme_id=cohort.programme_id, programme_start__gt=cohort.programme_start
        )
        .order_by("programme_start", "pk")
        .first()
    )
    overrides = EligibilityOverride.objects.filter(cohort=cohort)
    owed = Review.objects.filter(
        nomination__cohort=cohort, status__in=[Review.Status.ASSIGNED, Review.Status.DRAFT]
    ).exclude(nomination__status=Nomination.Status.WITHDRAWN)
    selection = Selection.objects.filter(cohort=cohort).first()
    memberships = (
        Membership.objects.filter(cohort=cohort)
        .select_related("user", "library")
        .order_by("user__display_name", "user__email", "pk")
    )
    events = [
        (*row[:-1], str(row[-1]))
        for row in Event.objects.filter(cohort=cohort)
        .order_by("starts_at", "pk")
        .values_list(
            "pk",
            "kind",
            "status",
            "title",
            "starts_at",
            "ends_at",
            "mentoring_group_id",
            "time_zone",
            "uid",
        )
    ]
    groups = list(MentoringGroup.objects.filter(cohort=cohort).select_related("mentor"))
    members: dict[int, list[int]] = {group.pk: [] for group in groups}
    for group_id, user_id in (
        MentoringGroup.members.through.objects.filter(mentoringgroup__in=groups)
        .order_by("user_id")
        .values_list("mentoringgroup_id", "user_id")
    ):
        members[group_id].append(user_id)
    upcoming = [
        uid
        for _pk, _kind, status, _title, starts, *_rest, uid in events
        if status != Event.Status.CANCELLED and starts > now
    ][:NEXT_EVENTS]
    wanted = Q(pk__in=[])
    for uid in upcoming:
        wanted |= Q(key__startswith=f"reminder:{uid}:")
    return {
        "status_counts": dict(
            nominations.values_list("status").annotate(n=models.Count("pk")).order_by()
        ),
        "reviews_owed": owed.count(),
        "reminder_offsets": CalendarSettings.objects.filter(cohort=cohort)
        .values_list("reminder_offsets", flat=True)
        .first(),
        "monthly_share": rule.monthly_share if rule else None,
        "mentoring_minimum": rule.mentoring_minimum if rule else None,
        "made_eligible": list(overrides.filter(eligible=True).values_list("person_id", flat=True)),
        "made_not_eligible": list(
            overrides.filter(eligible=False).values_list("person_id", flat=True)
        ),
        "certified": list(
            Certificate.objects.filter(cohort=cohort, revoked_at__isnull=True).values_list(
                "person_id", flat=True
            )
        ),
        "names_confirmed": list(
            PrintedName.objects.filter(cohort=cohort, confirmed_at__isnull=False).values_list(
                "person_id", flat=True
            )
        ),
        "evaluation_opens_at": evaluation.opens_at if evaluation else None,
        "evaluation_closes_at": evaluation.closes_at if evaluation else None,
        "evaluation_closed_at": evaluation.closed_at if evaluation else None,
        "evaluation_answers": evaluation.answers.count() if evaluation else 0,
        "later_slug": later.slug if later else None,
        "later_name": later.name if later else None,
        **{
            f"selection_{f.attname}": getattr(selection, f.attname) if selection else None
            for f in _SELECTION_FIELDS
        },
        "members": [
            (
                m.user_id,
                m.role,
                str(m.user),
                m.user.is_active,
                m.library.country.code if m.library else None,
            )
            for m in memberships
        ],
        "events": events,
        "groups": [
            (group.pk, group.name, group.mentor_id, str(group.mentor), tuple(members[group.pk]))
            for group in sorted(groups, key=lambda group: group.name)
        ],
        "marks": _marks_by_event(
            Attendance.objects.filter(event__cohort=cohort)
            .order_by("event_id", "status", "person_id")
            .values_list("event_id", "status", "person_id")
        ),
        "reminder_mails": list(
            Email.objects.filter(wanted).order_by("pk").values_list("key", "status")
            if upcoming
            else []
        ),
        "failed_mail": list(
            cohort_failed_mail(cohort=cohort).values_list(
                "pk", "subject", "to", "created_at", "last_error"
            )[: FAILED_MAIL_SHOWN + 1]
        ),
    }


def _marks_by_event(
    rows: Iterable[tuple[int, str, int]],
) -> list[tuple[int, str, tuple[int, ...]]]:
    """(event, status, person) sorted by event, status and person, as the statement gives
    them: one (event, status, people) per event and status."""
    grouped: dict[tuple[int, str], list[int]] = {}
    for event_id, status, person_id in rows:
        grouped.setdefault((event_id, status), []).append(person_id)
    return [(event_id, status, tuple(people)) for (event_id, status), people in grouped.items()]


def _selection(figures: dict[str, Any]) -> Selection | None:
    if figures["selection_id"] is None:
        return None
    names = [f.attname for f in _SELECTION_FIELDS]
    return Selection.from_db(
        connection.alias, names, [figures[f"selection_{name}"] for name in names]
    )


def _moment(text: str) -> datetime:
    """A timestamp as JSON gives it (ISO 8601, with its offset)."""
    return datetime.fromisoformat(text)


def _certificates(
    *,
    figures: dict[str, Any],
    participants: set[int],
    held: Held,
    marked: dict[int, dict[str, frozenset[int]]],
    group_members: dict[int, set[int]],
) -> tuple[int, int]:
    """(issued, eligible) among the participants, by the certificates' own rule, from what
    the dashboard has read already."""
    rule = Rule(
        figures["monthly_share"] if figures["monthly_share"] is not None else DEFAULT_MONTHLY_SHARE,
        figures["mentoring_minimum"]
        if figures["mentoring_minimum"] is not None
        else DEFAULT_MENTORING_MINIMUM,
    )
    present: dict[int, set[int]] = {}
    for event_id in held.ids:
        for person_id in marked.get(event_id, {}).get(Attendance.Status.PRESENT, ()):
            present.setdefault(person_id, set()).add(event_id)
    groups_of: dict[int, set[int]] = {}
    for group_id, members in group_members.items():
        for person_id in members:
            groups_of.setdefault(person_id, set()).add(group_id)
    yes, no = set(figures["made_eligible"]), set(figures["made_not_eligible"])
    eligible = 0
    for pid in participants:
        if pid in yes or pid in no:
            eligible += pid in yes
            continue
        met, _attended, _mentoring = meets_rule(
            rule=rule,
            held=held,
            present=present.get(pid, set()),
            own_groups=groups_of.get(pid, set()),
        )
        eligible += met
    return len(participants & set(figures["certified"])), eligible


def tallies_text(tallies: list[Tally]) -> str:
    """Tallies as "label (count)" joined by commas; the template escapes it."""
    return ", ".join(f"{tally.label} ({tally.count})" for tally in tallies)


def attendance_rows(lines: list[AttendanceLine]) -> SafeString:
    """The body rows of an attendance table, built here rather than by a template loop: with
    thirty participants the loop's per-cell lookups and filters cost more than the counting.
    Numbers are plain digits, as the table showed them under ``{% localize off %}``."""
    return mark_safe(  # noqa: S308 - the one text, the label, is escaped
        "".join(
            f'<tr><th scope="row">{html.escape(line.label)}</th>'
            f'<td class="num">{line.present}</td><td class="num">{line.excused}</td>'
            f'<td class="num">{line.absent}</td><td class="num">{line.unrecorded}</td>'
            f'<td class="num">{line.rate}%</td></tr>\n'
            for line in lines
        )
    )


def _charts(events: list[AttendanceLine], people: list[AttendanceLine]) -> dict[str, Chart]:
    series = (Series(name=_("Present"), value_format=_("%(value)d%% present")),)
    return {
        "events": Chart(
            chart_id="chart-attendance-events",
            title=_("Attendance per event"),
            description=_("The share of expected participants present at each past event."),
            label_heading=_("Event"),
            series=series,
            rows=tuple(Row(label=line.label, values=(line.rate,)) for line in events),
        ),
        "people": Chart(
            chart_id="chart-attendance-people",
            title=_("Attendance per participant"),
            description=_("The share of past events each participant was present at."),
            label_heading=_("Participant"),
            series=series,
            rows=tuple(Row(label=line.label, values=(line.rate,)) for line in people),
        ),
    }


def cohort_dashboard(*, cohort: Cohort, now: datetime | None = None) -> Dashboard:
    """Everything the facilitator's dashboard shows, in a fixed number of queries."""
    now = now or timezone.now()
    figures = cohort_figures(cohort=cohort, now=now)
    selection = _selection(figures)
    found = figures["status_counts"] or {}
    labels = choice_labels(Nomination.Status)
    counts = {status: found.get(status, 0) for status in labels}
    memberships = [MemberRow(*row) for row in figures["members"]]
    participants = [m for m in memberships if m.role == Role.PARTICIPANT]
    participant_ids = {m.user_id for m in participants}
    events = [EventRow(*row) for row in figures["events"]]
    live = [e for e in events if e.status != Event.Status.CANCELLED]
    groups = [
        GroupRow(pk, name, mentor_id, mentor, frozenset(members))
        for pk, name, mentor_id, mentor, members in figures["groups"]
    ]
    group_members = {group.pk: set(group.member_ids) for group in groups}
    past = [e for e in live if e.ends_at <= now]
    marked: dict[int, dict[str, frozenset[int]]] = {}
    for event_id, status, people in figures["marks"]:
        marked.setdefault(event_id, {})[status] = frozenset(people)

    expected = {e.pk: _expected(e, participant_ids, group_members) for e in past}
    lines = {
        e.pk: _line(_event_label(e, cohort), expected[e.pk], marked.get(e.pk, {})) for e in past
    }
    event_lines = [lines[e.pk] for e in past if e.mentoring_group_id is None]
    person_lines = _person_lines(participants, past, expected, marked)

    upcoming = [e for e in live if e.starts_at > now][:NEXT_EVENTS]
    mails: list[tuple[str, str]] = [
        (key, status) for key, status in figures["reminder_mails"] or ()
    ]
    active = {m.user_id for m in memberships if m.is_active}
    cohort_wide = {m.user_id for m in memberships if m.role in COHORT_WIDE_ROLES} & active
    group_of = {g.pk: g for g in groups}

    def concerned(event: EventRow) -> int:
        if event.mentoring_group_id is None:
            return len(active)
        group = group_of.get(event.mentoring_group_id)
        people = cohort_wide | group_members.get(event.mentoring_group_id, set())
        return len(people | ({group.mentor_id} if group else set()))

    offsets = offsets_from(figures["reminder_offsets"])
    next_events = [
        UpcomingEvent(
            event=e,
            concerned=concerned(e),
            reminders=_reminders(
                e, [m for m in mails if m[0].startswith(f"reminder:{e.uid}:")], now, offsets
            ),
        )
        for e in upcoming
    ]
    group_lines = [
        GroupLine(
            group=group,
            members=len(group_members.get(group.pk, set())),
            next_event=next(
                (e for e in live if e.mentoring_group_id == group.pk and e.starts_at > now), None
            ),
            attendance=_summed(
                group.name, (lines[e.pk] for e in past if e.mentoring_group_id == group.pk)
            ),
        )
        for group in groups
    ]
    places = [geography_of(m.country) for m in participants if m.country is not None]
    country_codes = Counter(m.country for m in participants if m.country is not None)
    failed = [FailedMail(*row) for row in figures["failed_mail"]]
    issued, eligible = _certificates(
        figures=figures,
        participants=participant_ids,
        held=Held.of((e.pk, e.kind, e.mentoring_group_id) for e in live if e.starts_at <= now),
        marked=marked,
        group_members=group_members,
    )
    roles = Counter(m.role for m in memberships)
    stage = cohort_stage(
        cohort=cohort,
        selection=selection,
        first_event_at=live[0].starts_at if live else None,
        now=now,
    )
    return Dashboard(
        cohort=cohort,
        stage=stage,
        steps=stage_steps(stage),
        selection=selection,
        nominations=[Tally(label=labels[s], count=n) for s, n in counts.items()],
        nominations_total=sum(counts.values()),
        nominations_received=sum(
            n
            for s, n in counts.items()
            if s not in (Nomination.Status.DRAFT, Nomination.Status.WITHDRAWN)
        ),
        reviews_owed=figures["reviews_owed"],
        roles=[
            Tally(label=label, count=roles[role])
            for role, label in choice_labels(Role).items()
            if role != Role.PARTICIPANT
        ],
        participants=len(participants),
        countries=sorted(
            (Tally(label=country_name(c), count=n) for c, n in country_codes.items()),
            key=lambda t: (-t.count, t.label),
        ),
        continents=sorted(
            (
                Tally(label=c or _("Unknown"), count=n)
                for c, n in Counter(p.continent_name for p in places).items()
            ),
            key=lambda t: (-t.count, t.label),
        ),
        next_events=next_events,
        event_attendance=event_lines,
        participant_attendance=person_lines,
        groups=group_lines,
        certificates_issued=issued,
        certificates_eligible=eligible,
        failed_mail=failed[:FAILED_MAIL_SHOWN],
        failed_mail_more=len(failed) > FAILED_MAIL_SHOWN,
        now=now,
        events_total=len(live),
        names_unconfirmed=len(participant_ids - set(figures["names_confirmed"])),
        figures=figures,
        charts=_charts(event_lines, person_lines),
    )
