"""The cache's own Redis stops (not the broker's): every page answers from PostgreSQL, slower,
never 500 — calendar feeds (and their 304s), an event's .ics, the nomination form, the
facilitator's dashboard, the home page, the schedule, signing in. When Redis is reachable
again, nothing kept before the outage is served for what changed during it."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from cohorts.models import Role
from sessions.feeds import feed_of
from sessions.models import Event

from ..factories import CallFactory, EventFactory, UserFactory
from .services import free_port, private_redis

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def point_cache_at(settings, url: str) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "metlib.cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "cache-down",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.CACHE_SHARED = True


@pytest.fixture
def redis_cache(settings):
    """The cache on a Redis of this test's own, which the test may stop."""
    with private_redis() as redis:
        point_cache_at(settings, redis.url)
        yield redis


def feed_url(person) -> str:
    feed = feed_of(person=person)
    return reverse("feeds:feed", kwargs={"person_id": person.pk, "secret": feed.secret})


def pages(client, *, cohort, participant, facilitator, nominator, event) -> dict[str, int]:
    """The status of each page, each asked as its person would ask it."""
    statuses = {}
    client.logout()
    url = feed_url(participant)
    feed = client.get(url)
    statuses["feed"] = feed.status_code
    statuses["feed 304"] = client.get(url, HTTP_IF_NONE_MATCH=feed.get("ETag", "")).status_code
    statuses["feed HEAD"] = client.head(url).status_code
    statuses["home, anonymous"] = client.get("/").status_code
    client.force_login(participant)
    statuses["home"] = client.get("/").status_code
    statuses["schedule"] = client.get(reverse("feeds:mine")).status_code
    statuses["subscribe"] = client.get(reverse("feeds:subscribe")).status_code
    statuses["event .ics"] = client.get(
        reverse("feeds:event_ics", kwargs={"uid": event.uid})
    ).status_code
    client.force_login(nominator)
    statuses["nomination form"] = client.get(
        reverse("nominations:nominate", args=[cohort.slug])
    ).status_code
    client.force_login(facilitator)
    statuses["dashboard"] = client.get(
        reverse("circle:dashboard", kwargs={"cohort_slug": cohort.slug})
    ).status_code
    client.logout()
    return statuses


EXPECTED = {
    "feed": 200,
    "feed 304": 304,
    "feed HEAD": 200,
    "home, anonymous": 200,
    "home": 200,
    "schedule": 200,
    "subscribe": 200,
    "event .ics": 200,
    "nomination form": 200,
    "dashboard": 200,
}


def test_every_page_answers_with_the_cache_stopped(client, settings, redis_cache, make_member):
    cohort = CallFactory().cohort
    event = EventFactory(cohort=cohort, title="Before the outage")
    people = {
        "participant": make_member(cohort, Role.PARTICIPANT),
        "facilitator": make_member(cohort, Role.FACILITATOR),
        "nominator": UserFactory(),
    }
    assert pages(client, cohort=cohort, event=event, **people) == EXPECTED  # warm
    url = feed_url(people["participant"])
    etag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304

    # Unreachable while Redis keeps what it holds: a change made meanwhile (in bulk, no
    # signal) must win over what was kept before, once Redis is reachable again.
    point_cache_at(settings, f"redis://127.0.0.1:{free_port()}/0")
    assert pages(client, cohort=cohort, event=event, **people) == EXPECTED
    Event.objects.filter(pk=event.pk).update(title="During the outage")
    during = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert during.status_code == 200
    assert b"During the outage" in during.content
    point_cache_at(settings, redis_cache.url)
    assert cache.get_many(["anything"]) == {}  # reachable again
    after = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert after.status_code == 200
    assert b"During the outage" in after.content
    assert client.get(url, HTTP_IF_NONE_MATCH=after["ETag"]).status_code == 304

    # Stopped for real.
    redis_cache.stop()
    assert pages(client, cohort=cohort, event=event, **people) == EXPECTED
    stopped = client.get(url, HTTP_IF_NONE_MATCH=after["ETag"])
    assert stopped.status_code == 304  # the ETag is a digest of the body: no cache needed
    password_holder = UserFactory(email="sign-in@library.example")
    signed_in = client.post(
        reverse("account_login"),
        {"login": password_holder.email, "password": "a-long-test-password"},
    )
    assert signed_in.status_code == 302  # allauth's rate limit counts nothing meanwhile
    client.logout()

    redis_cache.start()
    assert pages(client, cohort=cohort, event=event, **people) == EXPECTED
