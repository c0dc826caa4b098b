"""The selection's ranking and diversity pages. Thin: parse, call, render."""

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from cohorts.permissions import Perm, cohort_perm_required, cohort_perms
from metlib.spreadsheets import csv_download

from . import ranking
from .diversity import diversity_of, shares_side_by_side
from .diversity_charts import diversity_charts


@dataclass(frozen=True)
class Column:
    """A column heading of the ranking; ``sort`` empty when the column does not sort."""

    label: str
    sort: str = ""
    numeric: bool = False
    href: str = ""
    aria_sort: str = ""


def _columns(*, current: str) -> list[Column]:
    """The headings, each sortable one linking to its sort (the other way round when it is the
    column sorted now) and the sorted one marked for screen readers with ``aria-sort``."""
    plain = [
        (_("Candidate"), "name", False),
        (_("Country"), "country", False),
        (_("Mean"), "mean", True),
        (_("Median"), "median", True),
        (_("Spread"), "spread", True),
        (_("Reviews"), "reviews", True),
        (_("Missing"), "missing", True),
    ]
    columns = []
    for label, key, numeric in plain:
        if current.removeprefix("-") == key:
            descending = current.startswith("-")
            target = key if descending else f"-{key}"
            aria_sort = "descending" if descending else "ascending"
        else:
            target = ranking.FIRST_DIRECTION[key] + key
            aria_sort = ""
        columns.append(
            Column(
                label=label, sort=key, numeric=numeric, href=f"?sort={target}", aria_sort=aria_sort
            )
        )
    return columns


@cohort_perm_required(Perm.VIEW_NOMINATIONS)
def ranking_page(request: HttpRequest) -> HttpResponse:
    """Every nomination's aggregated review scores, sortable, and who still owes reviews."""
    cohort = request.cohort
    refusal = ranking.ranking_refusal(cohort=cohort, user=request.user)
    if refusal:
        return render(
            request,
            "nominations/ranking_refused.html",
            {"cohort": cohort, "reason": refusal},
            status=403,
        )
    sort = ranking.valid_sort(request.GET.get("sort"))
    criteria = ranking.cohort_criteria(cohort=cohort)
    ranked = ranking.sort_ranking(ranking.ranking_for(cohort=cohort, user=request.user), sort=sort)
    return render(
        request,
        "nominations/ranking.html",
        {
            "cohort": cohort,
            "columns": _columns(current=sort),
            "criteria": criteria,
            "rows": [(entry, entry.criterion_row(criteria)) for entry in ranked],
            "owed": ranking.owed_reviews(cohort=cohort),
            "can_decide": Perm.DECIDE_SELECTION in cohort_perms(user=request.user, cohort=cohort),
        },
    )


def _percent(share: float | None) -> int | None:
    return None if share is None else round(share * 100)


@cohort_perm_required(Perm.DECIDE_SELECTION)
def diversity_page(request: HttpRequest) -> HttpResponse:
    """The current selection against every nomination: charts, tables and warnings."""
    cohort = request.cohort
    diversity = diversity_of(cohort=cohort)
    return render(
        request,
        "nominations/diversity.html",
        {
            "cohort": cohort,
            "diversity": diversity,
            "charts": diversity_charts(diversity=diversity),
            "shares": shares_side_by_side(diversity=diversity),
            "south_nominated": _percent(diversity.global_south_share_nominated),
            "south_selected": _percent(diversity.global_south_share_selected),
        },
    )


@cohort_perm_required(Perm.DECIDE_SELECTION)
def reviews_csv(request: HttpRequest) -> HttpResponse:
    """Every review of the ranked nominations, scores, means, rank and comments, as CSV."""
    cohort = request.cohort
    return csv_download(rows=ranking.reviews_csv_rows(cohort=cohort), name=f"{cohort.slug}-reviews")
