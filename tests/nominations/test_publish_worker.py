"""Publishing the selection's results through a real Celery worker on Redis and a real SMTP
server: every applicant and nominator gets one mail, however often the task runs."""

from collections import Counter

import pytest

from cohorts.models import Membership, Role
from metlib.models import Email
from metlib.tasks import sweep_outbox
from nominations import selection, tasks
from nominations.models import Decision, Nomination

from ..factories import CohortFactory, LibraryFactory, MembershipFactory, NominationFactory
from ..fixtures import wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

OUTCOMES = ("accepted", "waitlisted", "declined")


def test_publish_through_the_worker_mails_everyone_once_when_the_task_runs_again(
    celery_worker_on_redis, smtp_sink
):
    cohort = CohortFactory(capacity_min=1, capacity_max=2)
    facilitator = MembershipFactory(cohort=cohort, role=Role.FACILITATOR).user
    nominations = [
        NominationFactory(
            cohort=cohort,
            status=Nomination.Status.UNDER_REVIEW,
            library=LibraryFactory(country=country),
            candidate_email=f"candidate-{outcome}@library.example",
        )
        for outcome, country in zip(OUTCOMES, ("FI", "KE", "BR"), strict=True)
    ]
    for nomination, outcome in zip(nominations, OUTCOMES, strict=True):
        selection.decide(nomination=nomination, by=facilitator, outcome=outcome)

    assert selection.publish_selection(cohort=cohort, by=facilitator) == 3

    wait_until(lambda: Email.objects.filter(status=Email.Status.SENT).count() == 6)
    wait_until(lambda: len(smtp_sink.messages) == 6)
    again = tasks.publish_results.delay(cohort_id=cohort.pk)
    assert celery_worker_on_redis.result_of(again) == 0
    swept = sweep_outbox.delay()
    assert celery_worker_on_redis.result_of(swept) == 0
    with pytest.raises(selection.SelectionRefused, match="already published"):
        selection.publish_selection(cohort=cohort, by=facilitator)

    names = Counter(celery_worker_on_redis.task_names)
    assert names["nominations.publish_results"] == 2
    assert names["metlib.send_email"] == 6
    assert Email.objects.count() == 6
    assert set(Email.objects.values_list("status", "attempts")) == {(Email.Status.SENT, 1)}
    received = Counter(message["To"] for message in smtp_sink.messages)
    expected = [n.candidate_email for n in nominations] + [n.nominator_email for n in nominations]
    assert received == Counter(expected)
    subjects = {message["To"]: message["Subject"] for message in smtp_sink.messages}
    assert subjects["candidate-accepted@library.example"] == (
        f"Your nomination for {cohort.name}: accepted"
    )
    assert subjects["candidate-declined@library.example"] == (
        f"Your nomination for {cohort.name}: not selected"
    )
    statuses = dict(Nomination.objects.values_list("candidate_email", "status"))
    assert statuses == {f"candidate-{outcome}@library.example": outcome for outcome in OUTCOMES}
    assert not Decision.objects.filter(published_at__isnull=True).exists()
    assert Membership.objects.filter(
        cohort=cohort, role=Role.PARTICIPANT, user__email="candidate-accepted@library.example"
    ).exists()
