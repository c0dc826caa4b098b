"""The facilitator reads every review of a nomination and exports them all, on the demo, in
Chromium.

Starting at ``/`` and following links only, the demo's facilitator signs in, opens the 2024
cohort's dashboard, its nomination pipeline and the nomination an advisor declared a conflict
on: every advisor's name, score on each criterion, recommendation, comment and conflict note
are side by side. From the ranking they download every review as CSV: a byte-order mark, real
dates and times, a comment that begins like a formula made inert, and each review's scores,
means, rank and comment as the database holds them.
"""

import csv
import io
import re
import statistics
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from demo.people import COHORT_SLUG, DEMO_PASSWORD, FACILITATOR_EMAIL
from nominations.models import Review
from nominations.ranking import rank_nominations

from ..browser import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SPREADSHEET_TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
# An advisor's comment a spreadsheet would otherwise read as a formula.
PLUS_ONE = "+1 to the others: the project is strong, the motivation thin."


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=StringIO())
    conflict = (
        Review.objects.filter(nomination__cohort__slug=COHORT_SLUG, status=Review.Status.CONFLICT)
        .select_related("nomination__cohort")
        .order_by("nomination_id")
        .first()
    )
    assert conflict is not None, "the demo has a declared conflict of interest"
    nomination = conflict.nomination
    first_submitted = nomination.reviews.filter(status=Review.Status.SUBMITTED).order_by("pk")[0]
    Review.objects.filter(pk=first_submitted.pk).update(comment=PLUS_ONE)
    return nomination


@pytest.fixture
def desk(browser):
    """The facilitator's browser, closed even when the test fails (a connection left open to
    the live server would keep the test database from being dropped)."""
    context = browser.new_context(accept_downloads=True)
    yield context.new_page()
    context.close()


def expected_reviews(nomination):
    """Each review of ``nomination`` as the page and the export should give it, by advisor."""
    criteria = list(nomination.cohort.criteria.order_by("position", "pk"))
    reviews = {}
    for review in nomination.reviews.select_related("advisor").prefetch_related("scores"):
        given = {score.criterion_id: score.value for score in review.scores.all()}
        reviews[str(review.advisor)] = {
            "review": review,
            "scores": {
                criterion.name: ("" if criterion.pk not in given else given[criterion.pk] or "n/a")
                for criterion in criteria
            },
            "values": [value for value in given.values() if value is not None],
        }
    return reviews


def row_of(page: Page, name: str):
    return page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=name))


def test_the_facilitator_reads_a_nominations_reviews_side_by_side_and_exports_them(
    live_server, desk, demo
):
    nomination = demo
    page = desk
    reviews = expected_reviews(nomination)
    assert len(reviews) >= 4  # three who reviewed and one who declared a conflict

    # From the home page, by links only: sign in, the cohort's dashboard, its pipeline.
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Sign in").first.click()
    page.get_by_label("Email:", exact=True).fill(FACILITATOR_EMAIL)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_role("link", name=f"Dashboard of {nomination.cohort.name}").click()
    page.get_by_role("link", name="Nomination pipeline").click()
    page.get_by_role("link", name=nomination.candidate_name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Nomination: {nomination.candidate_name}"
    )

    # Every review side by side, with the advisors' names.
    table = page.get_by_role("region", name="Every review, side by side")
    expect(table).to_be_visible()
    assert_accessible(page)
    for advisor, expected in reviews.items():
        review = expected["review"]
        row = row_of(page, advisor)
        expect(row).to_have_count(1)
        cells = row.get_by_role("cell")
        values = [str(v) if v != "" else "—" for v in expected["scores"].values()]
        if review.status == Review.Status.CONFLICT:
            expect(cells.last).to_have_text(review.conflict_note)
            assert review.conflict_note
        else:
            expect(cells.nth(len(values) + 1)).to_have_text(review.comment)
        for index, value in enumerate(values):
            expect(cells.nth(index)).to_have_text(value)

    # Back to the cohort's page, to the ranking, and every review as CSV.
    page.get_by_role("link", name="All nominations of the cohort").click()
    page.get_by_role("link", name="The cohort", exact=True).click()
    page.get_by_role("link", name="The ranking").click()
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Every review with its scores and comment (CSV)").click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"{COHORT_SLUG}-reviews-")
    body = Path(download.path()).read_bytes().decode("utf-8")

    assert body.startswith("\ufeff")  # Excel reads the accents
    rows = list(csv.DictReader(io.StringIO(body.removeprefix("\ufeff"))))
    ranked = {entry.nomination.pk: entry for entry in rank_nominations(cohort=nomination.cohort)}
    mine = {row["advisor"]: row for row in rows if row["nomination_id"] == str(nomination.pk)}
    assert set(mine) == set(reviews)
    entry = ranked[nomination.pk]
    for advisor, expected in reviews.items():
        row, review = mine[advisor], expected["review"]
        assert row["candidate"] == nomination.candidate_name
        assert row["rank"] == ("" if entry.rank is None else str(entry.rank))
        assert float(row["nomination_mean"]) == pytest.approx(entry.mean, abs=1e-4)
        assert {name: row[name] for name in expected["scores"]} == {
            name: str(value) for name, value in expected["scores"].items()
        }
        if review.status == Review.Status.SUBMITTED:
            assert float(row["review_mean"]) == pytest.approx(
                statistics.fmean(expected["values"]), abs=1e-4
            )
            assert SPREADSHEET_TIME.match(row["submitted_at"]), row["submitted_at"]
        else:
            assert (row["review_mean"], row["submitted_at"]) == ("", "")
            assert row["conflict_note"] == review.conflict_note
        if review.comment == PLUS_ONE:
            assert row["comment"] == "'" + PLUS_ONE  # inert: never run as a formula
        else:
            assert row["comment"] == review.comment
    assert [int(row["rank"]) for row in rows if row["rank"]] == sorted(
        int(row["rank"]) for row in rows if row["rank"]
    )
