"""The end-of-year evaluation: opening and closing, answering once, results, CSV, reminders."""

import csv
import datetime as dt
import io
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cohorts import evaluation as service
from cohorts.models import Evaluation, EvaluationAnswer, Role
from metlib.models import Email, User

from ..factories import CohortFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
MARCH_1 = dt.datetime(2031, 3, 1, 15, 0, tzinfo=UTC)
DEADLINE = dt.datetime(2031, 3, 20, 17, 0, tzinfo=NEW_YORK)  # 21:00 UTC


@pytest.fixture(autouse=True)
def _march_2031():
    with time_machine.travel(MARCH_1, tick=False):
        yield


@pytest.fixture
def ana(cohort, make_member):
    return make_member(cohort, display_name="Ana Silva", email="ana@example.org")


@pytest.fixture
def ben(cohort, make_member):
    return make_member(cohort, display_name="Ben Okafor", email="ben@example.org")


@pytest.fixture
def opened(cohort, facilitator):
    return service.open_evaluation(cohort=cohort, by=facilitator, closes_at=DEADLINE)


def url(name, cohort):
    namespace = "circle" if name == "detail" else "cohorts"
    return reverse(f"{namespace}:{name}", kwargs={"cohort_slug": cohort.slug})


def answer_data(recommend="9", **texts):
    return {"recommend": recommend, "valued_most": "", "to_change": "", "comments": "", **texts}


# --- Opening and closing ----------------------------------------------------------------------


def test_open_close_reopen_when_the_facilitator_runs_it(cohort, facilitator):
    evaluation = service.open_evaluation(cohort=cohort, by=facilitator, closes_at=DEADLINE)
    assert evaluation.opens_at == MARCH_1
    assert evaluation.closes_at == DEADLINE
    assert evaluation.is_open()

    with time_machine.travel(MARCH_1 + dt.timedelta(days=2), tick=False):
        service.close_evaluation(evaluation=evaluation, by=facilitator)
        assert not evaluation.is_open()
        assert evaluation.ended_at() == MARCH_1 + dt.timedelta(days=2)
        with pytest.raises(service.EvaluationRefused):
            service.close_evaluation(evaluation=evaluation, by=facilitator)

    with time_machine.travel(MARCH_1 + dt.timedelta(days=3), tick=False):
        reopened = service.open_evaluation(cohort=cohort, by=facilitator, closes_at=None)
        assert reopened.pk == evaluation.pk
        assert reopened.is_open()
        assert reopened.opens_at == MARCH_1  # the first opening is kept
        assert reopened.closes_at is None
    assert Evaluation.objects.count() == 1


def test_open_refuses_a_deadline_in_the_past_and_anyone_but_a_facilitator(cohort, facilitator, ana):
    with pytest.raises(ValidationError) as refused:
        service.open_evaluation(
            cohort=cohort, by=facilitator, closes_at=MARCH_1 - dt.timedelta(minutes=1)
        )
    assert refused.value.message_dict == {"closes_at": ["The deadline must be in the future."]}
    with pytest.raises(PermissionDenied):
        service.open_evaluation(cohort=cohort, by=ana)
    assert not Evaluation.objects.exists()


def test_manage_page_opens_with_a_deadline_typed_in_the_cohorts_zone(client, cohort, facilitator):
    client.force_login(facilitator)
    page = client.get(url("evaluation_manage", cohort))
    assert page.status_code == 200
    assert "Not open yet." in page.content.decode()

    response = client.post(url("evaluation_open", cohort), {"closes_at": "2031-03-20T17:00"})
    assert response.status_code == 302
    evaluation = Evaluation.objects.get(cohort=cohort)
    assert evaluation.closes_at == DEADLINE
    assert evaluation.is_open()
    page = client.get(response.url)
    html = page.content.decode()
    assert "The evaluation is open." in html
    assert "Save the deadline" in html
    assert "Close it now" in html

    client.post(url("evaluation_close", cohort))
    evaluation.refresh_from_db()
    assert evaluation.closed_at == MARCH_1
    html = client.get(url("evaluation_manage", cohort)).content.decode()
    assert "Reopen the evaluation" in html


def test_manage_page_keeps_a_refused_deadline_beside_its_field(client, cohort, facilitator):
    client.force_login(facilitator)
    response = client.post(url("evaluation_open", cohort), {"closes_at": "2031-02-01T09:00"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "The deadline must be in the future." in html
    assert 'value="2031-02-01T09:00"' in html
    response = client.post(url("evaluation_open", cohort), {"closes_at": "not a date"})
    assert response.status_code == 200
    assert 'value="not a date"' in response.content.decode()
    assert not Evaluation.objects.exists()


# --- Answering --------------------------------------------------------------------------------


def test_answer_once_then_edit_until_closed_updates_the_same_row(client, cohort, opened, ana):
    client.force_login(ana)
    page = client.get(url("evaluation_answer", cohort))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<legend" in html
    assert "How likely are you to recommend" in html
    assert 'data-counter="2000"' in html
    assert "0 – not at all likely" in html
    assert "10 – extremely likely" in html

    response = client.post(
        url("evaluation_answer", cohort), answer_data("8", valued_most="The peers")
    )
    assert response.status_code == 302
    assert "Thank you: your answer is saved." in client.get(response.url).content.decode()
    response = client.post(
        url("evaluation_answer", cohort), answer_data("10", valued_most="The peers, truly")
    )
    assert response.status_code == 302
    page = client.get(response.url)
    assert "Your changes are saved." in page.content.decode()
    assert page.context["form"].initial["recommend"] == "10"

    answer = EvaluationAnswer.objects.get()
    assert (answer.person, answer.recommend, answer.valued_most) == (ana, 10, "The peers, truly")


def test_answer_twice_at_once_keeps_one_row(cohort, opened, ana):
    for score in (7, 9):
        service.answer_evaluation(evaluation=opened, person=ana, recommend=score)
    assert list(EvaluationAnswer.objects.values_list("person", "recommend")) == [(ana.pk, 9)]


def test_answer_after_the_deadline_is_refused_and_not_saved(client, cohort, opened, ana):
    client.force_login(ana)
    client.post(url("evaluation_answer", cohort), answer_data("6", to_change="More time"))
    with time_machine.travel(DEADLINE, tick=False):
        assert not Evaluation.objects.get().is_open()
        client.force_login(ana)  # the session of three weeks ago has expired
        response = client.post(
            url("evaluation_answer", cohort), answer_data("10", to_change="Nothing at all")
        )
        assert response.status_code == 409
        html = response.content.decode()
        assert "Your answer was not saved" in html
        assert "The evaluation is closed: it stopped taking answers on" in html
        assert "Nothing at all" in html  # what they typed, shown back to keep a copy
        assert "<textarea" not in html
        page = client.get(url("evaluation_answer", cohort)).content.decode()
        assert "More time" in page
        assert '<form method="post" novalidate' not in page
    answer = EvaluationAnswer.objects.get()
    assert (answer.recommend, answer.to_change) == (6, "More time")


def test_answer_when_closed_by_hand_or_not_yet_open_is_refused(client, cohort, facilitator, ana):
    client.force_login(ana)
    response = client.post(url("evaluation_answer", cohort), answer_data("9"))
    assert response.status_code == 409
    assert "The evaluation is not open yet." in response.content.decode()

    evaluation = service.open_evaluation(cohort=cohort, by=facilitator)
    service.close_evaluation(evaluation=evaluation, by=facilitator)
    response = client.post(url("evaluation_answer", cohort), answer_data("9"))
    assert response.status_code == 409
    assert "Your answer was not saved" in response.content.decode()
    with pytest.raises(service.EvaluationClosed):
        service.answer_evaluation(evaluation=evaluation, person=ana, recommend=9)
    assert not EvaluationAnswer.objects.exists()


def test_answer_form_keeps_every_value_when_rejected(client, cohort, opened, ana):
    client.force_login(ana)
    too_long = "é" * 2001
    response = client.post(
        url("evaluation_answer", cohort),
        {"recommend": "", "valued_most": "Kept <b>as typed</b>", "to_change": too_long},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose a number from 0 to 10." in html
    assert "at most 2000 characters" in html
    assert "Kept &lt;b&gt;as typed&lt;/b&gt;" in html
    assert too_long in html
    response = client.post(url("evaluation_answer", cohort), answer_data("11"))
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert not EvaluationAnswer.objects.exists()


def test_answer_service_refuses_what_the_form_would(cohort, opened, ana, facilitator):
    with pytest.raises(ValidationError) as refused:
        service.answer_evaluation(evaluation=opened, person=ana, recommend=11, comments="x" * 2001)
    assert set(refused.value.message_dict) == {"recommend", "comments"}
    with pytest.raises(PermissionDenied):
        service.answer_evaluation(evaluation=opened, person=facilitator, recommend=9)


# --- Rights -----------------------------------------------------------------------------------


def test_pages_refuse_everyone_but_their_people(client, cohort, opened, make_member):
    other = CohortFactory()
    stranger = make_member(other)  # a participant of another cohort
    advisor = make_member(cohort, Role.ADVISOR)
    mentor = make_member(cohort, Role.MENTOR)
    participant = make_member(cohort)
    facilitator_elsewhere = make_member(other, Role.FACILITATOR)
    facilitator = User.objects.get(memberships__cohort=cohort, memberships__role="facilitator")
    pages = {
        "evaluation_answer": "get",
        "evaluation_manage": "get",
        "evaluation_results": "get",
        "evaluation_csv": "get",
        "evaluation_open": "post",
        "evaluation_close": "post",
        "evaluation_remind": "post",
    }
    allowed = {
        "evaluation_answer": {participant},
        "evaluation_manage": {facilitator},
        "evaluation_results": {facilitator},
        "evaluation_csv": {facilitator},
    }
    for name, method in pages.items():
        client.logout()
        response = getattr(client, method)(url(name, cohort))
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("account_login")), name
        for person in (stranger, advisor, mentor, participant, facilitator_elsewhere, facilitator):
            if person in allowed.get(name, {facilitator}):
                continue
            client.force_login(person)
            assert getattr(client, method)(url(name, cohort)).status_code == 403, (name, person)
    client.force_login(facilitator)
    missing = reverse("cohorts:evaluation_results", kwargs={"cohort_slug": "no-such-cohort"})
    assert client.get(missing).status_code == 404
    for name in allowed:
        client.force_login(next(iter(allowed[name])))
        assert client.get(url(name, cohort)).status_code == 200, name


def test_results_are_not_found_before_the_evaluation_opens(client, cohort, facilitator):
    client.force_login(facilitator)
    assert client.get(url("evaluation_results", cohort)).status_code == 404
    assert client.get(url("evaluation_csv", cohort)).status_code == 404


# --- Results ----------------------------------------------------------------------------------

KNOWN = (
    (10, "The peers", "", ""),
    (9, "", "Shorter sessions", ""),
    (8, "Mentoring", "", "Thanks!"),
    (6, "", '=HYPERLINK("http://evil.example")', ""),
    (0, "", "", "@everyone"),
)


@pytest.fixture
def known(cohort, opened, make_member):
    """Five answers 10, 9, 8, 6, 0 from six participants: one has not answered."""
    people = [make_member(cohort, display_name=f"Person {n}") for n in range(6)]
    for person, (score, valued, change, comments) in zip(people, KNOWN, strict=False):
        service.answer_evaluation(
            evaluation=opened,
            person=person,
            recommend=score,
            valued_most=valued,
            to_change=change,
            comments=comments,
        )
    return people


def test_results_figures_on_a_known_set_of_answers(cohort, opened, known):
    results = service.evaluation_results(evaluation=opened)
    assert results.answers == 5
    assert results.distribution == (1, 0, 0, 0, 0, 0, 1, 0, 1, 1, 1)
    assert (results.promoters, results.passives, results.detractors) == (2, 1, 2)
    assert results.promoter_share == 40.0
    assert results.detractor_share == 40.0
    assert results.nps == 0.0
    assert results.mean == 6.6
    assert (results.answered_participants, results.participants) == (5, 6)
    assert results.response_rate == 83.3
    assert [person.display_name for person in results.not_answered] == ["Person 5"]
    assert results.texts[0].texts == ("Mentoring", "The peers")


def test_results_page_shows_figures_chart_and_texts_without_names(
    client, cohort, facilitator, opened, known
):
    client.force_login(facilitator)
    response = client.get(url("evaluation_results", cohort))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1>") == 1
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" role="img"' in html
    assert "<caption>How likely to recommend, 0 to 10: the numbers</caption>" in html
    assert "<dd>40 %</dd>" in html  # would recommend
    assert "<dd>6.6</dd>" in html  # mean
    assert "<dd>83.3 %</dd>" in html  # response rate
    assert "Shorter sessions" in html
    assert "Thanks!" in html
    for person in known[:5]:  # who answered is never named
        assert person.display_name not in html
    assert "Person 5" in html  # …but who has not answered is, to remind them


def test_csv_has_one_row_per_answer_without_names_and_no_formulas(
    client, cohort, facilitator, opened, known
):
    client.force_login(facilitator)
    response = client.get(url("evaluation_csv", cohort))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert [row["recommend"] for row in rows] == ["10", "9", "8", "6", "0"]
    assert [row["group"] for row in rows] == [
        "promoter",
        "promoter",
        "passive",
        "detractor",
        "detractor",
    ]
    assert rows[3]["to_change"] == '\'=HYPERLINK("http://evil.example")'
    assert rows[4]["comments"] == "'@everyone"
    assert set(rows[0]) == {"recommend", "group", "valued_most", "to_change", "comments"}
    assert "Person" not in text
    assert "@example.org" not in text


# --- Reminders --------------------------------------------------------------------------------


def test_reminders_are_queued_once_per_round(
    client, cohort, facilitator, opened, ana, ben, settings
):
    settings.LANGUAGES = settings.PLANNED_LANGUAGES  # French offered, as with its catalogue
    carla = UserFactory(display_name="Carla Díaz", language="fr", time_zone="Europe/Helsinki")
    MembershipFactory(user=carla, cohort=cohort, role=Role.PARTICIPANT)
    service.answer_evaluation(evaluation=opened, person=ana, recommend=9)
    client.force_login(facilitator)

    response = client.post(url("evaluation_remind", cohort))
    assert response.status_code == 302
    assert "2 reminders are on their way." in client.get(response.url).content.decode()
    assert sorted(Email.objects.values_list("to", flat=True)) == sorted([ben.email, carla.email])

    client.post(url("evaluation_remind", cohort))  # pressed again in the same round
    assert Email.objects.count() == 2
    html = client.get(url("evaluation_manage", cohort)).content.decode()
    assert "Reminder round 1: 2 reminders sent." in html

    service.answer_evaluation(evaluation=opened, person=ben, recommend=7)
    client.post(url("evaluation_remind", cohort), {"new_round": "1"})
    opened.refresh_from_db()
    assert opened.reminder_round == 2
    assert Email.objects.filter(to=carla.email).count() == 2
    assert Email.objects.filter(to=ben.email).count() == 1
    keys = set(Email.objects.values_list("key", flat=True))
    assert f"evaluation:{opened.pk}:reminder:2:{carla.pk}" in keys

    mail = Email.objects.filter(to=carla.email).latest("pk")
    # In Carla's language and zone: 17:00 in New York is 23:00 in Helsinki.
    assert "20 mars 2031 23:00 (Europe/Helsinki)" in mail.body_text
    assert "20 mars 2031 17:00 (America/New_York)" in mail.body_text
    assert reverse("cohorts:evaluation_answer", kwargs={"cohort_slug": cohort.slug}) in (
        mail.body_html
    )
    english = Email.objects.get(to=ben.email)
    assert english.subject == f"Your answer to the evaluation of {cohort.name}"
    assert "March 20, 2031, 5 p.m. (America/New_York)" in english.body_text


def test_reminders_are_refused_when_the_evaluation_is_closed(client, cohort, facilitator, ben):
    evaluation = service.open_evaluation(cohort=cohort, by=facilitator)
    service.close_evaluation(evaluation=evaluation, by=facilitator)
    client.force_login(facilitator)
    response = client.post(url("evaluation_remind", cohort), follow=True)
    assert "The evaluation is not open: nobody was reminded." in response.content.decode()
    assert not Email.objects.filter(key__contains=":reminder:").exists()


# --- The cohort page --------------------------------------------------------------------------


def test_cohort_page_links_to_the_evaluation_by_role(client, cohort, facilitator, ana, make_member):
    client.force_login(ana)
    assert "end-of-year evaluation" not in client.get(url("detail", cohort)).content.decode()
    evaluation = service.open_evaluation(cohort=cohort, by=facilitator)
    html = client.get(url("detail", cohort)).content.decode()
    assert "Answer the end-of-year evaluation" in html
    service.answer_evaluation(evaluation=evaluation, person=ana, recommend=10)
    html = client.get(url("detail", cohort)).content.decode()
    assert "The end-of-year evaluation: change your answer" in html
    assert url("evaluation_results", cohort) not in html

    client.force_login(facilitator)
    html = client.get(url("detail", cohort)).content.decode()
    assert url("evaluation_manage", cohort) in html
    assert url("evaluation_results", cohort) in html

    client.force_login(make_member(cohort, Role.ADVISOR))
    assert "evaluation" not in client.get(url("detail", cohort)).content.decode()


# --- Queries ----------------------------------------------------------------------------------


def _answers(evaluation, cohort, count, start):
    people = UserFactory.create_batch(count, verified=False)
    for person in people:
        MembershipFactory(cohort=cohort, role=Role.PARTICIPANT, user=person)
    EvaluationAnswer.objects.bulk_create(
        EvaluationAnswer(
            evaluation=evaluation,
            person=person,
            recommend=(start + n) % 11,
            valued_most=f"Answer {start + n}",
        )
        for n, person in enumerate(people)
    )


@pytest.mark.parametrize("page", ["evaluation_results", "evaluation_manage", "evaluation_csv"])
def test_facilitator_pages_take_the_same_queries_at_two_sizes(
    client,
    cohort,
    facilitator,
    opened,
    page,
    django_assert_num_queries,
    django_assert_max_num_queries,
):
    client.force_login(facilitator)
    _answers(opened, cohort, 5, 0)
    MembershipFactory.create_batch(2, cohort=cohort, role=Role.PARTICIPANT)  # not answered
    client.get(url(page, cohort))  # session and caches warmed
    with django_assert_max_num_queries(20) as small:
        response = client.get(url(page, cohort))
    assert response.status_code == 200
    _answers(opened, cohort, 35, 5)
    MembershipFactory.create_batch(5, cohort=cohort, role=Role.PARTICIPANT)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url(page, cohort))
    assert EvaluationAnswer.objects.count() == 40
    if page == "evaluation_results":
        assert response.context["results"].answers == 40
