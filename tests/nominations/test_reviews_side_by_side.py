"""The facilitator reads every review of a nomination side by side (names, scores per
criterion, comments, conflict notes) and exports them all as CSV; advisors get neither."""

import csv
import io

import pytest
from django.urls import reverse

from cohorts.models import Role
from nominations.models import Nomination, Review, Score

from ..factories import (
    CriterionFactory,
    LibraryFactory,
    NominationFactory,
    ReviewFactory,
    ThemeFactory,
    UserFactory,
)
from .scored import add_scored_nominations

# The user (the session is cached), cohort, roles; the criteria, the ranking's two (the
# nominations with library and decision, every review with its scores), the reviews with their
# advisors, and their scores.
REVIEWS_CSV_QUERIES = 7


@pytest.fixture
def criteria(cohort):
    return [CriterionFactory(cohort=cohort, name=name) for name in ("Motivation", "Impact")]


@pytest.fixture
def reviewed(cohort, criteria, make_member):
    first, second = criteria
    ana = NominationFactory(
        cohort=cohort,
        status=Nomination.Status.UNDER_REVIEW,
        candidate_name="Ana",
        library=LibraryFactory(name="Biblioteca Central", country="MX"),
    )
    olga = make_member(cohort, Role.ADVISOR, display_name="Olga Advisor")
    pim = make_member(cohort, Role.ADVISOR, display_name="Pim Advisor")
    kim = make_member(cohort, Role.ADVISOR, display_name="Kim Advisor")
    mine = ReviewFactory(nomination=ana, advisor=olga, scores={first: 4, second: None})
    Review.objects.filter(pk=mine.pk).update(
        comment='=HYPERLINK("x") strong project', recommendation="accept"
    )
    ReviewFactory(nomination=ana, advisor=pim, scores={first: 2, second: 3})
    ReviewFactory(
        nomination=ana,
        advisor=kim,
        status=Review.Status.CONFLICT,
        conflict_note="Former colleague.",
    )
    return ana


def test_the_facilitator_reads_every_review_of_a_nomination_side_by_side(
    client, cohort, facilitator, reviewed
):
    client.force_login(facilitator)
    url = reverse(
        "nominations:pipeline_detail", kwargs={"cohort_slug": cohort.slug, "pk": reviewed.pk}
    )

    page = client.get(url).content.decode()

    assert "Every review, side by side" in page
    for text in ("Olga Advisor", "Pim Advisor", "Kim Advisor", "Former colleague.", "n/a"):
        assert text in page
    assert "strong project" in page
    rows = client.get(url).context["review_rows"]
    assert [row.scores for row in rows] == [
        [(False, None), (False, None)],  # Kim recused
        [(True, 4), (True, None)],
        [(True, 2), (True, 3)],
    ]


def test_advisors_see_no_side_by_side_table_nor_the_export(client, cohort, reviewed, make_member):
    advisor = Review.objects.get(nomination=reviewed, advisor__display_name="Pim Advisor").advisor
    client.force_login(advisor)
    url = reverse(
        "nominations:pipeline_detail", kwargs={"cohort_slug": cohort.slug, "pk": reviewed.pk}
    )
    page = client.get(url).content.decode()
    assert "Every review, side by side" not in page
    assert "Olga Advisor" not in page
    csv_url = reverse("nominations:reviews_csv", kwargs={"cohort_slug": cohort.slug})
    assert client.get(csv_url).status_code == 403


def test_the_reviews_export_has_scores_means_rank_comments_and_is_excel_safe(
    client, cohort, facilitator, reviewed
):
    client.force_login(facilitator)
    response = client.get(reverse("nominations:reviews_csv", kwargs={"cohort_slug": cohort.slug}))

    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body.removeprefix("\ufeff"))))
    by_advisor = {row["advisor"]: row for row in rows}
    olga = by_advisor["Olga Advisor"]
    assert (olga["Motivation"], olga["Impact"], olga["review_mean"]) == ("4", "n/a", "4.0")
    assert (olga["rank"], olga["nomination_mean"]) == ("1", "3.25")
    assert olga["comment"] == '\'=HYPERLINK("x") strong project'  # never run as a formula
    assert olga["library"] == "Biblioteca Central"
    assert olga["submitted_at"][:4].isdigit()
    assert "T" not in olga["submitted_at"]  # a date and time to Excel, not text
    assert by_advisor["Kim Advisor"]["conflict_note"] == "Former colleague."


def test_the_reviews_export_costs_the_same_queries_for_20_or_500_nominations(
    client, cohort, facilitator, criteria, django_assert_num_queries
):
    make = {
        "cohort": cohort,
        "libraries": [LibraryFactory(country=code) for code in ("FI", "KE", "BR")],
        "themes": [ThemeFactory(cohort=cohort)],
        "advisors": [UserFactory() for _ in range(3)],
        "criteria": criteria,
        "nominator": UserFactory(),
        "decided_by": facilitator,
    }
    client.force_login(facilitator)
    url = reverse("nominations:reviews_csv", kwargs={"cohort_slug": cohort.slug})
    add_scored_nominations(count=20, **make)
    with django_assert_num_queries(REVIEWS_CSV_QUERIES):
        small = client.get(url).content
    add_scored_nominations(count=480, **make)
    with django_assert_num_queries(REVIEWS_CSV_QUERIES):
        large = client.get(url).content
    assert small.count(b"\n") < large.count(b"\n")
    assert Score.objects.exists()
