"""Feeds polled the way calendar apps poll them: a GET, then conditional GETs with the ETag
(If-None-Match) or the date (If-Modified-Since) they hold. After every kind of change to what
a feed shows — a service, the admin, a bulk ``QuerySet.update()`` that sends no signal, a
presenter renaming themself, the cohort's zone, a membership, the owner's language — the
next poll gets 200 with a new ETag and the new content, never a 304 or a kept body that is
stale. Nothing that does not change a feed makes it answer anything but 304."""

import datetime as dt
from html.parser import HTMLParser

import pytest
import vobject
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Cohort, Membership, MentoringGroup, Role
from sessions.feeds import feed_of, rotate_feed
from sessions.models import Event, GuestSpeaker, PreparationItem
from sessions.schedule import cancel_event, move_event
from tests.factories import CohortFactory, EventFactory, UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def participant(cohort, make_member):
    return make_member(cohort, Role.PARTICIPANT, display_name="Aino Virtanen")


@pytest.fixture
def presenter(cohort, make_member):
    return make_member(cohort, Role.PARTICIPANT, display_name="Before Rename")


@pytest.fixture
def event(cohort, presenter):
    event = EventFactory(cohort=cohort, title="Urban mobility")
    event.presenters.add(presenter)
    return event


def url_of(person) -> str:
    feed = feed_of(person=person)
    return reverse("feeds:feed", kwargs={"person_id": person.pk, "secret": feed.secret})


def text_of(response) -> str:
    """The body with folded lines unfolded."""
    return response.content.decode().replace("\r\n ", "")


def held(client, url) -> tuple[str, str]:
    """What a calendar app holds after subscribing: (ETag, text), once the cache knows
    the feed (a conditional poll answers 304)."""
    first = client.get(url)
    assert first.status_code == 200
    etag = first["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    return etag, text_of(first)


# --- the admin, posted as a browser would post its change page ---------------------------


class _Values(HTMLParser):
    """The values a browser would post from a page's forms (checked boxes, selected
    options, text areas), keyed by name; lists for names that repeat."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.values: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def _add(self, name: str, value: str) -> None:
        self.values.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attributes = {key: value or "" for key, value in attrs}
        name = attributes.get("name", "")
        if tag == "input" and name and "__prefix__" not in name:
            kind = attributes.get("type", "text")
            if kind in {"submit", "button", "image", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attributes:
                return
            default = "on" if kind in {"checkbox", "radio"} else ""
            self._add(name, attributes.get("value", default))
        elif tag == "select" and name and "__prefix__" not in name:
            self._select = name
            self.values.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attributes:
            self._add(self._select, attributes.get("value", ""))
        elif tag == "textarea" and name and "__prefix__" not in name:
            self._textarea = name
            self._add(name, "")

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            if self._textarea:
                self.values[self._textarea][-1] = self.values[self._textarea][-1].lstrip("\n")
            self._textarea = None


def admin_post(client, url: str, changes: dict[str, str], inline: tuple[str, dict] | None = None):
    """Open an admin change page, change some fields (and add one row to the inline whose
    prefix starts with ``inline[0]``), and save it."""
    page = client.get(url)
    assert page.status_code == 200
    parser = _Values()
    parser.feed(page.content.decode())
    data: dict[str, object] = {
        name: values if len(values) > 1 else (values[0] if values else "")
        for name, values in parser.values.items()
    }
    data.pop("csrfmiddlewaretoken", None)
    data.update(changes)
    if inline is not None:
        start, row = inline
        total = next(
            name for name in data if name.startswith(start) and name.endswith("TOTAL_FORMS")
        )
        prefix = total.removesuffix("-TOTAL_FORMS")
        index = int(data[total])
        data[total] = str(index + 1)
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    response = client.post(url, data)
    if response.status_code != 302:
        errors = response.context["errors"] if response.context else None
        inlines = response.context.get("inline_admin_formsets", [])
        inline_errors = [inline.formset.errors for inline in inlines]
        raise AssertionError(f"the admin refused: {errors} {inline_errors}")


def _admin_event(client, event):
    admin_post(
        client,
        reverse("admin:calendar_event_change", args=[event.pk]),
        {"title": "Renamed in the admin"},
    )


def _admin_guest(client, event):
    admin_post(
        client,
        reverse("admin:calendar_event_change", args=[event.pk]),
        {},
        inline=("guest", {"name": "Admin Guest", "affiliation": "Library X"}),
    )


def _admin_reading(client, event):
    admin_post(
        client,
        reverse("admin:calendar_event_change", args=[event.pk]),
        {},
        inline=(
            "preparation",
            {"title": "Read the admin report", "minutes": "30", "position": "1"},
        ),
    )


def _admin_cohort_zone(client, event):
    admin_post(
        client,
        reverse("admin:cohorts_cohort_change", args=[event.cohort.pk]),
        {"time_zone": "Europe/Helsinki"},
    )


# --- every kind of change ---------------------------------------------------------------


def _service_move(client, event):
    move_event(
        event=event,
        starts_at=event.starts_at + dt.timedelta(days=1),
        ends_at=event.ends_at + dt.timedelta(days=1),
        by=UserFactory(),
        notify=False,
    )


def _service_cancel(client, event):
    cancel_event(event=event, by=UserFactory(), notify=False)


def _saved_title(client, event):
    event.title = "Renamed session"
    event.save()


def _bulk_title(client, event):
    Event.objects.filter(pk=event.pk).update(title="Bulk renamed")


def _bulk_place(client, event):
    Event.objects.filter(cohort=event.cohort).update(place="Room 101")


def _presenter_renames_themself(client, event):
    presenter = event.presenters.get()
    client.force_login(presenter)
    response = client.post(
        reverse("profile"),
        {
            "display_name": "After Rename",
            "time_zone": presenter.time_zone,
            "language": presenter.language,
            "biography": "",
        },
    )
    assert response.status_code == 302
    client.logout()


def _presenter_bulk_renamed(client, event):
    User.objects.filter(pk=event.presenters.get().pk).update(display_name="After Rename")


def _presenter_added(client, event):
    event.presenters.add(UserFactory(display_name="Zofia Presenter"))


def _guest(client, event):
    GuestSpeaker.objects.create(event=event, name="Guest Speaker", affiliation="Library X")


def _guest_bulk(client, event):
    GuestSpeaker.objects.bulk_create([GuestSpeaker(event=event, name="Bulk Guest")])


def _reading(client, event):
    PreparationItem.objects.create(event=event, title="Read the new report", minutes=30)


def _reading_bulk(client, event):
    PreparationItem.objects.bulk_create([PreparationItem(event=event, title="Bulk reading")])


def _cohort_zone(client, event):
    event.cohort.time_zone = "Europe/Helsinki"
    event.cohort.save()


def _cohort_zone_bulk(client, event):
    Cohort.objects.filter(pk=event.cohort_id).update(time_zone="Europe/Helsinki")


def _added(client, event):
    EventFactory(cohort=event.cohort, title="A new session")


def _deleted(client, event):
    event.delete()


def _bulk_deleted(client, event):
    Event.objects.filter(pk=event.pk).delete()


CHANGES = {
    "service move": (_service_move, lambda text: "SEQUENCE:1" in text),
    "service cancel": (_service_cancel, lambda text: "STATUS:CANCELLED" in text),
    "saved title": (_saved_title, lambda text: "Renamed session" in text),
    "admin event": (_admin_event, lambda text: "Renamed in the admin" in text),
    "admin guest speaker": (_admin_guest, lambda text: "Admin Guest" in text),
    "admin reading": (_admin_reading, lambda text: "Read the admin report" in text),
    "admin cohort zone": (_admin_cohort_zone, lambda text: "Europe/Helsinki" in text),
    "bulk title": (_bulk_title, lambda text: "Bulk renamed" in text),
    "bulk place": (_bulk_place, lambda text: "Room 101" in text),
    "presenter renames themself": (
        _presenter_renames_themself,
        lambda text: "After Rename" in text,
    ),
    "presenter bulk renamed": (_presenter_bulk_renamed, lambda text: "After Rename" in text),
    "presenter added": (_presenter_added, lambda text: "Zofia Presenter" in text),
    "guest speaker": (_guest, lambda text: "Guest Speaker" in text),
    "guest speaker in bulk": (_guest_bulk, lambda text: "Bulk Guest" in text),
    "reading": (_reading, lambda text: "Read the new report" in text),
    "reading in bulk": (_reading_bulk, lambda text: "Bulk reading" in text),
    "cohort zone": (_cohort_zone, lambda text: "Europe/Helsinki" in text),
    "cohort zone in bulk": (_cohort_zone_bulk, lambda text: "Europe/Helsinki" in text),
    "event added": (_added, lambda text: "A new session" in text),
    "event deleted": (_deleted, lambda text: "Urban mobility" not in text),
    "event deleted in bulk": (_bulk_deleted, lambda text: "Urban mobility" not in text),
}


@pytest.mark.parametrize("change", CHANGES)
def test_every_change_reaches_a_conditional_poll(admin_client, event, participant, change):
    client = admin_client  # a calendar app needs no session; the admin changes need one
    url = url_of(participant)
    etag, before = held(client, url)
    make, seen = CHANGES[change]
    assert not seen(before)
    make(client, event)
    for headers in (
        {"HTTP_IF_NONE_MATCH": etag},
        {"HTTP_IF_MODIFIED_SINCE": "Mon, 01 Jan 2124 00:00:00 GMT"},  # a date far ahead
        {},
    ):
        after = client.get(url, **headers)
        assert after.status_code == 200, headers
        assert after["ETag"] != etag
        assert seen(text_of(after))
        vobject.readOne(after.content.decode())  # still a calendar
    # And the new version is held from now on.
    assert client.get(url, HTTP_IF_NONE_MATCH=after["ETag"]).status_code == 304


def test_the_etag_is_a_digest_of_the_body_and_its_language(client, event, participant):
    """Two polls that get the same bytes in the same language get the same ETag; the kept
    body and a body built afresh are the same bytes."""
    url = url_of(participant)
    first = client.get(url)
    from django.core.cache import cache

    cache.clear()  # nothing kept: built again from the database
    again = client.get(url)
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]


def test_the_owner_changing_language_changes_the_etag_and_content_language(
    client, event, participant
):
    url = url_of(participant)
    etag, _text = held(client, url)
    first = client.get(url)
    assert first["Content-Language"] == "en"
    participant.language = "fr"
    participant.save()
    after = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert after.status_code == 200
    assert after["ETag"] != etag
    assert after["Content-Language"] == "fr"
    assert "X-WR-CALNAME:MetLib Circle" in text_of(after)
    User.objects.filter(pk=participant.pk).update(language="de")  # in bulk too
    again = client.get(url, HTTP_IF_NONE_MATCH=after["ETag"])
    assert again.status_code == 200
    assert again["Content-Language"] == "de"


def test_the_owner_renaming_themself_changes_the_calendar_name(client, event, participant):
    url = url_of(participant)
    etag, before = held(client, url)
    assert "Aino Virtanen" in before
    User.objects.filter(pk=participant.pk).update(display_name="Aino Korhonen")
    after = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert after.status_code == 200
    assert "Aino Korhonen" in text_of(after)


def test_joining_and_leaving_change_the_events(client, event, participant):
    other = CohortFactory()
    EventFactory(cohort=other, title="Elsewhere")
    url = url_of(participant)
    etag, before = held(client, url)
    assert "Elsewhere" not in before
    joined = Membership.objects.create(user=participant, cohort=other, role=Role.PARTICIPANT)
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert "Elsewhere" in text_of(response)
    etag, _text = held(client, url)
    joined.delete()
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert "Elsewhere" not in text_of(response)
    etag, _text = held(client, url)
    Membership.objects.bulk_create(
        [Membership(user=participant, cohort=other, role=Role.PARTICIPANT)]
    )
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert "Elsewhere" in text_of(response)


def test_a_mentoring_group_member_sees_the_group_session(client, cohort, participant, make_member):
    group = MentoringGroup.objects.create(
        cohort=cohort, name="Group A", mentor=make_member(cohort, Role.MENTOR)
    )
    EventFactory(
        cohort=cohort, kind=Event.Kind.MENTORING, mentoring_group=group, title="Group session"
    )
    url = url_of(participant)
    etag, before = held(client, url)
    assert "Group session" not in before
    group.members.add(participant)
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert "Group session" in text_of(response)
    etag, _text = held(client, url)
    group.members.remove(participant)
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert "Group session" not in text_of(response)


def test_a_change_elsewhere_leaves_the_feed_held(
    client, event, participant, django_assert_num_queries
):
    """Another cohort's event, a sign-in, someone else's profile: nothing this feed shows,
    so the calendar app keeps its copy (304) and nothing is built: two queries (the data
    version moved, so the owner and the digest are read, and the digest did not), then one
    (the version alone) for every poll until the next change."""
    url = url_of(participant)
    etag, _text = held(client, url)
    elsewhere = EventFactory(cohort=CohortFactory(), title="Elsewhere")
    Event.objects.filter(pk=elsewhere.pk).update(title="Elsewhere, renamed")
    participant.last_login = timezone.now()
    participant.save(update_fields=["last_login"])
    UserFactory(display_name="Someone else")
    with django_assert_num_queries(2):
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    with django_assert_num_queries(1):
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    with django_assert_num_queries(1):
        assert client.get(url).status_code == 200


def test_a_warm_poll_is_one_query_and_one_cache_read(
    client, event, participant, monkeypatch, django_assert_num_queries
):
    """Nothing changed: the kept answer (body, ETag, language) is sent after one read of
    the cache and one of the data version, and it is the answer built afresh, byte for
    byte, headers included."""
    from sessions import feed_cache

    url = url_of(participant)
    held(client, url)
    built = client.get(url)
    reads: list[list[str]] = []
    read_many = feed_cache.read_many
    monkeypatch.setattr(feed_cache, "read_many", lambda keys: reads.append(keys) or read_many(keys))
    with django_assert_num_queries(2) as queries:  # one per poll
        kept = client.get(url)
        not_modified = client.get(url, HTTP_IF_NONE_MATCH=built["ETag"])
    assert len(reads) == 2  # one per poll
    assert all("calendar_feed_data_version" in q["sql"] for q in queries.captured_queries)
    assert kept.status_code == 200
    assert not_modified.status_code == 304
    assert kept.content == built.content
    assert dict(kept.items()) == dict(built.items())


def test_a_change_that_shows_nothing_new_still_gives_304(client, event, participant):
    """The digest changed (an event's timestamp moved), the body did not: same ETag."""
    url = url_of(participant)
    etag, _text = held(client, url)
    Event.objects.filter(pk=event.pk).update(title=event.title)  # same bytes
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_a_rotated_or_wrong_secret_is_refused_even_when_warm(
    client, event, participant, django_assert_num_queries
):
    url = url_of(participant)
    held(client, url)
    wrong = reverse("feeds:feed", kwargs={"person_id": participant.pk, "secret": "guess"})
    with django_assert_num_queries(1):
        refused = client.get(wrong)
    assert refused.status_code == 404
    assert refused.content == b""
    rotate_feed(person=participant)
    assert client.get(url).status_code == 404
    assert client.get(url_of(participant)).status_code == 200


def test_a_deactivated_person_feed_stops(client, event, participant):
    url = url_of(participant)
    held(client, url)
    User.objects.filter(pk=participant.pk).update(is_active=False)
    assert client.get(url).status_code == 404


def test_the_first_poll_after_a_change_builds_once_for_everyone(
    client, cohort, event, make_member, django_assert_num_queries
):
    """After a change to a cohort's event, the first member's poll builds the calendar;
    every other member's first poll only puts their name in (two queries: the data version,
    which moved, then the owner with the digest)."""
    zones = ("Europe/Helsinki", "America/Bogota", "Asia/Kolkata")  # the block is shared
    members = [make_member(cohort, Role.PARTICIPANT, time_zone=zone) for zone in zones]
    urls = [url_of(member) for member in members]
    for url in urls:
        held(client, url)
    Event.objects.filter(pk=event.pk).update(title="Changed for everyone")
    first = client.get(urls[0])
    assert "Changed for everyone" in text_of(first)
    for url, member in zip(urls[1:], members[1:], strict=True):
        with django_assert_num_queries(2):
            response = client.get(url)
        assert "Changed for everyone" in text_of(response)
        assert str(member) in text_of(response)


def test_nothing_is_kept_without_a_shared_cache(
    client, event, participant, settings, django_assert_num_queries
):
    """Each process's in-memory cache is its own: every poll builds the feed, and its ETag,
    a digest of the body, still answers 304 while nothing changed."""
    settings.CACHE_SHARED = False
    url = url_of(participant)
    etag = client.get(url)["ETag"]
    with django_assert_num_queries(5):
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    Event.objects.filter(pk=event.pk).update(title="Bulk renamed")
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert "Bulk renamed" in text_of(changed)


def test_a_poll_skips_the_middleware_for_people_but_keeps_the_security_headers(
    client, event, participant
):
    """The feed is answered before the session, locale, auth and messages middleware (a
    calendar app sends no cookie and the owner's profile decides the language), with the
    same security headers as every page and nothing that says it varies with a cookie."""
    client.cookies["django_language"] = "de"
    url = url_of(participant)
    etag, _text = held(client, url)
    for response in (client.get(url), client.get(url, HTTP_IF_NONE_MATCH=etag)):
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "Content-Security-Policy" in response
        assert response["Content-Language"] == "en"
        assert "Cookie" not in response.get("Vary", "")
        assert not response.cookies
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.post(url).status_code == 405


def test_a_kept_answer_is_sent_only_with_the_settings_it_was_built_with(
    client, event, participant, settings
):
    """What a body depends on beyond the database (the site's address, the languages offered,
    the site's language and zone) is in the kept answer's key: another process's settings
    build their own."""
    url = url_of(participant)
    _etag, before = held(client, url)
    assert "https://calendar.example.org/" not in before
    settings.SITE_URL = "https://calendar.example.org"
    assert "https://calendar.example.org/" in text_of(client.get(url))
    participant.language = "fr"
    participant.save()
    held(client, url)
    settings.LANGUAGES = [code for code in settings.LANGUAGES if code[0] != "fr"]
    assert client.get(url)["Content-Language"] == "en"
