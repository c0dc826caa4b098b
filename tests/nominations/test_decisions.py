"""Selection decisions: drafts and their audit trail, pins, the assistant's proposal applied,
refusals that change nothing, publishing every result once, promotion from the waitlist, and
who may do any of it."""

import re
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Membership, Role, StipendRule
from metlib.models import Email, User
from nominations import selection, tasks
from nominations.assistant import Infeasible, Proposal
from nominations.models import Decision, DecisionEvent, Nomination, Pin, Review, Score, Selection

from ..factories import (
    CohortFactory,
    CriterionFactory,
    LibraryFactory,
    MembershipFactory,
    NominationFactory,
    ReviewFactory,
    UserFactory,
)

Status = Nomination.Status
Outcome = Decision.Outcome
Action = DecisionEvent.Action

# Queries of the decisions page whatever the number of nominations: user (the session is
# cached), cohort, roles, selection (with who published it), nominations (library, nominator,
# decision and pin joined), their trail, and the ranking's two (its nominations, the reviews
# with their scores); after publication also the result mails.
DECISIONS_QUERIES = 7
DECISIONS_QUERIES_PUBLISHED = 8


@pytest.fixture
def cohort(db):
    return CohortFactory(capacity_min=1, capacity_max=2, stipends_available=1)


@pytest.fixture
def criterion(cohort):
    return CriterionFactory(cohort=cohort, name="Project")


@pytest.fixture
def make(cohort, criterion):
    """make(name, score, country=…, kind=…, stipend=…) → a confirmed nomination under review,
    scored by one advisor (no review when ``score`` is None)."""

    def build(name, score=None, *, country="FI", kind="new_main_library", stipend=False, **extra):
        nomination = NominationFactory(
            cohort=cohort,
            status=Status.UNDER_REVIEW,
            candidate_name=name,
            candidate_email=f"{name.lower()}@library.example",
            library=LibraryFactory(country=country),
            project_kind=kind,
            stipend_conditional=stipend,
            stipend_reason="No travel budget." if stipend else "",
            candidate_confirmed_at=timezone.now(),
            **extra,
        )
        if score is not None:
            ReviewFactory(nomination=nomination, scores={criterion: score})
        return nomination

    return build


@pytest.fixture
def trio(make):
    """Three nominations under review from three countries: the best needs a stipend."""
    return {
        "ana": make("Ana", 5, country="BR", stipend=True),
        "bo": make("Bo", 4, country="SE"),
        "cem": make("Cem", 2, country="TR"),
    }


def url(name, cohort, **kwargs):
    return reverse(f"nominations:{name}", kwargs={"cohort_slug": cohort.slug, **kwargs})


def decide_all(trio, by):
    selection.decide(nomination=trio["ana"], by=by, outcome=Outcome.ACCEPTED, stipend_awarded=True)
    selection.decide(nomination=trio["bo"], by=by, outcome=Outcome.WAITLISTED)
    selection.decide(nomination=trio["cem"], by=by, outcome=Outcome.DECLINED, note="Too early.")


def publish(cohort, by, capture):
    with capture(execute=True):
        return selection.publish_selection(cohort=cohort, by=by)


def mails_to(address):
    return [message for message in mail.outbox if message.to == [address]]


# --- Drafts and the audit trail ----------------------------------------------------------------


def test_decide_writes_a_draft_and_appends_to_the_trail_when_first_decided(trio, facilitator):
    decision = selection.decide(
        nomination=trio["bo"], by=facilitator, outcome=Outcome.WAITLISTED, note="Strong, but late."
    )

    decision.refresh_from_db()
    assert (decision.outcome, decision.note, decision.published_at) == (
        Outcome.WAITLISTED,
        "Strong, but late.",
        None,
    )
    assert decision.decided_by == facilitator
    events = list(DecisionEvent.objects.filter(nomination=trio["bo"]))
    assert [(e.action, e.outcome, e.note, e.by) for e in events] == [
        (Action.DECIDED, Outcome.WAITLISTED, "Strong, but late.", facilitator)
    ]
    trio["bo"].refresh_from_db()
    assert trio["bo"].status == Status.UNDER_REVIEW  # nobody is told a draft
    assert not Email.objects.exists()


def test_deciding_again_records_a_change_and_the_same_again_records_nothing(trio, facilitator):
    bo = trio["bo"]
    selection.decide(nomination=bo, by=facilitator, outcome=Outcome.WAITLISTED)
    selection.decide(nomination=bo, by=facilitator, outcome=Outcome.ACCEPTED, note="A place left.")
    selection.decide(nomination=bo, by=facilitator, outcome=Outcome.ACCEPTED, note="A place left.")

    assert Decision.objects.get(nomination=bo).outcome == Outcome.ACCEPTED
    assert list(
        DecisionEvent.objects.filter(nomination=bo).values_list("action", "outcome", "note")
    ) == [
        (Action.DECIDED, Outcome.WAITLISTED, ""),
        (Action.CHANGED, Outcome.ACCEPTED, "A place left."),
    ]


@pytest.mark.parametrize("outcome", [Outcome.WAITLISTED, Outcome.DECLINED])
def test_a_stipend_is_refused_unless_accepted(trio, facilitator, outcome):
    with pytest.raises(selection.SelectionRefused, match="only with an acceptance"):
        selection.decide(
            nomination=trio["ana"], by=facilitator, outcome=outcome, stipend_awarded=True
        )
    assert not Decision.objects.exists()
    assert not DecisionEvent.objects.exists()


def test_more_stipends_than_the_cohort_has_are_allowed_when_accepted(trio, facilitator):
    for nomination in (trio["ana"], trio["cem"]):  # Brazil and Türkiye: the Global South
        selection.decide(
            nomination=nomination, by=facilitator, outcome=Outcome.ACCEPTED, stipend_awarded=True
        )
    assert Decision.objects.filter(stipend_awarded=True).count() == 2  # the cohort has 1


def test_a_stipend_the_calls_rule_does_not_give_is_refused(cohort, trio, facilitator):
    assert cohort.stipend_rule == StipendRule.GLOBAL_SOUTH  # a new cohort's default
    with pytest.raises(selection.SelectionRefused, match="only to nominees whose library"):
        selection.decide(
            nomination=trio["bo"], by=facilitator, outcome=Outcome.ACCEPTED, stipend_awarded=True
        )  # Sweden
    assert not Decision.objects.exists()

    cohort.stipend_rule = StipendRule.ANYONE
    cohort.save()
    trio["bo"].refresh_from_db()
    decision = selection.decide(
        nomination=trio["bo"], by=facilitator, outcome=Outcome.ACCEPTED, stipend_awarded=True
    )
    assert decision.stipend_awarded


def test_clear_decision_removes_the_draft_and_the_trail_keeps_it(trio, facilitator):
    selection.decide(nomination=trio["cem"], by=facilitator, outcome=Outcome.DECLINED)

    assert selection.clear_decision(nomination=trio["cem"], by=facilitator) is True
    assert selection.clear_decision(nomination=trio["cem"], by=facilitator) is False

    assert not Decision.objects.exists()
    assert list(
        DecisionEvent.objects.filter(nomination=trio["cem"]).values_list("action", "outcome")
    ) == [(Action.DECIDED, Outcome.DECLINED), (Action.CLEARED, Outcome.DECLINED)]


def test_decide_is_refused_when_the_nomination_is_not_under_review(cohort, facilitator):
    submitted = NominationFactory(cohort=cohort, status=Status.SUBMITTED)
    with pytest.raises(selection.SelectionRefused, match="under review"):
        selection.decide(nomination=submitted, by=facilitator, outcome=Outcome.ACCEPTED)
    assert not Decision.objects.exists()


def test_decide_is_refused_when_the_person_may_not_decide(trio, cohort, make_member):
    advisor = make_member(cohort, Role.ADVISOR)
    with pytest.raises(PermissionDenied):
        selection.decide(nomination=trio["ana"], by=advisor, outcome=Outcome.ACCEPTED)
    assert not Decision.objects.exists()


def test_decision_form_saves_and_clears_from_the_page(client, cohort, trio, facilitator):
    client.force_login(facilitator)
    bo = trio["cem"]  # from Türkiye: the call's stipend rule allows them one
    response = client.post(
        url("decide", cohort, pk=bo.pk),
        {"outcome": "accepted", "stipend_awarded": "on", "note": "Pinned by the group."},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#nomination-{bo.pk}")
    decision = Decision.objects.get(nomination=bo)
    assert (decision.outcome, decision.stipend_awarded, decision.note) == (
        "accepted",
        True,
        "Pinned by the group.",
    )
    page = client.get(url("decisions", cohort)).content.decode()
    assert "Pinned by the group." in page
    assert "Draft by" in page

    client.post(url("decide", cohort, pk=bo.pk), {"action": "clear"})
    assert not Decision.objects.exists()


def test_decision_form_refusal_is_shown_and_nothing_changes(client, cohort, trio, facilitator):
    client.force_login(facilitator)
    response = client.post(
        url("decide", cohort, pk=trio["cem"].pk),
        {"outcome": "declined", "stipend_awarded": "on"},
        follow=True,
    )
    assert "Nothing changed: A travel stipend goes only with an acceptance." in (
        response.content.decode()
    )
    assert not Decision.objects.exists()


# --- Pins and the assistant --------------------------------------------------------------------


def test_assistant_candidates_carry_score_place_kind_and_stipend(cohort, trio, make):
    unreviewed = make("Dara", None, country="KE", kind="partnerships")
    NominationFactory(cohort=cohort, status=Status.SUBMITTED)  # not under review: left out

    candidates = {c.id: c for c in selection.assistant_candidates(cohort=cohort)}

    assert set(candidates) == {*(n.pk for n in trio.values()), unreviewed.pk}
    ana = candidates[trio["ana"].pk]
    assert (ana.score, ana.country, ana.continent, ana.needs_stipend) == (
        5.0,
        "Brazil",
        "South America",
        True,
    )
    dara = candidates[unreviewed.pk]
    assert (dara.score, dara.project_kind, dara.label) == (None, "Partnerships", "Dara")


def test_the_score_is_the_mean_of_each_submitted_reviews_mean(cohort, make, criterion):
    other = CriterionFactory(cohort=cohort, name="Leadership")
    eve = make("Eve", None)
    ReviewFactory(nomination=eve, scores={criterion: 5, other: 3})  # mean 4
    ReviewFactory(nomination=eve, scores={criterion: 2, other: None})  # n/a left out: mean 2
    draft = ReviewFactory(nomination=eve)  # a draft's scores never count
    Score.objects.create(review=draft, criterion=criterion, value=1)
    draft.status = Review.Status.DRAFT
    draft.save()

    assert selection.review_scores(cohort=cohort)[eve.pk] == pytest.approx(3.0)


def test_pins_change_the_proposal_and_unpinning_restores_it(cohort, trio, facilitator):
    assert selection.run_assistant(cohort=cohort).selected == (trio["ana"].pk, trio["bo"].pk)

    selection.pin(nomination=trio["cem"], by=facilitator, direction=Pin.Direction.IN)
    selection.pin(nomination=trio["ana"], by=facilitator, direction=Pin.Direction.OUT)
    proposal = selection.run_assistant(cohort=cohort)
    assert set(proposal.selected) == {trio["bo"].pk, trio["cem"].pk}
    assert proposal.explanations[trio["cem"].pk] == f"in: pinned by {facilitator}"
    assert proposal.explanations[trio["ana"].pk] == f"out: pinned out by {facilitator}"

    selection.pin(nomination=trio["cem"], by=facilitator, direction=None)
    selection.pin(nomination=trio["ana"], by=facilitator, direction=None)
    assert not Pin.objects.exists()
    assert selection.run_assistant(cohort=cohort).selected == (trio["ana"].pk, trio["bo"].pk)


def test_a_pin_says_who_pinned_and_why_in_the_explanation(client, cohort, trio, facilitator):
    client.force_login(facilitator)
    page = client.post(
        url("assistant_pin", cohort, pk=trio["cem"].pk),
        {"direction": "in", "reason": "The only library from Türkiye"},
    ).content.decode()
    expected = f"in: pinned by {facilitator}: The only library from Türkiye"
    assert selection.run_assistant(cohort=cohort).explanations[trio["cem"].pk] == expected
    assert expected in page


def test_same_input_same_answer(cohort, trio):
    assert selection.run_assistant(cohort=cohort) == selection.run_assistant(cohort=cohort)


def test_pin_button_pins_and_runs_again(client, cohort, trio, facilitator):
    client.force_login(facilitator)
    response = client.post(url("assistant_pin", cohort, pk=trio["cem"].pk), {"direction": "in"})
    page = response.content.decode()
    assert response.status_code == 200
    assert Pin.objects.get(nomination=trio["cem"]).direction == "in"
    assert "in: pinned" in page
    assert "Total review score" in page


def test_assistant_settings_are_saved_from_the_page(client, cohort, trio, facilitator):
    client.force_login(facilitator)
    response = client.post(
        url("assistant_settings", cohort),
        {"max_per_country": "1", "min_project_kinds": "2", "represent_every_continent": ""},
    )
    assert response.status_code == 302
    rules = Selection.objects.get(cohort=cohort)
    assert (rules.max_per_country, rules.min_project_kinds, rules.represent_every_continent) == (
        1,
        2,
        False,
    )


def test_assistant_page_shows_the_rules_and_the_proposal_with_reasons(
    client, cohort, trio, facilitator
):
    client.force_login(facilitator)
    page = client.get(url("assistant", cohort)).content.decode()
    assert page.count("<h1>") == 1
    assert "At most per country" in page
    assert "Run the assistant" in page
    assert "Who may receive one: Nominees whose library is in the Global South" in page

    page = client.post(url("assistant_run", cohort)).content.decode()
    assert "Selected" in page
    assert "in: highest score overall" in page
    assert (
        "out: the capacity of 2 places is filled by higher scores (2.00 &lt; 4.00, the last one "
        "selected)" in page
    )
    assert "Apply as draft decisions" in page
    assert not Decision.objects.exists()  # running changes nothing


def test_infeasible_run_names_the_constraint_and_changes_nothing(client, cohort, trio, facilitator):
    cohort.capacity_min = cohort.capacity_max = 5
    cohort.save()
    selection.pin(nomination=trio["cem"], by=facilitator, direction=Pin.Direction.OUT)
    with pytest.raises(Infeasible) as refusal:
        selection.run_assistant(cohort=cohort)
    assert (
        "Capacity: at least 5 must be selected, but only 2 nominations are not pinned out."
        in refusal.value.reasons
    )

    client.force_login(facilitator)
    page = client.post(url("assistant_run", cohort)).content.decode()

    assert "No cohort meets these rules. Nothing was changed." in page
    assert "Capacity: at least 5 must be selected, but only 2 nominations are not pinned out." in (
        page
    )
    assert "Apply as draft decisions" not in page
    assert not Decision.objects.exists()
    assert not DecisionEvent.objects.exists()
    assert not Selection.objects.exists()
    assert Pin.objects.count() == 1


# --- Applying a proposal -----------------------------------------------------------------------


def test_apply_proposal_accepts_the_selected_waitlists_the_next_and_declines_the_rest(
    cohort, make, facilitator
):
    people = [
        make("Ana", 5, country="BR", stipend=True),
        make("Bo", 4, country="SE"),
        make("Cem", 3, country="TR"),
        make("Dara", 2, country="KE"),
        make("Eli", 1, country="IL"),
    ]
    proposal = selection.run_assistant(cohort=cohort)

    applied = selection.apply_proposal(
        cohort=cohort, by=facilitator, proposal=proposal, waitlist_size=2
    )

    assert applied == selection.Applied(accepted=2, waitlisted=2, declined=1)
    decisions = {d.nomination_id: d for d in Decision.objects.all()}
    got = [(decisions[p.pk].outcome, decisions[p.pk].stipend_awarded) for p in people]
    assert got == [
        ("accepted", True),
        ("accepted", False),
        ("waitlisted", False),
        ("waitlisted", False),
        ("declined", False),
    ]
    assert decisions[people[0].pk].note == "Selection assistant: in: highest score overall"
    assert all(d.published_at is None for d in decisions.values())
    assert DecisionEvent.objects.filter(action=Action.DECIDED).count() == 5
    assert not Email.objects.exists()


def test_apply_proposal_keeps_the_pinned_out_off_the_waitlist(cohort, trio, facilitator):
    selection.pin(nomination=trio["ana"], by=facilitator, direction=Pin.Direction.OUT)
    proposal = selection.run_assistant(cohort=cohort)

    selection.apply_proposal(cohort=cohort, by=facilitator, proposal=proposal)

    outcomes = dict(Decision.objects.values_list("nomination_id", "outcome"))
    assert outcomes == {
        trio["ana"].pk: "declined",
        trio["bo"].pk: "accepted",
        trio["cem"].pk: "accepted",
    }


def test_apply_from_the_page_refuses_a_proposal_that_changed_since(
    client, cohort, trio, facilitator
):
    client.force_login(facilitator)
    stale = f"{trio['bo'].pk},{trio['cem'].pk}"
    page = client.post(
        url("assistant_apply", cohort), {"proposal": stale, "waitlist_size": "5"}
    ).content.decode()
    assert "no longer the one you saw" in page
    assert not Decision.objects.exists()

    fresh = f"{trio['ana'].pk},{trio['bo'].pk}"
    response = client.post(
        url("assistant_apply", cohort), {"proposal": fresh, "waitlist_size": "5"}
    )
    assert response.status_code == 302
    assert response["Location"] == url("decisions", cohort)
    assert Decision.objects.filter(outcome="accepted").count() == 2


# --- Publishing --------------------------------------------------------------------------------


def test_publish_tells_every_applicant_and_nominator_once_with_their_own_template(
    cohort, trio, facilitator, django_capture_on_commit_callbacks
):
    decide_all(trio, facilitator)

    assert publish(cohort, facilitator, django_capture_on_commit_callbacks) == 3

    expected = {
        "ana": ("accepted", "accepted"),
        "bo": ("waitlisted", "on the waitlist"),
        "cem": ("declined", "not selected"),
    }
    for name, (outcome, words) in expected.items():
        nomination = trio[name]
        nomination.refresh_from_db()
        assert nomination.status == outcome
        [to_candidate] = mails_to(nomination.candidate_email)
        assert to_candidate.subject == f"Your nomination for {cohort.name}: {words}"
        assert not to_candidate.subject.startswith("Nomination received")
        [to_nominator] = mails_to(nomination.nominator_email)
        assert to_nominator.subject == (
            f"Your nomination of {nomination.candidate_name} for {cohort.name}: {words}"
        )
        assert Email.objects.filter(key=f"nomination:{nomination.pk}:result:{outcome}").exists()
        assert Email.objects.filter(
            key=f"nomination:{nomination.pk}:result:{outcome}:nominator"
        ).exists()
        decision = nomination.decision
        assert decision.published_at is not None
        assert DecisionEvent.objects.filter(
            nomination=nomination, action=Action.PUBLISHED, by=facilitator
        ).exists()
    assert len(mail.outbox) == 6

    [acceptance] = mails_to(trio["ana"].candidate_email)
    assert "/accounts/login/code/" in acceptance.body
    assert "You are awarded a travel stipend" in acceptance.body
    assert acceptance.alternatives[0][1] == "text/html"
    [waitlist] = mails_to(trio["bo"].candidate_email)
    assert "waitlist" in waitlist.body
    assert "Too early." not in mails_to(trio["cem"].candidate_email)[0].body  # notes stay inside

    rules = Selection.objects.get(cohort=cohort)
    assert (rules.published_by, rules.closed_at is not None) == (facilitator, True)


def test_publish_enrols_the_accepted_with_a_verified_account(
    cohort, trio, facilitator, django_capture_on_commit_callbacks
):
    decide_all(trio, facilitator)
    publish(cohort, facilitator, django_capture_on_commit_callbacks)

    ana = User.objects.get(email="ana@library.example")
    assert not ana.has_usable_password()
    assert ana.display_name == "Ana"
    address = EmailAddress.objects.get(user=ana)
    assert (address.email, address.verified, address.primary) == ("ana@library.example", True, True)
    membership = Membership.objects.get(user=ana, cohort=cohort)
    assert (membership.role, membership.library) == (Role.PARTICIPANT, trio["ana"].library)
    assert not User.objects.filter(email__in=["bo@library.example", "cem@library.example"]).exists()


def test_publish_reuses_the_account_the_candidate_already_has(
    cohort, trio, facilitator, django_capture_on_commit_callbacks
):
    existing = UserFactory(email="ana@library.example")
    trio["ana"].candidate_email = "Ana@Library.example"
    trio["ana"].save()
    decide_all(trio, facilitator)
    publish(cohort, facilitator, django_capture_on_commit_callbacks)

    assert User.objects.filter(email__iexact="ana@library.example").count() == 1
    assert existing.has_usable_password()
    assert Membership.objects.filter(user=existing, cohort=cohort, role=Role.PARTICIPANT).exists()


def test_publishing_twice_is_refused_and_sends_nothing_more(
    client, cohort, trio, facilitator, django_capture_on_commit_callbacks
):
    decide_all(trio, facilitator)
    publish(cohort, facilitator, django_capture_on_commit_callbacks)
    published_at = Selection.objects.get(cohort=cohort).published_at

    with pytest.raises(selection.SelectionRefused, match="already published"):
        publish(cohort, facilitator, django_capture_on_commit_callbacks)
    client.force_login(facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("publish", cohort), follow=True)

    assert "Nothing changed: The results were already published on" in response.content.decode()
    assert len(mail.outbox) == 6
    assert Email.objects.count() == 6
    assert Selection.objects.get(cohort=cohort).published_at == published_at
    assert DecisionEvent.objects.filter(action=Action.PUBLISHED).count() == 3


def test_running_the_publish_task_again_sends_nothing_more(
    cohort, trio, facilitator, django_capture_on_commit_callbacks
):
    decide_all(trio, facilitator)
    publish(cohort, facilitator, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.publish_results(cohort_id=cohort.pk) == 0
        assert tasks.publish_results.delay(cohort_id=cohort.pk).get() == 0

    assert len(mail.outbox) == 6
    assert Email.objects.count() == 6
    assert DecisionEvent.objects.filter(action=Action.PUBLISHED).count() == 3


def test_the_publish_task_tells_nobody_before_publication(cohort, trio, facilitator):
    decide_all(trio, facilitator)
    assert tasks.publish_results(cohort_id=cohort.pk) == 0
    assert tasks.publish_results(cohort_id=cohort.pk + 1000) == 0
    assert not Email.objects.exists()
    assert not Decision.objects.filter(published_at__isnull=False).exists()


def test_publish_is_refused_while_a_nomination_is_undecided(
    client, cohort, trio, facilitator, django_capture_on_commit_callbacks
):
    selection.decide(nomination=trio["ana"], by=facilitator, outcome=Outcome.ACCEPTED)

    with pytest.raises(selection.SelectionRefused, match="2 nominations under review have no"):
        publish(cohort, facilitator, django_capture_on_commit_callbacks)

    client.force_login(facilitator)
    page = client.get(url("publish", cohort)).content.decode()
    assert "The results cannot be published yet" in page
    assert "Publish and send the results" not in page
    assert not Email.objects.exists()
    assert Selection.objects.get(cohort=cohort).published_at is None


def test_publish_confirmation_says_how_many_mails_go_out(client, cohort, trio, facilitator):
    decide_all(trio, facilitator)
    client.force_login(facilitator)

    page = client.get(url("publish", cohort)).content.decode()

    assert page.count("<h1>") == 1
    assert "This sends 6 mails" in page
    assert "1 acceptance" in page
    assert "1 place on the waitlist" in page
    assert "1 decline" in page
    assert not Email.objects.exists()


def test_a_nominator_who_nominated_themselves_gets_one_mail(
    cohort, make, facilitator, django_capture_on_commit_callbacks
):
    self_nominated = make("Fay", 4)
    self_nominated.nominator_email = "FAY@library.example"
    self_nominated.save()
    selection.decide(nomination=self_nominated, by=facilitator, outcome=Outcome.ACCEPTED)

    publish(cohort, facilitator, django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == f"Your nomination for {cohort.name}: accepted"


def test_decisions_are_refused_after_publication(
    cohort, trio, facilitator, django_capture_on_commit_callbacks
):
    decide_all(trio, facilitator)
    publish(cohort, facilitator, django_capture_on_commit_callbacks)

    with pytest.raises(selection.SelectionRefused, match="published"):
        selection.decide(nomination=trio["cem"], by=facilitator, outcome=Outcome.ACCEPTED)
    with pytest.raises(selection.SelectionRefused, match="published"):
        selection.clear_decision(nomination=trio["cem"], by=facilitator)
    nothing = Proposal(
        selected=(), total_score=0, continents_represented=(), kinds_represented=(), stipends_used=0
    )
    with pytest.raises(selection.SelectionRefused, match="published"):
        selection.apply_proposal(cohort=cohort, by=facilitator, proposal=nothing)
    with pytest.raises(selection.SelectionRefused, match="under review"):
        selection.pin(nomination=trio["cem"], by=facilitator, direction=Pin.Direction.IN)
    assert Decision.objects.get(nomination=trio["cem"]).outcome == Outcome.DECLINED


def test_decisions_page_shows_who_was_told_what_and_when_after_publication(
    client, cohort, trio, facilitator, django_capture_on_commit_callbacks
):
    decide_all(trio, facilitator)
    publish(cohort, facilitator, django_capture_on_commit_callbacks)
    client.force_login(facilitator)

    page = client.get(url("decisions", cohort)).content.decode()

    assert "Published:" in page
    assert page.count("Told:") == 3
    assert "ana@library.example: sent" in page
    assert "Save the decision" not in page
    assert page.count("from the waitlist</button>") == 1  # only Bo can be promoted


# --- Promotion from the waitlist ---------------------------------------------------------------


def test_promotion_sends_exactly_one_acceptance_and_enrols(
    client, cohort, trio, facilitator, django_capture_on_commit_callbacks
):
    decide_all(trio, facilitator)
    publish(cohort, facilitator, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    bo = trio["bo"]
    client.force_login(facilitator)

    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(url("promote", cohort, pk=bo.pk), {"note": "Ana's place freed up."})
    assert page.status_code == 200  # the confirmation step: nothing sent yet
    assert not mail.outbox
    assert "Nothing is sent until you confirm" in page.content.decode()
    assert bo.candidate_email in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = {"note": "Ana's place freed up.", "confirm": "yes"}
        client.post(url("promote", cohort, pk=bo.pk), confirmed)
        client.post(url("promote", cohort, pk=bo.pk), {"note": "Pressed again.", "confirm": "yes"})
    with pytest.raises(selection.SelectionRefused, match="waitlist"):
        selection.promote_from_waitlist(nomination=bo, by=facilitator)

    [acceptance] = mails_to(bo.candidate_email)
    assert acceptance.subject == f"Your nomination for {cohort.name}: accepted"
    assert "A place has opened" in acceptance.body
    assert len(mails_to(bo.nominator_email)) == 1
    assert len(mail.outbox) == 2
    bo.refresh_from_db()
    assert bo.status == Status.ACCEPTED
    decision = bo.decision
    assert (decision.outcome, decision.note) == (Outcome.ACCEPTED, "Ana's place freed up.")
    assert Membership.objects.filter(
        user__email="bo@library.example", cohort=cohort, role=Role.PARTICIPANT
    ).exists()
    assert list(DecisionEvent.objects.filter(nomination=bo).values_list("action", flat=True)) == [
        Action.DECIDED,
        Action.PUBLISHED,
        Action.PROMOTED,
    ]


def test_promotion_is_refused_for_the_declined_and_before_publication(cohort, trio, facilitator):
    decide_all(trio, facilitator)
    with pytest.raises(selection.SelectionRefused):
        selection.promote_from_waitlist(nomination=trio["bo"], by=facilitator)  # not told yet
    assert not Email.objects.exists()
    assert Decision.objects.get(nomination=trio["bo"]).outcome == Outcome.WAITLISTED


# --- Who may do it -----------------------------------------------------------------------------


def pages(cohort, nomination):
    pk = nomination.pk
    return [
        ("get", url("assistant", cohort)),
        ("post", url("assistant_run", cohort)),
        ("post", url("assistant_settings", cohort)),
        ("post", url("assistant_pin", cohort, pk=pk)),
        ("post", url("assistant_apply", cohort)),
        ("get", url("decisions", cohort)),
        ("post", url("decide", cohort, pk=pk)),
        ("post", url("promote", cohort, pk=pk)),
        ("get", url("publish", cohort)),
        ("post", url("publish", cohort)),
        ("post", url("publish_resume", cohort)),
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, cohort, trio):
    for method, address in pages(cohort, trio["ana"]):
        response = getattr(client, method)(address)
        assert response.status_code == 302, address
        assert response["Location"].startswith(reverse("account_login")), address


@pytest.mark.parametrize("who", ["nominator", "advisor", "participant", "mentor", "other"])
def test_everyone_but_the_cohorts_facilitators_gets_403(client, cohort, trio, who):
    if who == "nominator":
        user = trio["ana"].nominator
    elif who == "other":
        user = UserFactory()
        MembershipFactory(user=user, role=Role.FACILITATOR)  # of another cohort
    else:
        user = UserFactory()
        MembershipFactory(user=user, cohort=cohort, role=who)
    client.force_login(user)
    for method, address in pages(cohort, trio["ana"]):
        data = {"outcome": "accepted", "direction": "in", "proposal": "", "waitlist_size": "1"}
        response = (
            getattr(client, method)(address, data) if method == "post" else client.get(address)
        )
        assert response.status_code == 403, address
    assert not Decision.objects.exists()
    assert not Pin.objects.exists()
    assert Selection.objects.filter(published_at__isnull=False).count() == 0


def test_the_cohort_page_links_facilitators_to_the_selection_pages(
    client, cohort, facilitator, make_member
):
    client.force_login(facilitator)
    page = client.get(reverse("circle:detail", kwargs={"cohort_slug": cohort.slug}))
    assert url("assistant", cohort) in page.content.decode()
    assert url("decisions", cohort) in page.content.decode()

    client.force_login(make_member(cohort, Role.ADVISOR))
    page = client.get(reverse("circle:detail", kwargs={"cohort_slug": cohort.slug}))
    assert url("decisions", cohort) not in page.content.decode()


# --- The decisions page at scale ---------------------------------------------------------------


def add_decided_nominations(*, cohort, count, criterion, facilitator, published=False):
    """``count`` nominations under review (bulk inserts), reviewed, half decided with a trail,
    some pinned; when ``published``, told with their result mails."""
    libraries = [LibraryFactory(country=code) for code in ("FI", "KE", "BR", "IN", "US")]
    nominator, advisor = UserFactory(), UserFactory()
    now = timezone.now()
    status = Status.UNDER_REVIEW
    created = Nomination.objects.bulk_create(
        [
            NominationFactory.build(
                cohort=cohort,
                nominator=nominator,
                library=libraries[i % len(libraries)],
                status=status,
                submitted_at=now,
            )
            for i in range(count)
        ]
    )
    reviews = Review.objects.bulk_create(
        [
            Review(nomination=n, advisor=advisor, status="submitted", submitted_at=now)
            for n in created
        ]
    )
    Score.objects.bulk_create(
        [Score(review=r, criterion=criterion, value=1 + i % 5) for i, r in enumerate(reviews)]
    )
    outcomes = list(Outcome.values)
    decided = [n for i, n in enumerate(created) if i % 2 == 0 or published]
    Decision.objects.bulk_create(
        [
            Decision(
                nomination=n,
                outcome=outcomes[i % 3],
                decided_by=facilitator,
                decided_at=now,
                note="Bulk.",
                published_at=now if published else None,
            )
            for i, n in enumerate(decided)
        ]
    )
    DecisionEvent.objects.bulk_create(
        [
            DecisionEvent(nomination=n, action=action, outcome="accepted", by=facilitator, at=now)
            for n in decided
            for action in (Action.DECIDED, Action.CHANGED)
        ]
    )
    Pin.objects.bulk_create(
        [Pin(nomination=n, direction="in", by=facilitator) for n in created[::7]]
    )
    if published:
        Nomination.objects.filter(pk__in=[n.pk for n in decided]).update(status=Status.WAITLISTED)
        Selection.objects.update_or_create(
            cohort=cohort, defaults={"published_at": now, "published_by": facilitator}
        )
        Email.objects.bulk_create(
            [
                Email(key=f"nomination:{n.pk}:result:{outcomes[i % 3]}", to="x@example.org")
                for i, n in enumerate(decided)
            ]
        )


@pytest.mark.parametrize(
    ("published", "queries"),
    [(False, DECISIONS_QUERIES), (True, DECISIONS_QUERIES_PUBLISHED)],
)
def test_decisions_page_queries_are_the_same_for_20_or_500_nominations(
    client, cohort, criterion, facilitator, django_assert_num_queries, published, queries
):
    client.force_login(facilitator)
    make = {"cohort": cohort, "criterion": criterion, "facilitator": facilitator}

    add_decided_nominations(count=20, published=published, **make)
    with django_assert_num_queries(queries):
        small = client.get(url("decisions", cohort))
    add_decided_nominations(count=480, published=published, **make)
    with django_assert_num_queries(queries):
        large = client.get(url("decisions", cohort))

    assert small.status_code == large.status_code == 200
    assert large.content.decode().count('<tr id="nomination-') == 500


def test_decisions_page_lists_the_trail_and_counts(client, cohort, trio, facilitator):
    decide_all(trio, facilitator)
    selection.decide(nomination=trio["cem"], by=facilitator, outcome=Outcome.WAITLISTED)
    client.force_login(facilitator)

    page = client.get(url("decisions", cohort)).content.decode()

    assert page.count("<h1>") == 1
    assert "Publish the results…" in page
    assert "2 entries" in page  # Cem: decided, then changed
    assert "Too early." in page
    assert "1 of 1" in page  # stipends awarded of available
    first = page.index(f'id="nomination-{trio["ana"].pk}"')
    assert first < page.index(f'id="nomination-{trio["bo"].pk}"')  # best score first


def test_the_acceptance_link_signs_in_by_code(
    client, cohort, trio, facilitator, django_capture_on_commit_callbacks
):
    decide_all(trio, facilitator)
    publish(cohort, facilitator, django_capture_on_commit_callbacks)
    [acceptance] = mails_to(trio["ana"].candidate_email)
    link = next(line for line in acceptance.body.splitlines() if "/accounts/" in line).strip()

    assert link == "http://127.0.0.1:8000" + reverse("account_request_login_code")
    assert client.get(urlsplit(link).path).status_code == 200


def test_publish_is_refused_when_nothing_is_decided(
    cohort, facilitator, django_capture_on_commit_callbacks
):
    with pytest.raises(selection.SelectionRefused, match="no decision to publish"):
        publish(cohort, facilitator, django_capture_on_commit_callbacks)
    assert not Selection.objects.exists()  # rolled back with the refusal


def test_interrupted_publication_is_finished_by_the_periodic_sweep(
    cohort, trio, facilitator, django_capture_on_commit_callbacks
):
    """Published while the broker was down: the task never ran; the beat sweep finishes it."""
    decide_all(trio, facilitator)
    with django_capture_on_commit_callbacks(execute=False):  # the enqueue is lost
        selection.publish_selection(cohort=cohort, by=facilitator)
    assert Decision.objects.filter(published_at__isnull=True).count() == 3
    assert selection.cohorts_with_untold_results() == [cohort.pk]

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.resume_publications() == 3
        assert tasks.resume_publications() == 0

    assert not Decision.objects.filter(published_at__isnull=True).exists()
    assert Email.objects.count() == 6
    assert selection.cohorts_with_untold_results() == []


def test_promotion_with_a_stipend_beyond_the_budget_needs_a_reason_before_any_mail(
    client, cohort, make, facilitator, django_capture_on_commit_callbacks
):
    ana = make("Ana", 5, country="BR", stipend=True)
    dia = make("Dia", 3, country="MX", stipend=True)
    selection.decide(nomination=ana, by=facilitator, outcome=Outcome.ACCEPTED, stipend_awarded=True)
    selection.decide(nomination=dia, by=facilitator, outcome=Outcome.WAITLISTED)
    publish(cohort, facilitator, django_capture_on_commit_callbacks)  # 1 of 1 stipend used
    mail.outbox.clear()
    client.force_login(facilitator)
    address = url("promote", cohort, pk=dia.pk)
    typed = {"stipend_awarded": "on", "note": "Ana's colleague.", "confirm": "yes"}

    step = client.post(address, {"stipend_awarded": "on", "note": "Ana's colleague."})
    refused = client.post(address, typed)

    for page in (step, refused):
        text = page.content.decode()
        assert page.status_code == 200
        assert "Travel stipends awarded after this: 2 of 1" in text
        assert "Reason for going over the stipend budget" in text
        assert "Ana&#x27;s colleague." in text  # what was typed stays
    assert "give the reason for going over it" in refused.content.decode()
    assert not mail.outbox
    assert not Email.objects.filter(key__endswith=":result:accepted").exclude(
        to__in=[ana.candidate_email, ana.nominator_email]
    )
    dia.refresh_from_db()
    assert dia.status == Status.WAITLISTED

    with django_capture_on_commit_callbacks(execute=True):
        client.post(address, {**typed, "over_budget_reason": "A sponsor pays the fourth"})

    dia.refresh_from_db()
    assert (dia.status, dia.decision.stipend_awarded) == (Status.ACCEPTED, True)
    event = DecisionEvent.objects.get(nomination=dia, action=Action.PROMOTED)
    assert event.note.startswith("Over the stipend budget: A sponsor pays the fourth.")
    assert event.by == facilitator
    assert len(mails_to(dia.candidate_email)) == 1


def test_promotion_with_a_stipend_the_rule_does_not_give_is_refused(
    client, cohort, make, facilitator, django_capture_on_commit_callbacks
):
    eli = make("Eli", 3, country="RS", stipend=True)  # Serbia: not in the Global South
    selection.decide(nomination=eli, by=facilitator, outcome=Outcome.WAITLISTED)
    publish(cohort, facilitator, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with pytest.raises(selection.SelectionRefused, match="Global South"):
        selection.promote_from_waitlist(nomination=eli, by=facilitator, stipend_awarded=True)
    client.force_login(facilitator)
    response = client.post(
        url("promote", cohort, pk=eli.pk), {"stipend_awarded": "on", "confirm": "yes"}, follow=True
    )
    assert "Global South" in response.content.decode()
    assert not mail.outbox
    eli.refresh_from_db()
    assert eli.status == Status.WAITLISTED


def test_publishing_stipends_beyond_the_budget_sends_nothing_until_confirmed_with_a_reason(
    client, cohort, trio, facilitator, django_capture_on_commit_callbacks
):
    decide_all(trio, facilitator)  # Ana (Brazil): 1 of 1
    selection.decide(
        nomination=trio["cem"], by=facilitator, outcome=Outcome.ACCEPTED, stipend_awarded=True
    )  # Türkiye: 2 of 1
    client.force_login(facilitator)
    address = url("publish", cohort)

    page = client.get(address).content.decode()
    assert "Travel stipends awarded after this: 2 of 1" in page
    assert "These stipends go beyond the cohort's budget" in page
    assert "Reason for going over the stipend budget" in page
    for name in ("Ana", "Bo", "Cem"):  # who is told what, at which address
        assert f"{name.lower()}@library.example" in page
    assert trio["ana"].nominator.email in page
    with pytest.raises(selection.SelectionRefused, match="give the reason for going over it"):
        publish(cohort, facilitator, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(address, {"over_budget_reason": "  "})
    assert refused.status_code == 200
    assert "would award 2 travel stipends but the budget has 1" in refused.content.decode()
    assert not Email.objects.exists()
    assert not mail.outbox
    assert selection.selection_settings(cohort).published_at is None
    over = DecisionEvent.objects.filter(note__startswith="Over the stipend budget")
    assert not over.exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(address, {"over_budget_reason": "The city pays the second"})

    assert selection.selection_settings(cohort).published_at is not None
    for name in ("ana", "cem"):
        event = over.get(nomination=trio[name], action=Action.CHANGED)
        assert event.note.startswith("Over the stipend budget: The city pays the second.")
        assert (event.by, event.stipend_awarded) == (facilitator, True)
    assert not over.filter(nomination=trio["bo"], action=Action.CHANGED)
    assert len(mails_to(trio["cem"].candidate_email)) == 1


def test_publishing_within_the_budget_asks_for_no_reason(
    client, cohort, trio, facilitator, django_capture_on_commit_callbacks
):
    decide_all(trio, facilitator)
    client.force_login(facilitator)

    page = client.get(url("publish", cohort)).content.decode()

    assert "Travel stipends awarded after this: 1 of 1" in page
    assert "Reason for going over the stipend budget" not in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("publish", cohort))
    assert selection.selection_settings(cohort).published_at is not None
    assert not DecisionEvent.objects.filter(action=Action.CHANGED).exists()


def test_assistant_page_after_publication_says_no_count_of_nobody(
    client, cohort, trio, facilitator, django_capture_on_commit_callbacks
):
    decide_all(trio, facilitator)
    publish(cohort, facilitator, django_capture_on_commit_callbacks)
    client.force_login(facilitator)
    page = client.get(url("assistant", cohort)).content.decode()
    assert "the participation of 0 nominees" not in page
    assert "Who may receive one:" in page


def test_after_publication_the_assistant_still_says_why_each_is_in_or_out_by_the_rule(
    client, cohort, trio, make, facilitator, django_capture_on_commit_callbacks
):
    make("Dan", 3.5, country="SE")  # Sweden already has Bo: one per country
    Selection.objects.update_or_create(cohort=cohort, defaults={"max_per_country": 1})
    selection.pin(
        nomination=trio["cem"], by=facilitator, direction="out", reason="Withdrew by phone"
    )
    proposal = selection.run_assistant(cohort=cohort)
    selection.apply_proposal(cohort=cohort, by=facilitator, proposal=proposal, waitlist_size=1)
    notes = dict(Decision.objects.values_list("nomination__candidate_name", "note"))
    publish(cohort, facilitator, django_capture_on_commit_callbacks)
    client.force_login(facilitator)

    page = client.get(url("assistant", cohort)).content.decode()
    assert "4 nominations told their result" in page
    assert "the participation of 1 nominee depends on one" in page
    page = client.post(url("assistant_run", cohort)).content.decode()

    assert "in: highest score overall" in page  # Ana
    assert "in: score ranked 2 of 4 overall" in page  # Bo
    assert "out: ranked 2 in Sweden by score, and the per-country limit is 1" in page  # Dan
    assert f"out: pinned out by {facilitator}: Withdrew by phone" in page  # Cem
    assert "can no longer be applied" in page
    assert "Pin out:" not in page  # nothing left to pin
    assert "Decision told" in page
    assert re.search(r"Withdrew by phone</small></td>\s*<td>Declined</td>", page)
    assert notes["Dan"] == (
        "Selection assistant: waitlisted, 1 of 1 by score; out: ranked 2 in Sweden by score, "
        "and the per-country limit is 1"
    )
    assert (
        notes["Cem"] == f"Selection assistant: out: pinned out by {facilitator}: Withdrew by phone"
    )


def test_decisions_page_marks_nominees_the_stipend_rule_gives_none(
    client, cohort, trio, facilitator
):
    client.force_login(facilitator)
    page = client.get(url("decisions", cohort)).content.decode()
    assert page.count("the call's stipend rule gives no stipend") == 1  # Bo, from Sweden


def row_of(page, nomination):
    """The decisions page's table row of ``nomination``."""
    start = page.index(f'id="nomination-{nomination.pk}"')
    return page[start : page.index("</tr>", start)]


NO_STIPEND = (
    "The call gives travel stipends only to nominees whose library is in the Global South: "
    "this nominee may not receive one."
)


def test_the_draft_form_offers_a_stipend_only_to_whom_the_rule_gives_one(
    client, cohort, trio, facilitator
):
    client.force_login(facilitator)
    page = client.get(url("decisions", cohort)).content.decode()

    sweden, brazil = row_of(page, trio["bo"]), row_of(page, trio["ana"])
    assert 'name="stipend_awarded"' not in sweden
    assert NO_STIPEND in sweden
    assert 'name="stipend_awarded"' in brazil
    assert NO_STIPEND not in brazil


def test_promotion_offers_a_stipend_only_to_whom_the_rule_gives_one(
    client, cohort, make, facilitator, django_capture_on_commit_callbacks
):
    eli = make("Eli", 3, country="RS", stipend=True)  # Serbia: not in the Global South
    dia = make("Dia", 2, country="MX", stipend=True)
    for nomination in (eli, dia):
        selection.decide(nomination=nomination, by=facilitator, outcome=Outcome.WAITLISTED)
    publish(cohort, facilitator, django_capture_on_commit_callbacks)
    client.force_login(facilitator)

    page = client.get(url("decisions", cohort)).content.decode()
    assert 'name="stipend_awarded"' not in row_of(page, eli)
    assert NO_STIPEND in row_of(page, eli)
    assert 'name="stipend_awarded"' in row_of(page, dia)
    for nomination, offered in ((eli, False), (dia, True)):
        step = client.post(url("promote", cohort, pk=nomination.pk), {"note": "Next in line."})
        text = step.content.decode()
        assert step.status_code == 200
        assert ('name="stipend_awarded"' in text) is offered
        assert (NO_STIPEND in text) is not offered
        assert "Next in line." in text  # what was typed stays

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("promote", cohort, pk=eli.pk), {"note": "Next in line.", "confirm": "yes"})
    eli.refresh_from_db()
    assert (eli.status, eli.decision.stipend_awarded) == (Status.ACCEPTED, False)
