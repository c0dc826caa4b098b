import pytest
from django.urls import reverse

pytestmark = [pytest.mark.django_db]


def test_health_answers_ok_when_database_and_cache_answer(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get(reverse("health"))

    assert (response.status_code, response.content) == (200, b"ok")
    assert "no-cache" in response.headers["Cache-Control"]


def test_health_names_the_cache_when_it_fails(client, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr("metlib.health.cache.set", broken)

    response = client.get(reverse("health"))

    assert (response.status_code, response.content) == (503, b"unavailable: cache")


def test_health_refuses_posts(client):
    assert client.post(reverse("health")).status_code == 405
