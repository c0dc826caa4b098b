"""Presenters at monthly sessions: the fair suggestion, setting them, and the page."""

from collections import Counter
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Role
from sessions import presenters
from sessions.models import Event
from tests.factories import CohortFactory, EventFactory, UserFactory

pytestmark = pytest.mark.django_db

# session, user, the cohort with the roles, participants, sessions, presenters: the same at 5
# and at 40
PAGE_QUERIES = 5


def monthly(cohort, count, *, start_days=10, **fields):
    now = timezone.now()
    return [
        EventFactory(cohort=cohort, starts_at=now + timedelta(days=start_days + 30 * i), **fields)
        for i in range(count)
    ]


@pytest.fixture
def people(cohort, make_member):
    return [make_member(cohort, Role.PARTICIPANT) for _ in range(5)]


def turns(suggestion):
    return Counter(p.pk for chosen in suggestion.values() for p in chosen)


def test_every_participant_has_a_turn_before_anyone_a_second(cohort, people):
    sessions = monthly(cohort, 4)
    suggestion = presenters.suggest_presenters(cohort=cohort, per_session=2)
    assert list(suggestion) == [e.pk for e in sessions]
    assert all(len(chosen) == 2 == len({p.pk for p in chosen}) for chosen in suggestion.values())
    counts = turns(suggestion)
    assert sorted(counts.values()) == [1, 1, 2, 2, 2]
    first_five = [p.pk for e in sessions[:3] for p in suggestion[e.pk]][:5]
    assert sorted(first_five) == sorted(p.pk for p in people)


def test_existing_assignments_count_and_stay(cohort, people, facilitator):
    past = EventFactory(cohort=cohort, starts_at=timezone.now() - timedelta(days=20))
    past.presenters.set([people[0]])
    sessions = monthly(cohort, 3)
    sessions[1].presenters.set([people[1]])
    suggestion = presenters.suggest_presenters(cohort=cohort, per_session=2)
    assert past.pk not in suggestion
    assert people[1] in suggestion[sessions[1].pk]
    counts = turns(suggestion)
    counts[people[0].pk] += 1  # the past turn
    # 1 past + 6 future turns for 5 people: everyone once, then two have a second.
    assert sorted(counts.values()) == [1, 1, 1, 2, 2]
    assert people[0] not in suggestion[sessions[0].pk]


def test_deterministic_and_skips_cancelled_past_and_other_kinds(cohort, people):
    sessions = monthly(cohort, 3)
    cancelled = EventFactory(
        cohort=cohort,
        starts_at=timezone.now() + timedelta(days=15),
        status=Event.Status.CANCELLED,
    )
    mentoring = EventFactory(
        cohort=cohort, starts_at=timezone.now() + timedelta(days=16), kind=Event.Kind.MENTORING
    )
    EventFactory(cohort=cohort, starts_at=timezone.now() - timedelta(days=5))
    first = presenters.suggest_presenters(cohort=cohort, per_session=2)
    second = presenters.suggest_presenters(cohort=cohort, per_session=2)
    assert {k: [p.pk for p in v] for k, v in first.items()} == {
        k: [p.pk for p in v] for k, v in second.items()
    }
    assert list(first) == [e.pk for e in sessions]
    assert cancelled.pk not in first
    assert mentoring.pk not in first
    assert [p.pk for p in first[sessions[0].pk]] == sorted(p.pk for p in people)[:2]


def test_set_presenters_refuses_strangers_and_non_facilitators(cohort, people, facilitator):
    (event,) = monthly(cohort, 1)
    outsider = UserFactory()
    with pytest.raises(presenters.PresenterProblem, match="Only participants"):
        presenters.set_presenters(event=event, by=facilitator, people=[people[0], outsider])
    with pytest.raises(PermissionDenied):
        presenters.set_presenters(event=event, by=people[1], people=[people[0]])
    with pytest.raises(PermissionDenied):
        presenters.set_presenters(event=event, by=UserFactory(), people=[people[0]])
    assert not event.presenters.exists()
    before = Event.objects.get(pk=event.pk).updated_at
    assert presenters.set_presenters(event=event, by=facilitator, people=[people[0]])
    assert list(event.presenters.all()) == [people[0]]
    assert Event.objects.get(pk=event.pk).updated_at > before


def test_apply_suggestion(cohort, people, facilitator):
    sessions = monthly(cohort, 4)
    assert presenters.apply_suggestion(cohort=cohort, by=facilitator, per_session=2) == 4
    counts = Counter(pk for e in sessions for pk in e.presenters.values_list("pk", flat=True))
    assert sorted(counts.values()) == [1, 1, 2, 2, 2]
    assert presenters.apply_suggestion(cohort=cohort, by=facilitator, per_session=2) == 0
    with pytest.raises(PermissionDenied):
        presenters.apply_suggestion(cohort=cohort, by=people[0], per_session=2)


def test_page_saves_and_shows_the_suggestion(client, cohort, people, facilitator):
    sessions = monthly(cohort, 2)
    url = reverse("calendar:presenters", kwargs={"cohort_slug": cohort.slug})
    client.force_login(people[0])
    assert client.get(url).status_code == 403
    client.force_login(facilitator)
    overview = client.get(reverse("calendar:overview", kwargs={"cohort_slug": cohort.slug}))
    assert url in overview.content.decode()
    page = client.get(url)
    html = page.content.decode()
    assert html.count("<h1") == 1
    assert "Use the suggestion" in html
    assert str(people[0]) in html
    response = client.post(
        url, {"save": "", f"presenters-{sessions[0].pk}": [people[2].pk, people[3].pk]}
    )
    assert response.status_code == 302
    assert set(sessions[0].presenters.all()) == {people[2], people[3]}
    # A stranger is refused and the ticks are kept.
    stranger = UserFactory()
    response = client.post(
        url, {"save": "", f"presenters-{sessions[1].pk}": [people[4].pk, stranger.pk]}
    )
    assert response.status_code == 400
    assert "Nothing was saved" in response.content.decode()
    assert response.context["rows"][1]["chosen"] == {people[4].pk, stranger.pk}
    assert not sessions[1].presenters.exists()
    # A bad number is refused and kept.
    response = client.post(url, {"apply": "", "per_session": "99"})
    assert response.status_code == 400
    assert 'value="99"' in response.content.decode()
    response = client.post(url, {"apply": "", "per_session": "1"})
    assert response.status_code == 302
    assert sessions[1].presenters.count() == 1
    assert sessions[1].presenters.get() not in {people[2], people[3]}


def test_page_queries_do_not_grow_with_participants(client, django_assert_num_queries, make_member):
    def setup(count):
        cohort = CohortFactory()
        facilitator = make_member(cohort, Role.FACILITATOR)
        people = [make_member(cohort, Role.PARTICIPANT) for _ in range(count)]
        for event in monthly(cohort, 3):
            event.presenters.set(people[:2])
        return cohort, facilitator

    cohort, facilitator = setup(5)
    client.force_login(facilitator)
    url = reverse("calendar:presenters", kwargs={"cohort_slug": cohort.slug})
    client.get(url)  # warm the session and caches
    with django_assert_num_queries(PAGE_QUERIES):
        assert client.get(url).status_code == 200
    cohort, facilitator = setup(40)
    client.force_login(facilitator)
    url = reverse("calendar:presenters", kwargs={"cohort_slug": cohort.slug})
    client.get(url)
    with django_assert_num_queries(PAGE_QUERIES):
        page = client.get(url)
    assert page.status_code == 200
    assert len(page.context["participants"]) == 40
