"""The selection journey end to end in Chromium, with axe-core on every page of it: an advisor
reviews, the facilitator runs the assistant, pins one, publishes, and the mails are in the
outbox."""

import datetime as dt
import re
from typing import NamedTuple

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from cohorts.models import Role
from metlib.models import Email
from nominations import review as reviewing
from nominations.models import Decision, Nomination, Review

from ..browser import assert_accessible
from ..factories import (
    CohortFactory,
    CriterionFactory,
    LibraryFactory,
    NominationFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"
CRITERIA = ("Urban impact", "Leadership", "Learning potential")
NA = None  # "not applicable"


class Nominee(NamedTuple):
    email: str
    country: str
    city: str
    kind: str
    needs_stipend: bool
    scores: tuple[int | None, ...]  # what their one review gives, criterion by criterion


# Created in this order; a balanced share of one advisor per nomination gives the first
# advisor (the earlier account) the 1st, 3rd and 5th: Aino, Chen and Esi. The other advisor
# has reviewed the rest before the journey starts.
NOMINEES = {
    "Aino Virtanen": Nominee("aino", "FI", "Helsinki", "new_main_library", False, (5, NA, 5)),
    "Björn Lindqvist": Nominee("bjorn", "SE", "Göteborg", "branch_development", False, (4, 5, 4)),
    "Chen Wei": Nominee("chen.wei", "SG", "Singapore", "partnerships", False, (4, 3, 3)),
    "Daiki Satō": Nominee("daiki", "JP", "Ōsaka", "strategic_development", False, (2, 3, 2)),
    "Esi Mensah": Nominee("esi", "GH", "Accra", "new_major_branch", True, (3, 3, 2)),
    "Fatuma Wanjiru": Nominee("fatuma", "KE", "Nairobi", "other", False, (2, 1, 2)),
}
BROWSER_REVIEWS = ["Aino Virtanen", "Chen Wei", "Esi Mensah"]
SELF_NOMINATED = "Daiki Satō"  # nominated themselves: one result mail, no nominator's copy

SUBJECT_WORDS = {
    "accepted": "accepted",
    "waitlisted": "on the waitlist",
    "declined": "not selected",
}


def sign_in(page: Page, email: str) -> None:
    """On the sign-in page the visitor was sent to: the password form."""
    expect(page.get_by_role("heading", name="Sign In", level=1)).to_be_visible()
    page.get_by_label("Email:", exact=True).fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def score(page: Page, criterion: str, value: int | None) -> None:
    choice = "Not applicable" if value is None else str(value)
    page.get_by_role("group", name=criterion).get_by_role("radio", name=choice, exact=True).check()


def fill_review(page: Page, name: str, *, leave_out: str = "") -> None:
    scores = NOMINEES[name].scores
    for criterion, value in zip(CRITERIA, scores, strict=True):
        if criterion != leave_out:
            score(page, criterion, value)
    page.get_by_role("group", name="Your recommendation").get_by_role(
        "radio", name="Strongly recommend" if scores[0] >= 4 else "Recommend", exact=True
    ).check()
    page.get_by_label("Comment").fill(f"{name}: a project other cities can learn from.")


def submit_review(page: Page, name: str) -> None:
    page.get_by_role("button", name="Submit review").click()
    expect(page.get_by_role("status")).to_contain_text("Your review is submitted.")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Review: {name}")


def row_of(page: Page, name: str) -> Locator:
    return page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=name))


@pytest.fixture
def desk(browser):
    """The facilitator's own browser, closed even when the test fails: a connection left open
    to the live server would keep the test database from being dropped."""
    context = browser.new_context()
    yield context.new_page()
    context.close()


def test_advisor_reviews_facilitator_runs_assistant_pins_one_and_publishes(
    live_server, page, desk, make_member
):
    now = timezone.now()
    cohort = CohortFactory(
        name="Learning Circle 2031",
        nominations_open_at=now - dt.timedelta(days=40),
        nominations_deadline=now - dt.timedelta(days=2),
        capacity_min=2,
        capacity_max=3,
        stipends_available=1,
    )
    criteria = [
        CriterionFactory(cohort=cohort, name=name, position=position)
        for position, name in enumerate(CRITERIA)
    ]
    facilitator = make_member(cohort, Role.FACILITATOR, email="facilitator@metlib.example")
    advisor = make_member(
        cohort, Role.ADVISOR, email="advisor@metlib.example", display_name="Maija Advisor"
    )
    other_advisor = make_member(
        cohort, Role.ADVISOR, email="other.advisor@metlib.example", display_name="Olu Advisor"
    )
    nominations = {}
    for name, nominee in NOMINEES.items():
        email = f"{nominee.email}@library.example"
        nominator = UserFactory(email=email if name == SELF_NOMINATED else f"director.{email}")
        nominations[name] = NominationFactory(
            cohort=cohort,
            status=Nomination.Status.SUBMITTED,
            submitted_at=now - dt.timedelta(days=5),
            candidate_confirmed_at=now - dt.timedelta(days=4),
            candidate_name=name,
            candidate_email=email,
            nominator=nominator,
            library=LibraryFactory(
                name=f"{nominee.city} City Library", city=nominee.city, country=nominee.country
            ),
            project_kind=nominee.kind,
            stipend_conditional=nominee.needs_stipend,
            stipend_reason="No travel budget at all." if nominee.needs_stipend else "",
        )

    reviewing.open_review(
        cohort=cohort, by=facilitator, assignment="balanced", reviewers_per_nomination=1
    )
    queue = reviewing.advisor_queue(cohort=cohort, advisor=advisor)
    assert [review.nomination.candidate_name for review in queue] == BROWSER_REVIEWS
    for review in Review.objects.filter(advisor=other_advisor).select_related("nomination"):
        scores = NOMINEES[review.nomination.candidate_name].scores
        reviewing.save_review(
            review=review,
            by=other_advisor,
            scores={criterion.pk: value for criterion, value in zip(criteria, scores, strict=True)},
            comment="Reviewed before the advisor signed in.",
            recommendation="recommend",
            submit=True,
        )

    # --- The advisor signs in and works through their reviews. ---------------------------
    page.goto(f"{live_server.url}/cohorts/{cohort.slug}/")
    sign_in(page, advisor.email)
    expect(page.get_by_role("heading", level=1)).to_have_text(cohort.name)
    page.get_by_role("link", name="Your reviews").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Your reviews: {cohort.name}")
    expect(page.get_by_role("main")).to_contain_text("0 of 3 submitted")
    assert_accessible(page)

    first = BROWSER_REVIEWS[0]
    page.get_by_role("link", name=f"Continue with {first}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Review: {first}")
    assert_accessible(page)

    # One criterion left out: the message is beside it, and nothing typed is lost.
    fill_review(page, first, leave_out="Learning potential")
    page.get_by_role("button", name="Submit review").click()
    missing = "Learning potential: choose a score, or “not applicable”, before submitting."
    expect(page.get_by_role("alert")).to_contain_text(missing)
    expect(page.get_by_role("status")).to_contain_text("Nothing is saved yet")
    learning = page.get_by_role("group", name="Learning potential")
    expect(learning.get_by_text(missing)).to_be_visible()
    expect(learning).to_have_accessible_description(missing)
    expect(learning.get_by_role("radio", name="1", exact=True)).to_have_attribute(
        "aria-invalid", "true"
    )
    expect(learning.get_by_role("radio", name="5", exact=True)).not_to_be_checked()
    urban = page.get_by_role("group", name="Urban impact")
    expect(urban.get_by_role("radio", name="5", exact=True)).to_be_checked()
    leadership = page.get_by_role("group", name="Leadership")
    expect(leadership.get_by_role("radio", name="Not applicable")).to_be_checked()
    expect(page.get_by_role("radio", name="Strongly recommend")).to_be_checked()
    expect(page.get_by_label("Comment")).to_have_value(
        f"{first}: a project other cities can learn from."
    )
    assert_accessible(page)
    score(page, "Learning potential", 5)
    submit_review(page, first)

    # The next one: saved as a draft first, submitted later.
    second = BROWSER_REVIEWS[1]
    page.get_by_role("link", name="Next nomination").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Review: {second}")
    score(page, "Urban impact", NOMINEES[second].scores[0])
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status")).to_contain_text("Your draft is saved.")
    expect(page.get_by_role("main")).to_contain_text(re.compile(r"Draft\s*· last saved"))
    expect(
        page.get_by_role("group", name="Urban impact").get_by_role(
            "radio", name=str(NOMINEES[second].scores[0]), exact=True
        )
    ).to_be_checked()
    fill_review(page, second)
    submit_review(page, second)

    third = BROWSER_REVIEWS[2]
    page.get_by_role("link", name="Next nomination").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Review: {third}")
    expect(page.get_by_role("link", name="Next nomination")).to_have_count(0)
    fill_review(page, third)
    submit_review(page, third)

    page.get_by_role("link", name="All your reviews").click()
    expect(page.get_by_role("main")).to_contain_text("3 of 3 submitted")
    assert not Review.objects.exclude(status=Review.Status.SUBMITTED).exists()

    # --- The facilitator closes selection, runs the assistant and pins one in. -----------
    desk.goto(f"{live_server.url}/cohorts/{cohort.slug}/")
    sign_in(desk, facilitator.email)
    desk.get_by_role("link", name="Selection", exact=True).click()
    expect(desk.get_by_role("heading", level=1)).to_have_text(f"Selection: {cohort.name}")
    expect(row_of(desk, "Maija Advisor")).to_have_text(re.compile(r"Maija Advisor\s*3\s*3\s*0"))
    assert_accessible(desk)
    desk.get_by_role("button", name="Close selection").click()
    expect(desk.get_by_role("status")).to_contain_text("Selection is closed")

    desk.get_by_role("link", name="The cohort").click()
    desk.get_by_role("link", name="Selection assistant").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text(f"Selection assistant: {cohort.name}")
    assert_accessible(desk)
    desk.get_by_role("button", name="Run the assistant").click()

    # One per continent: Björn, Europe's second best, is out.
    pinned = "Björn Lindqvist"
    for name in ("Aino Virtanen", "Chen Wei", "Esi Mensah"):
        expect(row_of(desk, name)).to_contain_text(re.compile(r"\bSelected\s*in: "))
    for name in (pinned, "Daiki Satō", "Fatuma Wanjiru"):
        expect(row_of(desk, name)).to_contain_text(re.compile(r"Not selected\s*out: "))
    expect(row_of(desk, pinned)).to_contain_text(
        "out: the capacity of 3 places is filled by higher scores (4.33 < 5.00, the last one "
        "selected); "
        "other places went to representing every continent"
    )
    assert_accessible(desk)

    desk.get_by_role("button", name=f"Pin in: {pinned}").click()
    expect(row_of(desk, pinned)).to_contain_text("Pinned in")
    desk.get_by_role("button", name="Run it again").click()
    expect(row_of(desk, pinned)).to_contain_text(re.compile(r"\bSelected\s*in: pinned"))
    expect(row_of(desk, "Aino Virtanen")).to_contain_text(
        re.compile(r"Not selected\s*out: capacity reached; the places went to pinned nominations")
    )
    assert_accessible(desk)

    desk.get_by_label("Places on the waitlist").fill("1")
    desk.get_by_role("button", name="Apply as draft decisions").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text(f"Decisions: {cohort.name}")
    expect(desk.get_by_role("status")).to_contain_text(
        "Draft decisions written: 3 accepted, 1 waitlisted, 2 declined."
    )
    assert_accessible(desk)

    # --- Publishing, through the confirmation. --------------------------------------------
    desk.get_by_role("link", name="Publish the results…").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text(f"Publish the results: {cohort.name}")
    expect(desk.get_by_role("heading", name="This sends 11 mails")).to_be_visible()
    assert_accessible(desk)
    desk.get_by_role("button", name="Publish and send the results").click()
    expect(desk.get_by_role("status")).to_contain_text(
        "The results are published: 6 applicants are being told"
    )
    expect(desk.get_by_role("main")).to_contain_text("Every applicant has been told their result.")
    expect(row_of(desk, pinned)).to_contain_text("pinned in")
    expect(row_of(desk, pinned)).to_contain_text(re.compile(r"Accepted\s*Told: "))
    expect(row_of(desk, pinned)).to_contain_text(f"{nominations[pinned].candidate_email}: sent")
    expect(row_of(desk, pinned)).to_contain_text(f"{nominations[pinned].nominator_email}: sent")
    assert_accessible(desk)

    # --- What the database says. -----------------------------------------------------------
    expected = {
        "Aino Virtanen": "waitlisted",
        pinned: "accepted",
        "Chen Wei": "accepted",
        "Daiki Satō": "declined",
        "Esi Mensah": "accepted",
        "Fatuma Wanjiru": "declined",
    }
    # Six applicants told, each with their nominator's copy but the one who nominated themselves.
    assert Email.objects.filter(key__contains=":result:").count() == 6 + 5
    for name, outcome in expected.items():
        nomination = nominations[name]
        nomination.refresh_from_db()
        assert nomination.status == outcome, name
        assert nomination.decision.outcome == outcome
        assert nomination.decision.published_at is not None
        words = SUBJECT_WORDS[outcome]
        key = f"nomination:{nomination.pk}:result:{outcome}"
        to_candidate = Email.objects.get(key=key)
        assert to_candidate.to == nomination.candidate_email
        assert to_candidate.subject == f"Your nomination for {cohort.name}: {words}"
        assert to_candidate.status == Email.Status.SENT
        copies = Email.objects.filter(key=f"{key}:nominator")
        if name == SELF_NOMINATED:
            assert not copies.exists()
            continue
        (to_nominator,) = copies
        assert to_nominator.to == nomination.nominator_email
        assert to_nominator.subject == f"Your nomination of {name} for {cohort.name}: {words}"
        assert to_nominator.status == Email.Status.SENT
    accepted = Decision.objects.get(nomination=nominations[pinned])
    assert accepted.note.startswith("Selection assistant: in: pinned by ")
    assert nominations["Esi Mensah"].decision.stipend_awarded
