"""Confirmation links never expired and kept showing the nomination summary to whoever held
one. A link now stops showing the nomination once it is used (confirmed or declined) and once
the results are published (nominations/candidate.py); these keep it so."""

import pytest
from django.utils import timezone

from tests.factories import SelectionFactory
from tests.nominations.test_candidate_links import (  # noqa: F401 - fixtures
    CANDIDATE,
    _while_call_is_open,
    cohort,
    library,
    links_to,
    nominator,
    run_mail,
    submitted,
)

pytestmark = pytest.mark.django_db

SUMMARY = "Ten new branches"  # from the nomination's project, shown while answerable


@pytest.mark.parametrize("answer", [{"answer": "confirm", "agree": "on"}, {"answer": "decline"}])
def test_a_used_link_no_longer_shows_the_nomination(client, submitted, answer):  # noqa: F811
    path = links_to(CANDIDATE)[0]
    client.logout()
    assert SUMMARY in client.get(path).content.decode()
    client.post(path, answer)
    page = client.get(path).content.decode()
    assert SUMMARY not in page
    assert "Çağla Öztürk" not in page


def test_a_link_shows_nothing_once_results_are_published(client, submitted):  # noqa: F811
    path = links_to(CANDIDATE)[0]
    client.logout()
    SelectionFactory(cohort=submitted.cohort, published_at=timezone.now())
    response = client.get(path)
    assert response.status_code == 410
    assert SUMMARY not in response.content.decode()
