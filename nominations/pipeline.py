"""The facilitator's reads of a cohort's nominations: the filtered pipeline, the counts by
status, one nomination, and the rows of the CSV export. Nothing here writes."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from functools import lru_cache
from typing import Any, TypedDict

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Q, QuerySet
from django.utils.dateformat import format as format_date
from django.utils.formats import get_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cohorts import geography
from cohorts.models import Cohort
from metlib.labels import country_name
from metlib.spreadsheets import neutralise_formula, spreadsheet_datetime

from . import submission
from .models import Nomination, ProjectKind

Status = Nomination.Status

# Rows on one page of the pipeline.
PER_PAGE = 50

# Words of a search beyond this many are ignored: each adds a condition to the query.
MAX_SEARCH_WORDS = 8

SEARCHED_FIELDS = (
    "candidate_name",
    "candidate_email",
    "nominator_name",
    "nominator_email",
    "nominator__email",
    "library__name",
    "library__city",
    "project_title",
)


@dataclass(frozen=True)
class PipelineFilters:
    """What the facilitator narrowed the pipeline to; an empty value means "any"."""

    status: str = ""
    country: str = ""  # ISO 3166-1 alpha-2
    region: str = ""  # a UN M49 sub-region or a continent, as cohorts.geography names them
    project_kind: str = ""
    stipend: bool | None = None  # True: participation depends on a stipend
    search: str = ""


def _search_condition(text: str) -> Q:
    """Every word must appear in at least one searched field (case-insensitive)."""
    condition = Q()
    for word in text.split()[:MAX_SEARCH_WORDS]:
        any_field = Q()
        for field in SEARCHED_FIELDS:
            any_field |= Q(**{f"{field}__icontains": word})
        condition &= any_field
    return condition


def pipeline_nominations(
    *, cohort: Cohort, filters: PipelineFilters | None = None
) -> QuerySet[Nomination]:
    """The cohort's nominations narrowed by ``filters``, newest submission first.

    Library, nominator and the person who let a nomination in late are joined and the themes
    prefetched, so reading every row costs the same few queries for 5 or 500 nominations.
    """
    return (
        _matching(cohort=cohort, filters=filters or PipelineFilters())
        .select_related("cohort", "library", "nominator", "late_admitted_by")
        .prefetch_related("themes")
    )


def _matching(*, cohort: Cohort, filters: PipelineFilters) -> QuerySet[Nomination]:
    """The cohort's nominations narrowed by ``filters``, newest submission first, nothing joined.

    Region is derived data (from the country), so it becomes a set of country codes here.
    """
    nominations = Nomination.objects.filter(cohort=cohort)
    if filters.status:
        nominations = nominations.filter(status=filters.status)
    if filters.country:
        nominations = nominations.filter(library__country=filters.country)
    if filters.region:
        nominations = nominations.filter(
            library__country__in=sorted(geography.countries_in(filters.region))
        )
    if filters.project_kind:
        nominations = nominations.filter(project_kind=filters.project_kind)
    if filters.stipend is True:
        nominations = nominations.filter(stipend_conditional=True)
    elif filters.stipend is False:
        # An unanswered question (a draft) is not a request for a stipend.
        nominations = nominations.exclude(stipend_conditional=True)
    if filters.search.strip():
        nominations = nominations.filter(_search_condition(filters.search))
    return nominations.order_by(F("submitted_at").desc(nulls_last=True), "-created_at", "-pk")


# What a row of the pipeline page reads, as plain values: building model instances cost more
# than the query, and the long texts (up to 3,000 characters) stay in the database.
ROW_FIELDS = (
    "pk",
    "candidate_name",
    "status",
    "candidate_confirmed_at",
    "candidate_declined_at",
    "late_admitted_at",
    "project_kind",
    "stipend_conditional",
    "submitted_at",
    "library__name",
    "library__city",
    "library__country",
)


def pipeline_page(
    *,
    cohort: Cohort,
    filters: PipelineFilters | None = None,
    number: str | int | None = None,
    count: int | None = None,
) -> Page:
    """One page of :func:`pipeline_nominations`, ``PER_PAGE`` rows of ``ROW_FIELDS`` values.

    A page number that is not a number, or below 1, gives the first page; one past the end
    gives the last. Two queries whatever the size, the count and the page's rows; one when
    the caller already knows how many nominations match and passes ``count``.
    """
    try:
        wanted = max(int(number or 1), 1)
    except (TypeError, ValueError):  # garbage, or an integer too long to parse
        wanted = 1
    nominations = _matching(cohort=cohort, filters=filters or PipelineFilters())
    paginator = Paginator(nominations.values(*ROW_FIELDS), PER_PAGE)
    if count is not None:
        paginator.count = count  # a cached property: the paginator then skips its COUNT
    return paginator.get_page(wanted)


def known_match_count(*, filters: PipelineFilters, counts: dict[str, int]) -> int | None:
    """How many nominations match, when the counts by status already tell; None otherwise."""
    if filters == PipelineFilters():
        return sum(counts.values())
    if filters == PipelineFilters(status=filters.status):
        return counts.get(filters.status, 0)
    return None


def pipeline_nomination(*, cohort: Cohort, pk: int) -> Nomination | None:
    """One nomination of the cohort with everything its detail page shows; None if not there."""
    return pipeline_nominations(cohort=cohort).filter(pk=pk).first()


def status_counts(*, cohort: Cohort) -> dict[str, int]:
    """How many of the cohort's nominations are in each status, zeros included; one query."""
    # GROUP BY rather than one filtered COUNT per status: the same answer, and compiling seven
    # filtered aggregates cost more than running the query.
    found = dict(
        Nomination.objects.filter(cohort=cohort)
        .order_by()
        .values_list("status")
        .annotate(count=Count("pk"))
    )
    return {status.value: found.get(status.value, 0) for status in Status}


def late_admission_refusal(*, nomination: Nomination, at: datetime | None = None) -> str | None:
    """Why this nomination cannot be let in late now, or None when a facilitator can do it."""
    if nomination.status != Status.DRAFT:
        return _("Only a draft can be let in late.")
    if nomination.late_admitted_at is not None:
        return _("This nomination has already been let in late.")
    if not submission.deadline_passed(cohort=nomination.cohort, at=at):
        return _("The deadline has not passed: the nominator can still submit it.")
    return None


# --- The rows of the pipeline page ------------------------------------------------------------


class PipelineRow(TypedDict):
    """One nomination as the pipeline page shows it: every label already in words."""

    pk: int
    candidate: str
    library: str
    city: str
    country: str
    status: str
    awaiting: bool  # the candidate has not answered yet
    declined: bool  # the candidate declined
    late: bool  # a facilitator let it in after the deadline
    project_kind: str
    stipend: str
    submitted: str  # in the viewer's time zone, "" when not submitted
    submitted_utc: str  # ISO 8601, for <time datetime>


def pipeline_rows(*, nominations: Iterable[dict[str, Any]], zone: tzinfo) -> list[PipelineRow]:
    """The rows of :func:`pipeline_page`, with dates in ``zone`` (the viewer's).

    Labels are translated once per call rather than once per row, and dates use the
    language's DATETIME_FORMAT looked up once: for a column of dates the ``when`` tag's
    per-call work (zone lookups, a translated "your time" note) is most of a row's cost.
    """
    statuses = {status.value: str(status.label) for status in Status}
    kinds = {kind.value: str(kind.label) for kind in ProjectKind}
    stipends = {None: "—", True: _("Yes"), False: _("No")}
    untitled = _("Untitled nomination")
    datetime_format = get_format("DATETIME_FORMAT")
    language = get_language()
    rows: list[PipelineRow] = []
    for values in nominations:
        code = values["library__country"] or ""
        status = values["status"]
        submitted_at = values["submitted_at"]
        rows.append(
            {
                "pk": values["pk"],
                "candidate": values["candidate_name"] or untitled,
                "library": values["library__name"] or "—",
                "city": values["library__city"] or "—",
                "country": country_name(code) or "—",
                "status": statuses.get(status, status),
                # Nomination.awaits_candidate, and not once withdrawn: nobody waits then.
                "awaiting": status not in {Status.DRAFT, Status.WITHDRAWN}
                and values["candidate_confirmed_at"] is None
                and values["candidate_declined_at"] is None,
                "declined": status != Status.WITHDRAWN
                and values["candidate_declined_at"] is not None,
                "late": values["late_admitted_at"] is not None,
                "project_kind": kinds.get(values["project_kind"], values["project_kind"]) or "—",
                "stipend": stipends[values["stipend_conditional"]],
                "submitted": ""
                if submitted_at is None
                else _local_time(submitted_at, zone, datetime_format, language),
                "submitted_utc": "" if submitted_at is None else _utc_iso(submitted_at),
            }
        )
    return rows


@lru_cache(maxsize=4096)
def _local_time(moment: datetime, zone: tzinfo, datetime_format: str, language: str) -> str:
    """``moment`` as the ``when`` tag writes it; ``language`` is in the key because the format's
    month names and "a.m." are translated. The same page asked again formats nothing."""
    return format_date(moment.astimezone(zone), datetime_format)


def _utc_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


# --- CSV export -----------------------------------------------------------------------------

CSV_HEADER = (
    "nomination_id",
    "cohort",
    "status",
    "awaiting_candidate_confirmation",
    "created_at",
    "submitted_at",
    "updated_at",
    "library_id",
    "library_name",
    "library_city",
    "library_country_code",
    "library_country_name",
    "library_city_population",
    "library_subregion",
    "library_continent",
    "library_global_south",
    "nominator_account_id",
    "nominator_account_email",
    "nominator_name",
    "nominator_role",
    "nominator_email",
    "candidate_name",
    "candidate_job_title",
    "candidate_email",
    "candidate_bio",
    "motivation",
    "project_kind",
    "project_title",
    "project_description",
    "themes",
    "travel_support",
    "stipend_conditional",
    "stipend_reason",
    "commits_working_hours",
    "commits_whole_year",
    "commits_language",
    "candidate_confirmed_at",
    "late_admitted_by",
    "late_admitted_at",
    "late_admission_note",
    "withdrawn_at",
)

# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection").


def _utc(moment: datetime | None) -> str:
    """A UTC time as spreadsheets read a date and time (ISO's "T" and "Z" keep it text)."""
    return "" if moment is None else spreadsheet_datetime(moment)


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _csv_fields(nomination: Nomination) -> dict[str, object]:
    library = nomination.library
    place = library.geography if library else geography.UNKNOWN
    admitted_by = nomination.late_admitted_by
    return {
        "nomination_id": nomination.pk,
        "cohort": nomination.cohort.slug,
        "status": nomination.status,
        "awaiting_candidate_confirmation": _yes_no(
            nomination.awaits_candidate and nomination.status != Status.WITHDRAWN
        ),
        "created_at": _utc(nomination.created_at),
        "submitted_at": _utc(nomination.submitted_at),
        "updated_at": _utc(nomination.updated_at),
        "library_id": library.pk if library else "",
        "library_name": library.name if library else "",
        "library_city": library.city if library else "",
        "library_country_code": library.country.code if library else "",
        "library_country_name": str(library.country.name) if library else "",
        "library_city_population": library.city_population if library else "",
        "library_subregion": place.subregion_name,
        "library_continent": place.continent_name,
        "library_global_south": _yes_no(place.global_south) if library else "",
        "nominator_account_id": nomination.nominator_id,
        "nominator_account_email": nomination.nominator.email,
        "nominator_name": nomination.nominator_name,
        "nominator_role": nomination.nominator_role,
        "nominator_email": nomination.nominator_email,
        "candidate_name": nomination.candidate_name,
        "candidate_job_title": nomination.candidate_job_title,
        "candidate_email": nomination.candidate_email,
        "candidate_bio": nomination.candidate_bio,
        "motivation": nomination.motivation,
        "project_kind": nomination.project_kind,
        "project_title": nomination.project_title,
        "project_description": nomination.project_description,
        "themes": "; ".join(theme.label for theme in nomination.themes.all()),
        "travel_support": nomination.travel_support,
        "stipend_conditional": _yes_no(nomination.stipend_conditional),
        "stipend_reason": nomination.stipend_reason,
        "commits_working_hours": _yes_no(nomination.commits_working_hours),
        "commits_whole_year": _yes_no(nomination.commits_whole_year),
        "commits_language": _yes_no(nomination.commits_language),
        "candidate_confirmed_at": _utc(nomination.candidate_confirmed_at),
        "late_admitted_by": admitted_by.email if admitted_by else "",
        "late_admitted_at": _utc(nomination.late_admitted_at),
        "late_admission_note": nomination.late_admission_note,
        "withdrawn_at": _utc(nomination.withdrawn_at),
    }


def csv_rows(*, nominations: Iterable[Nomination]) -> Iterator[list[str]]:
    """The header, then one row per nomination with every field.

    Dates are in UTC, written as spreadsheets read a date and time ("2025-03-01 14:30:05");
    yes/no questions are "yes", "no" or empty when unanswered;
    text anyone typed is neutralised so no spreadsheet runs it as a formula. Give it
    :func:`pipeline_nominations` so reading the rows costs no further queries.
    """
    yield list(CSV_HEADER)
    for nomination in nominations:
        fields = _csv_fields(nomination)
        yield [
            neutralise_formula(value) if isinstance(value, str) else str(value)
            for value in (fields[name] for name in CSV_HEADER)
        ]
