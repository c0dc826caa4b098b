"""A call started from last year's is a preview until its facilitator publishes it: the public
neither finds it (home, calls page) nor reads it (404), nobody nominates for it; the
facilitator and the programme's managers preview it and publish it from its page."""

import pytest
from django.test import Client
from django.urls import reverse

from cohorts.models import Role

from ..factories import CallFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def preview(cohort):
    CallFactory(cohort=cohort, introduction="Our words for next year.")
    cohort.call_published_at = None
    cohort.save()
    return cohort


def call_url(cohort):
    return reverse("nominations:call", kwargs={"cohort_slug": cohort.slug})


def publish_url(cohort):
    return reverse("nominations:call_publish", kwargs={"cohort_slug": cohort.slug})


def test_the_public_neither_finds_nor_reads_a_call_not_published(client, preview):
    assert preview.name not in client.get(reverse("home")).content.decode()
    assert preview.name not in client.get(reverse("cohorts:calls")).content.decode()
    assert client.get(call_url(preview)).status_code == 404
    nominate = reverse("nominations:nominate", kwargs={"cohort_slug": preview.slug})
    client.force_login(UserFactory())
    assert client.get(nominate + "?new").status_code == 404
    assert client.get(call_url(preview)).status_code == 404


def test_an_advisor_reads_the_call_only_once_it_is_published(client, preview, make_member):
    client.force_login(make_member(preview, Role.ADVISOR))
    assert client.get(call_url(preview)).status_code == 404
    pipeline = client.get(reverse("nominations:pipeline", kwargs={"cohort_slug": preview.slug}))
    assert call_url(preview) not in pipeline.content.decode()


def test_the_facilitator_previews_then_publishes(client, preview, facilitator):
    client.force_login(facilitator)
    cohort_page = client.get(preview.get_absolute_url()).content.decode()
    assert call_url(preview) in cohort_page
    page = client.get(call_url(preview)).content.decode()
    assert "Preview: this call is not published yet" in page
    assert "Our words for next year." in page
    assert reverse("nominations:nominate", kwargs={"cohort_slug": preview.slug}) not in page

    response = client.post(publish_url(preview), follow=True)

    assert "The call is published" in response.content.decode()
    preview.refresh_from_db()
    assert preview.call_is_published
    public = Client()
    assert "Our words for next year." in public.get(call_url(preview)).content.decode()
    assert preview.name in public.get(reverse("home")).content.decode()
    assert "Preview: this call" not in public.get(call_url(preview)).content.decode()


def test_publishing_twice_keeps_the_first_date(client, preview, facilitator):
    client.force_login(facilitator)
    client.post(publish_url(preview))
    preview.refresh_from_db()
    first = preview.call_published_at
    response = client.post(publish_url(preview), follow=True)
    assert "The call was published already." in response.content.decode()
    preview.refresh_from_db()
    assert preview.call_published_at == first


def test_a_manager_publishes_but_nobody_else(client, preview, make_member):
    client.force_login(make_member(preview, Role.ADVISOR))
    assert client.post(publish_url(preview)).status_code == 403
    manager = UserFactory()
    preview.programme.managers.add(manager)
    client.force_login(manager)
    assert client.get(publish_url(preview)).status_code == 405
    assert client.post(publish_url(preview)).status_code == 302
    preview.refresh_from_db()
    assert preview.call_is_published


def test_a_cohort_made_otherwise_is_published_at_once(cohort):
    assert cohort.call_is_published
