"""The dashboard says what to do next at every stage, including after the year ends
(evaluation, certificates, next cohort), counted afresh on every visit."""

import dataclasses
import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from circle.dashboard import Stage
from circle.dashboard_next import Situation, next_steps
from cohorts.evaluation_models import Evaluation
from cohorts.models import Role

from ..factories import CohortFactory, UserFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC
NOW = dt.datetime(2026, 5, 1, 12, tzinfo=UTC)


def situation(cohort, **changes) -> Situation:
    base = Situation(
        cohort=cohort,
        stage=Stage.OPEN,
        now=NOW,
        review_opened=False,
        published=False,
        nominations=0,
        reviews_owed=0,
        participants=0,
        events=0,
        upcoming_events=0,
        groups=0,
        eligible=0,
        issued=0,
        names_unconfirmed=0,
        evaluation_opens_at=None,
        evaluation_closes_at=None,
        evaluation_closed_at=None,
        evaluation_answers=0,
        later_slug=None,
        later_name=None,
        may_start_next=False,
    )
    return dataclasses.replace(base, **changes)


def texts(s: Situation) -> str:
    return " | ".join(f"{step.text} → {step.url}" for step in next_steps(s))


def test_an_unpublished_call_asks_to_be_published(cohort):
    cohort.call_published_at = None
    assert "publish it" in texts(situation(cohort))
    assert reverse("nominations:call", kwargs={"cohort_slug": cohort.slug}) in texts(
        situation(cohort)
    )


def test_an_open_call_counts_the_nominations(cohort):
    opened = cohort.nominations_open_at + dt.timedelta(days=1)
    assert "7 nominations so far" in texts(situation(cohort, nominations=7, now=opened))
    before = cohort.nominations_open_at - dt.timedelta(days=1)
    assert "opens on its date" in texts(situation(cohort, now=before))


def test_review_opens_then_waits_for_reviews_then_decides(cohort):
    review = situation(cohort, stage=Stage.REVIEW)
    assert "open the review" in texts(review)
    assert "3 reviews are still owed" in texts(
        dataclasses.replace(review, review_opened=True, reviews_owed=3)
    )
    assert "decide and publish the results" in texts(
        dataclasses.replace(review, review_opened=True)
    )


def test_selected_plans_the_year(cohort):
    selected = situation(cohort, stage=Stage.SELECTED, participants=15)
    assert "plan the year's calendar" in texts(selected)
    assert "Form the mentoring groups" in texts(selected)
    planned = dataclasses.replace(selected, events=12, groups=3)
    assert "the programme starts on" in texts(planned)


def test_running_records_attendance(cohort):
    running = situation(cohort, stage=Stage.RUNNING, participants=15, events=12, groups=3)
    assert "Record attendance" in texts(running)
    assert "evaluation" not in texts(running)


def test_after_the_year_evaluation_certificates_and_next_cohort(cohort):
    finished = situation(
        cohort, stage=Stage.FINISHED, participants=15, eligible=12, issued=2, names_unconfirmed=4
    )
    said = texts(finished)
    assert "Open the end-of-year evaluation" in said
    assert "10 eligible participants have no certificate yet" in said
    assert "4 participants have not confirmed the name" in said
    assert "a programme manager starts it" in said
    said = texts(
        dataclasses.replace(
            finished, may_start_next=True, evaluation_opens_at=NOW - dt.timedelta(days=2)
        )
    )
    assert "0 of 15 participants have answered the evaluation" in said
    assert reverse("circle:next_cohort", kwargs={"cohort_slug": cohort.slug}) in said
    said = texts(dataclasses.replace(finished, later_slug="next-one", later_name="Circle 2027"))
    assert "Next year's cohort, Circle 2027, is started." in said
    assert "/cohorts/next-one/" in said


@time_machine.travel(NOW, tick=False)
def test_the_page_says_what_to_do_after_the_year_as_it_changes(client, make_member):
    cohort = CohortFactory(
        nominations_open_at=dt.datetime(2024, 9, 1, tzinfo=UTC),
        nominations_deadline=dt.datetime(2024, 10, 31, tzinfo=UTC),
        announcement_date=dt.date(2024, 11, 30),
        programme_start=dt.date(2025, 1, 1),
        programme_end=dt.date(2025, 12, 31),
    )
    make_member(cohort, Role.PARTICIPANT)
    manager = UserFactory()
    cohort.programme.managers.add(manager)
    client.force_login(manager)
    url = reverse("circle:dashboard", kwargs={"cohort_slug": cohort.slug})
    html = client.get(url).content.decode()
    assert "What to do next" in html
    assert "Open the end-of-year evaluation" in html
    assert reverse("circle:next_cohort", kwargs={"cohort_slug": cohort.slug}) in html

    Evaluation.objects.create(cohort=cohort, opens_at=NOW - dt.timedelta(days=1))
    later = CohortFactory(programme=cohort.programme, programme_start=dt.date(2026, 9, 1))
    html = client.get(url).content.decode()  # at once: nothing kept from the visit before
    assert "0 of 1 participant has answered the evaluation." in html
    assert f"Next year&#x27;s cohort, {later.name}, is started." in html
