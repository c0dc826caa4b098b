"""The facilitator's reads of a cohort's nominations: the filtered pipeline, the counts by
status, one nomination, and the rows of the CSV export. Nothing here writes."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext as _

from cohorts import geography
from cohorts.models import Cohort

from . import submission
from .models import Nomination

Status = Nomination.Status

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
    Region is derived data (from the country), so it becomes a set of country codes here.
    """
    filters = filters or PipelineFilters()
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
    return (
        nominations.select_related("cohort", "library", "nominator", "late_admitted_by")
        .prefetch_related("themes")
        .order_by(F("submitted_at").desc(nulls_last=True), "-created_at", "-pk")
    )


def pipeline_nomination(*, cohort: Cohort, pk: int) -> Nomination | None:
    """One nomination of the cohort with everything its detail page shows; None if not there."""
    return pipeline_nominations(cohort=cohort).filter(pk=pk).first()


def status_counts(*, cohort: Cohort) -> dict[str, int]:
    """How many of the cohort's nominations are in each status, zeros included; one query."""
    counts = Nomination.objects.filter(cohort=cohort).aggregate(
        **{status.value: Count("pk", filter=Q(status=status.value)) for status in Status}
    )
    return {status.value: counts[status.value] for status in Status}


def late_admission_refusal(*, nomination: Nomination, at: datetime | None = None) -> str | None:
    """Why this nomination cannot be let in late now, or None when a facilitator can do it."""
    if nomination.status != Status.DRAFT:
        return _("Only a draft can be let in late.")
    if nomination.late_admitted_at is not None:
        return _("This nomination has already been let in late.")
    if not submission.deadline_passed(cohort=nomination.cohort, at=at):
        return _("The deadline has not passed: the nominator can still submit it.")
    return None


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
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _utc(moment: datetime | None) -> str:
    return "" if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def neutralise_formula(text: str) -> str:
    """Text a spreadsheet would run as a formula, made inert by a leading single quote."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


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
        "library_subregion": place.subregion,
        "library_continent": place.continent,
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
        "themes": "; ".join(theme.name for theme in nomination.themes.all()),
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

    Dates are ISO 8601 in UTC; yes/no questions are "yes", "no" or empty when unanswered;
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
