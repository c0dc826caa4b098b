"""The demo cohort's call for nominations and the nominations fictional libraries sent to it.

The call's words follow the real 2024 MetLib call for nominations closely; only its contact
is the demo's fictional facilitator. Every nomination, nominator and candidate is invented.

Like :mod:`demo.people`, everything is keyed on a natural key and written with
``update_or_create``: a nomination's ``creation_token`` is a UUID derived from a fixed name, so
loading the demo twice leaves exactly the rows that loading it once did.

The demo writes rows directly instead of going through
:func:`nominations.submission.submit_nomination`: that service refuses anything after the
deadline (the 2024 deadline has long passed), stamps ``submitted_at`` with "now", and queues a
receipt and a confirmation request by email for every nomination. The demo needs dates from
the 2024 call, candidates who have already confirmed, and no mail to invented addresses.
"""

import datetime as dt
import enum
import uuid
import zoneinfo
from collections.abc import Callable, Iterable
from typing import NamedTuple

from django.utils.crypto import salted_hmac
from django.utils.text import slugify

from cohorts.models import Cohort, Library
from metlib.models import User
from nominations import candidate
from nominations.models import Call, Nomination, ProjectKind, TravelSupport

from .data import read
from .people import COHORT_ZONE, FACILITATOR_EMAIL, PEOPLE, load_account

Status = Nomination.Status

FACILITATOR_NAME = next(
    person.display_name for person in PEOPLE if person.email == FACILITATOR_EMAIL
)

# The namespace every demo nomination's creation token is derived in. Never change it, nor a
# row's key below: either would make the next load create new nominations beside the old.
TOKEN_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "demo.nominations.metlib.example")


# The 2024 call's words (demo/data/call-2024.toml); only its contact is the demo's facilitator.
CALL = read("call-2024")
CALL_TIMELINE: tuple[str, ...] = tuple(CALL["timeline"])


class DemoNominator(NamedTuple):
    name: str
    role: str
    time_zone: str
    language: str = "en"


# Who nominates for each demo library: one invented person per library (demo/data/nominators.toml).
NOMINATORS = {library: DemoNominator(**row) for library, row in read("nominators").items()}


class Stage(enum.Enum):
    """Where a demo nomination stands. Selection (under review, accepted, waitlisted,
    declined) comes in a later part of the demo, :mod:`demo.selection`, which
    moves the submitted nominations on."""

    INCOMPLETE = "an unfinished draft"
    DRAFT = "a complete draft that was never submitted"
    LATE = "a draft the facilitator let in after the deadline"
    AWAITING = "submitted; the candidate has not confirmed yet"
    CONFIRMED = "submitted and confirmed by the candidate"
    WITHDRAWN = "submitted, confirmed, then withdrawn by the library"


class DemoNomination(NamedTuple):
    key: str  # the stable name the creation token derives from; also the candidate's address
    library: str  # a name from NOMINATORS
    stage: Stage
    day: str  # ISO date: submitted on, or, for a draft, last saved on
    candidate: str
    job_title: str
    kind: ProjectKind
    project_title: str
    project: str  # the project's description; empty in an unfinished draft
    motivation: str
    themes: tuple[str, ...]  # empty in an unfinished draft
    travel: TravelSupport | None  # None: not answered yet
    stipend_reason: str = ""  # given when participation is conditional on a stipend


def _nomination(row: dict) -> "DemoNomination":
    return DemoNomination(
        **{
            **row,
            "stage": Stage[row["stage"].upper()],
            "kind": ProjectKind(row["kind"]),
            "themes": tuple(row.get("themes", ())),
            "travel": TravelSupport(row["travel"]) if "travel" in row else None,
        }
    )


# About forty invented nominations, at least one for almost every demo library
# (demo/data/nominations.toml).
NOMINATIONS = tuple(_nomination(row) for row in read("nominations")["nomination"])

# When the facilitator let the late draft in, and why.
LATE_ADMITTED_AT = dt.datetime(2024, 2, 16, 10, 30, tzinfo=COHORT_ZONE)
LATE_ADMISSION_NOTE = (
    "The director was travelling on the deadline day and asked the next morning for a few "
    "hours to finish the nomination."
)


def load_call(*, cohort: Cohort) -> Call:
    """Create or update the cohort's public call with the words of the 2024 call.

    Only the contact differs: it is the demo's fictional facilitator, not the real one.
    """
    call, _ = Call.objects.update_or_create(
        cohort=cohort,
        defaults={
            **{
                part: CALL[part].format(facilitator=FACILITATOR_NAME)
                for part in (
                    "introduction",
                    "eligibility",
                    "requirements",
                    "programme",
                    "conference",
                    "stipends",
                    "selection",
                )
            },
            "timeline": "\n".join(CALL_TIMELINE),
            "contact_name": FACILITATOR_NAME,
            "contact_email": FACILITATOR_EMAIL,
            "min_city_population": 400_000,
            "nominations_per_library": 1,
            "working_language": "English",
        },
    )
    return call


def creation_token(*, row: DemoNomination) -> uuid.UUID:
    """The fixed creation token of a demo nomination: its natural key."""
    return uuid.uuid5(TOKEN_NAMESPACE, row.key)


def candidate_token(*, token: uuid.UUID) -> str:
    """The token of a demo candidate's confirmation link.

    Derived from the creation token so that reloading keeps the same link, and signed with
    ``SECRET_KEY`` so the link cannot be worked out from this public source alone.
    """
    return salted_hmac(
        "demo.nominations.candidate_token", f"demo:{token}", algorithm="sha256"
    ).hexdigest()


def load_nominator(*, library: Library) -> User:
    """Create or update the account of the person who nominates for ``library``."""
    nominator = NOMINATORS[library.name]
    return load_account(
        email=f"nominator.{slugify(library.city)}@demo.metlib.example",
        display_name=nominator.name,
        time_zone=nominator.time_zone,
        language=nominator.language,
    )


def _at(*, day: str, index: int, zone: str) -> dt.datetime:
    """A moment in office hours on ``day`` in the nominator's zone, varied by ``index``."""
    return dt.datetime.combine(
        dt.date.fromisoformat(day),
        dt.time(9 + index * 5 % 9, index * 13 % 60),
        tzinfo=zoneinfo.ZoneInfo(zone),
    )


def _timestamps(*, row: DemoNomination, index: int) -> dict[str, dt.datetime | None]:
    """When the demo nomination was submitted, confirmed, withdrawn and last saved."""
    saved = _at(day=row.day, index=index, zone=NOMINATORS[row.library].time_zone)
    submitted = saved if row.stage in {Stage.AWAITING, Stage.CONFIRMED, Stage.WITHDRAWN} else None
    confirmed = (
        saved + dt.timedelta(hours=6 + index % 5 * 13)
        if row.stage in {Stage.CONFIRMED, Stage.WITHDRAWN}
        else None
    )
    withdrawn = saved + dt.timedelta(days=8) if row.stage is Stage.WITHDRAWN else None
    late = LATE_ADMITTED_AT if row.stage is Stage.LATE else None
    moments = [moment for moment in (saved, confirmed, withdrawn, late) if moment]
    return {
        "created_at": saved - dt.timedelta(days=3 + index % 6),
        "submitted_at": submitted,
        "candidate_confirmed_at": confirmed,
        "withdrawn_at": withdrawn,
        "late_admitted_at": late,
        "updated_at": max(moments),
    }


STATUS_OF_STAGE = {
    Stage.INCOMPLETE: Status.DRAFT,
    Stage.DRAFT: Status.DRAFT,
    Stage.LATE: Status.DRAFT,
    Stage.AWAITING: Status.SUBMITTED,
    Stage.CONFIRMED: Status.SUBMITTED,
    Stage.WITHDRAWN: Status.WITHDRAWN,
}


def load_nomination(
    *, row: DemoNomination, index: int, cohort: Cohort, library: Library, facilitator: User
) -> Nomination:
    """Create or update one demo nomination, its themes and its dates."""
    nominator = load_nominator(library=library)
    token = creation_token(row=row)
    moments = _timestamps(row=row, index=index)
    complete = row.stage is not Stage.INCOMPLETE
    nomination, _ = Nomination.objects.update_or_create(
        creation_token=token,
        defaults={
            "cohort": cohort,
            "nominator": nominator,
            "status": STATUS_OF_STAGE[row.stage],
            "library": library,
            "nominator_name": nominator.display_name,
            "nominator_role": NOMINATORS[library.name].role,
            "nominator_email": nominator.email,
            "candidate_name": row.candidate,
            "candidate_job_title": row.job_title,
            "candidate_email": f"{row.key}@demo.metlib.example",
            "candidate_bio": f"{row.job_title} at {library.name}, {library.city}.",
            "motivation": row.motivation,
            "project_kind": row.kind,
            "project_title": row.project_title,
            "project_description": row.project,
            "travel_support": row.travel or "",
            "stipend_conditional": bool(row.stipend_reason) if row.travel else None,
            "stipend_reason": row.stipend_reason,
            "commits_working_hours": complete,
            "commits_whole_year": complete,
            "commits_language": complete,
            "submitted_at": moments["submitted_at"],
            "candidate_confirmed_at": moments["candidate_confirmed_at"],
            "withdrawn_at": moments["withdrawn_at"],
            "late_admitted_by": facilitator if row.stage is Stage.LATE else None,
            "late_admitted_at": moments["late_admitted_at"],
            "late_admission_note": LATE_ADMISSION_NOTE if row.stage is Stage.LATE else "",
        },
    )
    nomination.themes.set(cohort.themes.filter(name__in=row.themes))
    # Drafts have no confirmation link yet; submitting is what creates one.
    if moments["submitted_at"]:
        candidate.record_link(
            nomination=nomination,
            token=candidate_token(token=token),
            at=moments["submitted_at"],
            confirmed_at=moments["candidate_confirmed_at"],
        )
    # created_at and updated_at are set by Django on save; give them the 2024 story's dates.
    Nomination.objects.filter(pk=nomination.pk).update(
        created_at=moments["created_at"], updated_at=moments["updated_at"]
    )
    nomination.created_at, nomination.updated_at = moments["created_at"], moments["updated_at"]
    return nomination


def load_nominations(*, cohort: Cohort, libraries: Iterable[Library]) -> list[Nomination]:
    """Create or update the demo's nominations, by fictional nominators of ``libraries``.

    Only the nominators' side is loaded: drafts, submitted nominations (most confirmed by
    their candidate), one withdrawn and one draft let in late. No nomination is under review,
    accepted, waitlisted or declined: selection is a later part of the demo
    (:mod:`demo.selection`) and sets those.
    """
    return load_rows(cohort=cohort, rows=NOMINATIONS, libraries=libraries)


# --- The cohorts that live relative to today (demo.today) ------------------------------------

FIELDS = frozenset(DemoNomination._fields)

# The running cohort's nominations with the outcome its selection gave each
# (demo/data/running.toml), and the open call's (demo/data/open-call.toml).
RUNNING = tuple(read("running")["nomination"])
OUTCOMES = {row["key"]: row["outcome"] for row in RUNNING}
OPEN = tuple(read("open-call")["nomination"])
TEMPLATE = read("call-template")


def rows_of(
    data: Iterable[dict], *, stage: Stage | None = None, day_of: Callable[[dict], dt.date]
) -> tuple[DemoNomination, ...]:
    """Demo nominations from a data file's rows: ``stage`` for every row (else the row's own)
    and the day ``day_of`` gives each row."""
    return tuple(
        _nomination(
            {
                **{name: value for name, value in row.items() if name in FIELDS},
                "stage": (stage or Stage[row["stage"].upper()]).name,
                "day": day_of(row).isoformat(),
            }
        )
        for row in data
    )


def running_rows(*, deadline: dt.date) -> tuple[DemoNomination, ...]:
    """The running cohort's nominations, all submitted and confirmed before ``deadline``."""
    return rows_of(
        RUNNING,
        stage=Stage.CONFIRMED,
        day_of=lambda row: deadline - dt.timedelta(days=row["days_before_deadline"]),
    )


def open_rows(*, today: dt.date) -> tuple[DemoNomination, ...]:
    """The open call's nominations, saved or submitted the given number of days ago."""
    return rows_of(OPEN, day_of=lambda row: today - dt.timedelta(days=row["days_ago"]))


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def load_later_call(*, cohort: Cohort) -> Call:
    """Create or update ``cohort``'s call with the words of the later call's template
    (demo/data/call-template.toml), its dates filled in."""
    words = {
        "facilitator": FACILITATOR_NAME,
        "start": f"{cohort.programme_start:%B %Y}",
        "end": f"{cohort.programme_end:%B %Y}",
        "deadline": _long_date(cohort.nominations_deadline.astimezone(cohort.zone).date()),
        "announcement": _long_date(cohort.announcement_date),
        "year": cohort.programme_start.year,
    }
    call, _ = Call.objects.update_or_create(
        cohort=cohort,
        defaults={
            **{
                part: TEMPLATE[part].format(**words)
                for part in (
                    "introduction",
                    "eligibility",
                    "requirements",
                    "programme",
                    "conference",
                    "stipends",
                    "selection",
                )
            },
            "timeline": "\n".join(line.format(**words) for line in TEMPLATE["timeline"]),
            "contact_name": FACILITATOR_NAME,
            "contact_email": FACILITATOR_EMAIL,
            "min_city_population": 400_000,
            "nominations_per_library": 1,
            "working_language": "English",
        },
    )
    return call


def load_rows(
    *, cohort: Cohort, rows: Iterable[DemoNomination], libraries: Iterable[Library]
) -> list[Nomination]:
    """Create or update ``rows`` as nominations to ``cohort`` by the libraries' nominators."""
    by_name = {library.name: library for library in libraries}
    facilitator = User.objects.get(email=FACILITATOR_EMAIL)
    return [
        load_nomination(
            row=row,
            index=index,
            cohort=cohort,
            library=by_name[row.library],
            facilitator=facilitator,
        )
        for index, row in enumerate(rows)
    ]
