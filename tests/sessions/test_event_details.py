"""An event's details page: the facilitator edits title, theme, description, link, place,
guest speakers and preparation (links or files); calendars get one update per save that
changes what they show; files are checked on upload and served only to the people whose
calendar holds the event, never as HTML."""

import datetime as dt
import re

import pytest
import vobject
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cohorts.models import Role
from metlib.models import Email
from sessions.models import CalendarDelivery, Event, GuestSpeaker, PreparationItem
from tests.factories import (
    CohortFactory,
    EventFactory,
    MembershipFactory,
    ThemeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DOCX = b"PK\x03\x04" + b"\x00" * 60
HTML = b"<!DOCTYPE html><html><script>alert(1)</script></html>"


@pytest.fixture
def participant(cohort, make_member):
    person = make_member(cohort, Role.PARTICIPANT)
    CalendarDelivery.objects.create(person=person, choice=CalendarDelivery.Choice.INVITATIONS)
    return person


@pytest.fixture
def event(cohort):
    return EventFactory(
        cohort=cohort,
        title="Open data",
        starts_at=dt.datetime(2031, 5, 13, 13, tzinfo=dt.UTC),
        ends_at=dt.datetime(2031, 5, 13, 15, tzinfo=dt.UTC),
    )


def url_of(event: Event) -> str:
    return reverse("calendar:details", kwargs={"cohort_slug": event.cohort.slug, "pk": event.pk})


def management(prefix: str, *, total: int, initial: int) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def post_data(event: Event, **overrides) -> dict:
    """The page's form as sent back unchanged (two empty rows in each list)."""
    data = {
        "title": event.title,
        "theme": event.theme_id or "",
        "description": event.description,
        "video_url": event.video_url,
        "place": event.place,
    }
    speakers = list(event.guest_speakers.all())
    items = list(event.preparation.all())
    data |= management("speakers", total=len(speakers) + 2, initial=len(speakers))
    data |= management("preparation", total=len(items) + 2, initial=len(items))
    for i, speaker in enumerate(speakers):
        data |= {
            f"speakers-{i}-id": speaker.pk,
            f"speakers-{i}-name": speaker.name,
            f"speakers-{i}-affiliation": speaker.affiliation,
        }
    for i, item in enumerate(items):
        data |= {
            f"preparation-{i}-id": item.pk,
            f"preparation-{i}-title": item.title,
            f"preparation-{i}-url": item.url,
            f"preparation-{i}-minutes": item.minutes or "",
            f"preparation-{i}-position": item.position,
        }
    data.update(overrides)
    return data


def invitation_calendars(email: Email) -> list:
    return [vobject.readOne(email.calendar)] if email.calendar else []


def test_details_page_for_facilitators_only(client, event, participant, facilitator):
    url = url_of(event)
    assert client.get(url).status_code == 302
    assert "/login/" in client.get(url)["Location"] or "login" in client.get(url)["Location"]
    client.force_login(participant)
    assert client.get(url).status_code == 403
    client.force_login(facilitator)
    page = client.get(url)
    assert page.status_code == 200
    assert page.content.decode().count("<h1") == 1
    other = EventFactory(cohort=CohortFactory())
    assert client.get(url.replace(f"/{event.pk}/", f"/{other.pk}/")).status_code == 404


def test_calendar_change_raises_sequence_and_mails_everyone_once(
    client, event, participant, facilitator, django_capture_on_commit_callbacks
):
    client.force_login(facilitator)
    data = post_data(
        event,
        title="Open data, open city",
        description="Bring one dataset.",
        **{"speakers-0-name": "Ana Ruiz", "speakers-0-affiliation": "Barcelona Libraries"},
        **{"preparation-0-title": "The charter", "preparation-0-url": "https://example.org/c"},
        **{"preparation-0-minutes": "30"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url_of(event), data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Open data, open city"
    assert event.sequence == 1
    assert [(g.name, g.affiliation) for g in event.guest_speakers.all()] == [
        ("Ana Ruiz", "Barcelona Libraries")
    ]
    assert [(p.title, p.minutes) for p in event.preparation.all()] == [("The charter", 30)]
    emails = list(Email.objects.order_by("to"))
    assert sorted(e.to for e in emails) == sorted([participant.email, facilitator.email])
    for email in emails:
        assert email.subject == "Updated: Open data, open city"
        if email.to == facilitator.email:  # the subscription only: told, no calendar part
            assert invitation_calendars(email) == []
            continue
        (cal,) = invitation_calendars(email)
        assert cal.method.value == "REQUEST"
        assert cal.vevent.sequence.value == "1"
        assert "Ana Ruiz (Barcelona Libraries)" in cal.vevent.description.value
        assert "The charter" in cal.vevent.description.value

    # The same page sent again changes nothing and mails no one.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(url_of(event), post_data(event))
    assert again.status_code == 302
    event.refresh_from_db()
    assert event.sequence == 1
    assert Email.objects.count() == len(emails)


def test_theme_only_change_mails_no_one(client, event, cohort, participant, facilitator):
    theme = ThemeFactory(cohort=cohort, name="Leadership")
    client.force_login(facilitator)
    response = client.post(url_of(event), post_data(event, theme=theme.pk))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.theme == theme
    assert event.sequence == 0
    assert Email.objects.count() == 0


def test_rejected_page_keeps_what_was_typed(client, event, facilitator):
    client.force_login(facilitator)
    data = post_data(
        event,
        title="A new title typed",
        video_url="not a link",
        **{"speakers-0-name": "Kim Lee", "speakers-0-affiliation": "Seoul"},
    )
    response = client.post(url_of(event), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="A new title typed"' in page
    assert 'value="not a link"' in page
    assert 'value="Kim Lee"' in page
    assert "Enter a valid URL." in page
    event.refresh_from_db()
    assert event.title == "Open data"
    assert GuestSpeaker.objects.count() == 0


def upload(client, event, content: bytes, name: str, **fields):
    data = post_data(event, **{"preparation-0-title": "Reading", **fields})
    data["preparation-0-file"] = SimpleUploadedFile(name, content)
    return client.post(url_of(event), data)


def test_too_large_file_refused_with_a_message(client, event, facilitator):
    client.force_login(facilitator)
    big = PDF + b"0" * (10 * 1024 * 1024)
    response = upload(client, event, big, "big.pdf")
    assert response.status_code == 400
    page = response.content.decode()
    assert "the limit is 10.0" in page
    assert 'value="Reading"' in page
    assert PreparationItem.objects.count() == 0


def test_html_renamed_pdf_refused(client, event, facilitator):
    client.force_login(facilitator)
    response = upload(client, event, HTML, "reading.pdf")
    assert response.status_code == 400
    assert "Please upload a file of one of these kinds: PDF, DOCX, PNG, JPEG." in (
        response.content.decode()
    )
    assert PreparationItem.objects.count() == 0


def test_link_and_file_together_refused(client, event, facilitator):
    client.force_login(facilitator)
    response = upload(
        client, event, PDF, "reading.pdf", **{"preparation-0-url": "https://example.org/"}
    )
    assert response.status_code == 400
    assert "Give a link or a file, not both." in response.content.decode()


def test_pdf_served_inline_to_members_only(client, event, cohort, participant, facilitator):
    client.force_login(facilitator)
    assert upload(client, event, PDF, "reading.pdf").status_code == 302
    item = PreparationItem.objects.get()
    assert item.file.name.endswith(".pdf")
    download = item.download_path
    assert download == reverse("calendar:preparation_file", kwargs={"pk": item.pk})

    client.logout()
    anonymous = client.get(download)
    assert anonymous.status_code == 302
    assert "login" in anonymous["Location"]

    client.force_login(UserFactory())  # signed in, not in the cohort
    assert client.get(download).status_code == 404
    outsider = UserFactory()
    other = CohortFactory()
    MembershipFactory(user=outsider, cohort=other, role=Role.PARTICIPANT)
    client.force_login(outsider)
    assert client.get(download).status_code == 404

    client.force_login(participant)
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")
    assert b"".join(response.streaming_content) == PDF
    response.close()


def test_docx_served_as_attachment(client, event, participant, facilitator):
    client.force_login(facilitator)
    assert upload(client, event, DOCX, "notes.docx").status_code == 302
    item = PreparationItem.objects.get()
    client.force_login(participant)
    response = client.get(item.download_path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == DOCX
    response.close()


def test_old_file_of_unknown_kind_is_never_html(client, event, participant, tmp_path):
    # A file stored before uploads were checked: served as bytes to download, not as a page.
    item = PreparationItem.objects.create(
        event=event, title="Old", file=SimpleUploadedFile("old.html", HTML)
    )
    client.force_login(participant)
    response = client.get(item.download_path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == HTML
    response.close()


def test_schedule_and_calendar_link_files_through_the_view(client, event, participant):
    item = PreparationItem.objects.create(
        event=event, title="Slides", file=SimpleUploadedFile("s.pdf", PDF)
    )
    client.force_login(participant)
    page = client.get(reverse("feeds:mine")).content.decode()
    assert f'href="{item.download_path}"' in page
    assert "/media/" not in page
    ics = client.get(reverse("feeds:event_ics", kwargs={"uid": event.uid})).content.decode()
    unfolded = re.sub(r"\r\n[ \t]", "", ics)
    assert item.download_path in unfolded


def test_place_change_raises_sequence(client, event, facilitator):
    client.force_login(facilitator)
    client.post(url_of(event), post_data(event, place="Room 12"))
    event.refresh_from_db()
    assert event.place == "Room 12"
    assert event.sequence == 1


@pytest.mark.parametrize("rows", [1, 12])
def test_details_page_queries_do_not_grow(
    client, event, facilitator, django_assert_num_queries, rows
):
    for i in range(rows):
        GuestSpeaker.objects.create(event=event, name=f"Guest {i}")
        PreparationItem.objects.create(event=event, title=f"Item {i}", url="https://example.org/")
    client.force_login(facilitator)
    # session, user, cohort, roles, event, themes, speakers and preparation: 7 at both sizes
    with django_assert_num_queries(6):
        assert client.get(url_of(event)).status_code == 200


def test_cancelled_event_details_cannot_change(client, event, facilitator):
    event.status = Event.Status.CANCELLED
    event.save()
    client.force_login(facilitator)
    page = client.get(url_of(event)).content.decode()
    assert "can no longer be changed" in page
    assert "Save the details" not in page
    response = client.post(url_of(event), post_data(event, title="Back again"))
    assert response.status_code == 400
    event.refresh_from_db()
    assert event.title == "Open data"
    assert Email.objects.count() == 0


def test_overview_links_each_event_to_its_details(client, event, facilitator):
    client.force_login(facilitator)
    page = client.get(
        reverse("calendar:overview", kwargs={"cohort_slug": event.cohort.slug})
    ).content.decode()
    assert f'href="{url_of(event)}"' in page
