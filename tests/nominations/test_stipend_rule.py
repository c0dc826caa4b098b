"""The call's stipend rule as a rule of the cohort: said on the call page, asked of those who
may receive a stipend on the nomination form (the selection's side is in test_decisions.py,
test_assistant.py and test_diversity.py)."""

import pytest
from django.urls import reverse

from cohorts.models import StipendRule
from nominations.models import Nomination

from ..factories import CallFactory, LibraryFactory, ThemeFactory, UserFactory
from .nominating import complete_post


@pytest.fixture
def call(cohort):
    ThemeFactory(cohort=cohort, name="Urban Mobility")
    return CallFactory(cohort=cohort)


@pytest.fixture
def nominator(db):
    return UserFactory(email="director@library.example", display_name="Dana Director")


def nominate(client, call, nominator, library):
    client.force_login(nominator)
    data = complete_post(
        call.cohort, library, stipend_conditional="yes", stipend_reason="No travel budget."
    )
    return client.post(reverse("nominations:nominate", args=[call.cohort.slug]), data)


def test_the_call_page_says_who_may_receive_a_stipend(client, call):
    page = client.get(reverse("nominations:call", args=[call.cohort.slug])).content.decode()
    assert "Who may receive one: Nominees whose library is in the Global South" in page


def test_the_form_refuses_a_stipend_the_rule_does_not_give_and_keeps_what_was_typed(
    client, call, nominator
):
    helsinki = LibraryFactory(country="FI", city_population=1_200_000)

    response = nominate(client, call, nominator, helsinki)

    page = response.content.decode()
    assert response.status_code == 200
    assert "only to nominees whose library is in the Global South" in page
    assert "No travel budget." in page
    assert "Çağla Öztürk" in page
    assert Nomination.objects.get().status == Nomination.Status.DRAFT


def test_the_form_takes_a_stipend_question_from_the_global_south(client, call, nominator):
    nairobi = LibraryFactory(country="KE", city_population=4_400_000)

    response = nominate(client, call, nominator, nairobi)

    assert response.status_code == 302
    nomination = Nomination.objects.get()
    assert (nomination.status, nomination.stipend_conditional) == (
        Nomination.Status.SUBMITTED,
        True,
    )


def test_a_cohort_whose_rule_is_anyone_asks_everyone(client, call, nominator):
    call.cohort.stipend_rule = StipendRule.ANYONE
    call.cohort.save()
    helsinki = LibraryFactory(country="FI", city_population=1_200_000)

    assert nominate(client, call, nominator, helsinki).status_code == 302


def test_the_form_says_whom_the_stipend_question_is_for_and_marks_who_may_not_get_one(
    client, call, nominator
):
    helsinki = LibraryFactory(name="Oodi", country="FI", city_population=1_200_000)
    nairobi = LibraryFactory(name="Kibera Library", country="KE", city_population=4_400_000)
    client.force_login(nominator)

    page = client.get(reverse("nominations:nominate", args=[call.cohort.slug])).content.decode()

    assert "Only for a nominee whose library is in the Global South" in page
    assert f'<option value="{helsinki.pk}" data-no-stipend>' in page
    assert f'<option value="{nairobi.pk}">' in page
    assert '<option value="FI" data-no-stipend>' in page
    assert '<option value="KE">' in page
    assert "js/stipend-question.js" in page


def test_under_the_rule_anyone_no_library_is_marked(client, call, nominator):
    call.cohort.stipend_rule = StipendRule.ANYONE
    call.cohort.save()
    LibraryFactory(country="FI", city_population=1_200_000)
    client.force_login(nominator)

    page = client.get(reverse("nominations:nominate", args=[call.cohort.slug])).content.decode()

    assert "data-no-stipend" not in page
    assert "Only for a nominee whose library is in the Global South" not in page


def test_a_nominee_the_rule_gives_no_stipend_is_submitted_without_the_question(
    client, call, nominator
):
    helsinki = LibraryFactory(country="FI", city_population=1_200_000)
    client.force_login(nominator)
    data = complete_post(call.cohort, helsinki, stipend_conditional="", stipend_reason="")

    response = client.post(reverse("nominations:nominate", args=[call.cohort.slug]), data)

    assert response.status_code == 302
    nomination = Nomination.objects.get()
    assert (nomination.status, nomination.stipend_conditional) == (
        Nomination.Status.SUBMITTED,
        None,
    )


def test_a_nominee_who_may_get_a_stipend_must_still_answer_the_question(client, call, nominator):
    nairobi = LibraryFactory(country="KE", city_population=4_400_000)
    client.force_login(nominator)
    data = complete_post(call.cohort, nairobi, stipend_conditional="", stipend_reason="")

    response = client.post(reverse("nominations:nominate", args=[call.cohort.slug]), data)

    assert response.status_code == 200
    assert "Needed before you can submit." in response.content.decode()
    assert Nomination.objects.get().status == Nomination.Status.DRAFT
