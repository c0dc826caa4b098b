import datetime as dt

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import translation

from cohorts.models import Library
from demo.nominations import (
    NOMINATIONS,
    STATUS_OF_STAGE,
    Stage,
    candidate_token,
    creation_token,
)
from demo.people import COHORT_SLUG, DEMO_PASSWORD, FACILITATOR_EMAIL
from metlib.models import Email, User
from nominations.models import Call, CandidateLink, Nomination, ProjectKind, TravelSupport
from nominations.submission import (
    find_by_candidate_token,
    library_eligibility,
    missing_for_submission,
)

from .loading import load_demo_command as _load_demo_command

Status = Nomination.Status
NominationTheme = Nomination.themes.through
TOLD_STATUSES = {Status.ACCEPTED, Status.WAITLISTED, Status.DECLINED}
# The demo's other cohorts (tests/demo/test_today.py) have nominations of their own.
IN_2024 = {"cohort__slug": COHORT_SLUG}


def _rows():
    return {
        "Call": sorted(Call.objects.filter(**IN_2024).values_list("pk", flat=True)),
        "Nomination": sorted(Nomination.objects.filter(**IN_2024).values_list("pk", flat=True)),
        "NominationTheme": sorted(
            NominationTheme.objects.filter(nomination__cohort__slug=COHORT_SLUG).values_list(
                "pk", flat=True
            )
        ),
        "User": sorted(User.objects.values_list("pk", flat=True)),
        "EmailAddress": sorted(EmailAddress.objects.values_list("pk", flat=True)),
    }


def _nominations():
    return list(
        Nomination.objects.filter(**IN_2024)
        .select_related("library", "cohort", "nominator")
        .prefetch_related("themes")
    )


@pytest.mark.django_db
def test_load_demo_twice_keeps_the_same_call_nominations_and_themes():
    _load_demo_command()
    first = _rows()
    themes = sorted(NominationTheme.objects.values_list("nomination_id", "theme_id"))
    links = sorted(CandidateLink.objects.values_list("nomination_id", "token_hash", "state"))

    _load_demo_command()

    assert _rows() == first
    assert len(first["Call"]) == 1
    assert len(first["Nomination"]) == len(NOMINATIONS) >= 35
    assert sorted(NominationTheme.objects.values_list("nomination_id", "theme_id")) == themes
    assert (
        sorted(CandidateLink.objects.values_list("nomination_id", "token_hash", "state")) == links
    )


@pytest.mark.django_db
def test_load_demo_writes_no_mail():
    _load_demo_command()

    assert not Email.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_load_demo_reports_nominations_per_status_and_ends_with_the_login_line():
    output = _load_demo_command()

    lines = output.strip().splitlines()
    assert lines[-1].startswith("Sign in at ")
    assert FACILITATOR_EMAIL in lines[-1]
    # Reported as the nominators left them, before selection moved the submitted ones on.
    counts = {
        status: sum(STATUS_OF_STAGE[row.stage] == status for row in NOMINATIONS)
        for status in (Status.DRAFT, Status.SUBMITTED, Status.WITHDRAWN)
    }
    assert (
        f"Nominations: {sum(counts.values())} from "
        f"{Nomination.objects.filter(**IN_2024).values('library').distinct().count()} libraries; "
        f"draft {counts[Status.DRAFT]}, submitted {counts[Status.SUBMITTED]}, "
        f"withdrawn {counts[Status.WITHDRAWN]}"
    ) in lines


@pytest.mark.django_db
def test_demo_nominations_are_in_every_state():
    _load_demo_command()
    nominations = _nominations()
    cohort = nominations[0].cohort
    by_status = {status: [n for n in nominations if n.status == status] for status in Status}

    # The selection is published: every submitted nomination has been told its result.
    assert not by_status[Status.SUBMITTED]
    assert not by_status[Status.UNDER_REVIEW]
    assert 3 <= len(by_status[Status.DRAFT]) <= 5
    assert len(by_status[Status.WITHDRAWN]) == 1
    submitted = [n for n in nominations if n.status in TOLD_STATUSES]
    awaiting = [n for n in submitted if n.awaits_candidate]
    assert 2 <= len(awaiting) <= 4
    assert len(submitted) - len(awaiting) > len(nominations) / 2
    for nomination in submitted + by_status[Status.WITHDRAWN]:
        assert cohort.nominations_open_at <= nomination.submitted_at < cohort.nominations_deadline
        assert missing_for_submission(nomination) == []
        assert nomination.candidate_links.count() == 1
    for nomination in by_status[Status.DRAFT]:
        assert nomination.submitted_at is None
        assert not nomination.candidate_links.exists()

    withdrawn = by_status[Status.WITHDRAWN][0]
    assert withdrawn.withdrawn_at > withdrawn.submitted_at

    late = [n for n in nominations if n.late_admitted_at]
    assert len(late) == 1
    assert late[0].status == Status.DRAFT
    assert late[0].late_admitted_by.email == FACILITATOR_EMAIL
    assert late[0].late_admission_note
    assert late[0].late_admitted_at > cohort.nominations_deadline

    incomplete = [n for n in by_status[Status.DRAFT] if missing_for_submission(n)]
    assert len(incomplete) == 1
    assert "the three commitments" in missing_for_submission(incomplete[0])
    assert "the project description" in missing_for_submission(incomplete[0])


@pytest.mark.django_db
def test_demo_nominations_spread_over_eligible_libraries():
    _load_demo_command()
    nominations = _nominations()
    call = Call.objects.get(**IN_2024)

    assert len({n.library_id for n in nominations}) >= 30
    ineligible = [n for n in nominations if library_eligibility(library=n.library, call=call)]
    assert len(ineligible) == 1
    assert ineligible[0].status == Status.DRAFT
    assert missing_for_submission(ineligible[0]) == []
    # Never more nominations in play per library than the call allows.
    active = [n.library_id for n in nominations if n.status in TOLD_STATUSES]
    assert len(active) == len(set(active))
    assert Library.objects.exclude(nominations__cohort__slug=COHORT_SLUG).exists()


@pytest.mark.django_db
def test_demo_nominations_vary_in_project_themes_and_travel():
    _load_demo_command()
    nominations = _nominations()
    complete = [n for n in nominations if not missing_for_submission(n)]

    assert {n.project_kind for n in nominations} == set(ProjectKind.values)
    assert {n.travel_support for n in complete} == set(TravelSupport.values)
    assert all(2 <= len(n.themes.all()) <= 3 for n in complete)
    assert len({theme.name for n in nominations for theme in n.themes.all()}) == 10
    conditional = [n for n in nominations if n.stipend_conditional]
    assert len(conditional) >= 4
    assert all(n.stipend_reason for n in conditional)
    assert all(n.travel_support != TravelSupport.YES for n in conditional)
    global_south = [n for n in conditional if n.library.geography.global_south]
    assert len(global_south) > len(conditional) / 2
    assert len(conditional) > len(global_south)  # one from elsewhere, for contrast
    names = {n.candidate_name for n in nominations}
    assert {"Njeri Wambũi Otieno", "Јована Петровић", "Δημήτρης Αλεξίου"} <= names


@pytest.mark.django_db
def test_demo_nominators_have_verified_accounts_and_their_own_nominations():
    _load_demo_command()

    for nomination in _nominations():
        assert nomination.nominator_email == nomination.nominator.email
        assert EmailAddress.objects.filter(
            user=nomination.nominator, email=nomination.nominator.email, verified=True
        ).exists()
        assert nomination.nominator.check_password(DEMO_PASSWORD)


@pytest.mark.django_db
def test_demo_candidate_confirmation_link_finds_the_nomination():
    _load_demo_command()
    row = next(row for row in NOMINATIONS if row.stage is Stage.AWAITING)
    nomination = Nomination.objects.get(creation_token=creation_token(row=row))

    assert find_by_candidate_token(candidate_token(token=nomination.creation_token)) == nomination
    assert find_by_candidate_token(f"demo:{nomination.creation_token}") is None


@pytest.mark.django_db
def test_demo_call_page_shows_the_words_of_the_2024_call_and_the_deadline(client):
    _load_demo_command()

    with time_machine.travel(dt.datetime(2024, 1, 20, 12, 0, tzinfo=dt.UTC), tick=False):
        response = client.get(reverse("nominations:call", args=["metlib-2024"]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Nominations are open" in page
    assert 'datetime="2024-02-16T04:59:00+00:00"' in page  # 15 February, 23:59 in New York
    for words in (
        "12-month talent development program",
        "urban transformation project (e.g., branch development, new main library, new major "
        "branch, strategic development, partnerships)",
        "more than 400,000",
        "use working hours",
        "professional exchange in English",
        "monthly thematic online discussions of two hours",
        "outside normal office hours",
        "2\N{EN DASH}3 hours a month",
        "3\N{EN DASH}4 group mentoring sessions",
        "certificate",
        "6 to 10 October 2024 in Barcelona",
        "one-day workshop",
        "1\N{EN DASH}3 travel stipends for participants from the Global South",
        "conditional on financial support",
        "informs all applicants by 19 February 2024",
        "geographic diversity and the range of projects",
        "9 April 2024: monthly meeting",
        "August 2024: summer break",
        "4 March 2025: monthly meeting",
        "Inés Ñúñez Carrasco",
        f"mailto:{FACILITATOR_EMAIL}",
    ):
        assert words in page, words
    # The real facilitator stays out of the demo.
    assert "Tommi" not in page
    assert "Laitio" not in page


@pytest.mark.django_db
def test_facilitator_and_a_nominator_sign_in_with_the_demo_password(client):
    _load_demo_command()

    response = client.post(
        reverse("account_login"), {"login": FACILITATOR_EMAIL, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == User.objects.get(email=FACILITATOR_EMAIL).pk

    client.logout()
    row = next(row for row in NOMINATIONS if row.stage is Stage.INCOMPLETE)
    draft = Nomination.objects.get(creation_token=creation_token(row=row))
    response = client.post(
        reverse("account_login"), {"login": draft.nominator.email, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302
    page = client.get(reverse("nominations:detail", args=[draft.pk])).content.decode()
    assert row.candidate in page
    with translation.override(draft.nominator.language):  # the page speaks the nominator's
        assert translation.gettext("the three commitments") in page
