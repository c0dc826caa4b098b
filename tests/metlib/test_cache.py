"""Django's cache on a real Redis, as deployed: our backend keeps one client per pool, and the
pages kept in it (calendar feeds, the blank nomination form) work through it."""

import uuid

import pytest
from django.core.cache import cache
from django.urls import reverse

from cohorts.models import Role
from sessions.feeds import feed_of

from ..factories import CallFactory, EventFactory, LibraryFactory, UserFactory
from ..fixtures import TEST_CACHE_URL

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def redis_cache(settings):
    """The default cache on Redis, under a prefix of this test's own."""
    settings.CACHES = {
        "default": {
            "BACKEND": "metlib.cache.RedisCache",
            "LOCATION": TEST_CACHE_URL,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            "TIMEOUT": 300,
        }
    }
    yield
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:*"))
    if keys:
        client.delete(*keys)


def test_values_go_to_redis_and_back():
    assert cache.add("a", {"x": [1, 2]})
    assert not cache.add("a", "other")
    cache.set_many({"b": b"bytes", "c": 3})
    assert cache.get_many(["a", "b", "c", "missing"]) == {"a": {"x": [1, 2]}, "b": b"bytes", "c": 3}
    assert cache.incr("c") == 4
    cache.delete("a")
    assert cache.get("a") is None
    assert cache._cache.get_client(write=True).ping()


def test_one_client_per_pool_is_kept():
    backend = cache._cache
    assert backend.get_client() is backend.get_client()
    assert backend.get_client(write=True) is backend.get_client("any key", write=True)


def test_a_feed_is_answered_from_redis_and_changes_show(
    client, cohort, make_member, django_assert_num_queries
):
    person = make_member(cohort, Role.PARTICIPANT)
    event = EventFactory(cohort=cohort, title="Before")
    feed = feed_of(person=person)
    url = reverse("feeds:feed", kwargs={"person_id": person.pk, "secret": feed.secret})
    etag = client.get(url)["ETag"]
    with django_assert_num_queries(1):  # the owner and the digest of what the feed shows
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    with django_assert_num_queries(1):  # the body is kept in Redis
        assert "SUMMARY:Before" in client.get(url).content.decode()
    event.title = "After"
    event.save()
    assert "SUMMARY:After" in client.get(url).content.decode()


def test_the_blank_form_is_kept_in_redis(client, cohort, django_assert_num_queries):
    CallFactory(cohort=cohort)
    LibraryFactory(name="Stadtbibliothek Köln", city="Köln", country="DE")
    url = reverse("nominations:nominate", kwargs={"cohort_slug": cohort.slug})
    client.force_login(UserFactory(display_name="Redis Reader"))
    assert client.get(url).status_code == 200
    with django_assert_num_queries(2):  # the signed-in person, whether they started one
        html = client.get(url).content.decode()
    assert 'value="Redis Reader"' in html
    assert "Stadtbibliothek Köln" in html
