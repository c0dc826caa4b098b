"""Redis stops while libraries submit nominations: every nomination is saved, every mail is
kept, and after Redis returns a real worker sends each mail exactly once."""

import pytest
from django.core import mail
from django.urls import reverse

from metlib.models import Email
from metlib.tasks import sweep_outbox
from nominations.models import Nomination

from ..factories import CallFactory, LibraryFactory, ThemeFactory, UserFactory
from ..fixtures import running_celery_worker
from ..nominations.nominating import complete_post
from .services import private_redis, publishing_to

pytestmark = [pytest.mark.worker, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

NOMINATORS = 5


def test_nominations_saved_and_mailed_once_when_redis_stops_during_submission(client):
    cohort = CallFactory().cohort
    ThemeFactory(cohort=cohort, name="Urban Mobility")
    url = reverse("nominations:nominate", args=[cohort.slug])

    with private_redis() as redis:
        with publishing_to(redis.url):
            redis.stop()
            for number in range(NOMINATORS):
                client.force_login(UserFactory(email=f"director{number}@library.example"))
                data = complete_post(
                    cohort,
                    LibraryFactory(city_population=900_000),
                    nominator_email=f"director{number}@library.example",
                    candidate_email=f"candidate{number}@library.example",
                )
                response = client.post(url, data)
                assert response.status_code == 302, response.content.decode()[:2000]

        # Redis was down for every submission: all five are saved, their ten mails wait.
        assert Nomination.objects.filter(status=Nomination.Status.SUBMITTED).count() == NOMINATORS
        assert Email.objects.filter(status=Email.Status.PENDING).count() == 2 * NOMINATORS
        assert mail.outbox == []

        redis.start()
        with running_celery_worker(broker_url=redis.url) as worker:
            assert worker.result_of(sweep_outbox.delay()) == 2 * NOMINATORS
            # A second sweep (the beat, a minute later) finds nothing left to send.
            assert worker.result_of(sweep_outbox.delay()) == 0

    assert Email.objects.filter(status=Email.Status.SENT).count() == 2 * NOMINATORS
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert len(recipients) == 2 * NOMINATORS
    assert len(set(recipients)) == 2 * NOMINATORS  # each person once
