"""The cohort's CSV exports for facilitators: the roster and the attendance.

Rows only; the views write them as CSV that Excel opens (UTF-8 with BOM), as the nominations
pipeline's export does. Text anyone typed is neutralised so no spreadsheet runs it as a
formula. Each export reads a fixed number of queries however large the cohort.
"""

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.utils import timezone

from cohorts.geography import geography_of
from cohorts.models import Cohort, Membership, Role
from metlib.spreadsheets import neutralise_formula
from nominations.selectors import projects_of
from sessions.attendance import attendance_grid
from sessions.models import Attendance

ROSTER_HEADER = (
    "name",
    "email",
    "role",
    "library",
    "city",
    "country",
    "continent",
    "project_kind",
    "project_title",
)
ROLE_ORDER = {role.value: position for position, role in enumerate(Role)}


def _cells(values: list[Any]) -> list[str]:
    return [neutralise_formula(v) if isinstance(v, str) else str(v) for v in values]


def roster_rows(*, cohort: Cohort) -> Iterator[list[str]]:
    """The header, then one row per membership: participants first, then the other roles."""
    memberships = sorted(
        Membership.objects.filter(cohort=cohort).select_related("user", "library"),
        key=lambda m: (
            ROLE_ORDER.get(m.role, 99) if m.role != Role.PARTICIPANT else -1,
            str(m.user).lower(),
            m.pk,
        ),
    )
    projects = projects_of(
        cohort=cohort, user_ids=[m.user_id for m in memberships if m.role == Role.PARTICIPANT]
    )
    yield list(ROSTER_HEADER)
    for m in memberships:
        library = m.library
        project = projects.get(m.user_id) if m.role == Role.PARTICIPANT else None
        yield _cells(
            [
                str(m.user),
                m.user.email,
                m.role,
                library.name if library else "",
                library.city if library else "",
                str(library.country.name) if library else "",
                geography_of(library.country.code).continent_name if library else "",
                project.project_kind if project else "",
                project.project_title if project else "",
            ]
        )


ATTENDANCE_TOTALS = ("present", "excused", "absent", "not_recorded", "present_share")
NOT_CONCERNED = "n/a"


def attendance_rows(*, cohort: Cohort, now: datetime | None = None) -> Iterator[list[str]]:
    """One row per participant, one column per event that is not cancelled (its date in the
    cohort's zone and its title), then the participant's totals over the events that have
    ended; a last row counts those present at each event. A mentoring session of another
    group reads "n/a"."""
    now = now or timezone.now()
    grid = attendance_grid(cohort=cohort)
    yield _cells(
        ["name", "email"]
        + [f"{column.day.isoformat()} {column.event.title}" for column in grid.columns]
        + list(ATTENDANCE_TOTALS)
    )
    present_at = [0] * len(grid.columns)
    for row in grid.rows:
        counts = dict.fromkeys(Attendance.Status.values, 0)
        unrecorded = 0
        cells = []
        for index, cell in enumerate(row.cells):
            if not cell.markable:
                cells.append(NOT_CONCERNED)
                continue
            cells.append(cell.status)
            if cell.event.ends_at > now:
                continue
            if cell.status:
                counts[cell.status] += 1
            else:
                unrecorded += 1
            if cell.status == Attendance.Status.PRESENT:
                present_at[index] += 1
        expected = sum(counts.values()) + unrecorded
        share = f"{100 * counts['present'] / expected:.0f}%" if expected else ""
        yield _cells(
            [
                str(row.person),
                row.person.email,
                *cells,
                counts["present"],
                counts["excused"],
                counts["absent"],
                unrecorded,
                share,
            ]
        )
    yield _cells(["total present", "", *present_at, *[""] * len(ATTENDANCE_TOTALS)])
