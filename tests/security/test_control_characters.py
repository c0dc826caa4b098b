"""A display name with a line break made the person's own calendar feed answer 500
(X-WR-CALNAME) and a lone CR was written raw; titles and names accepted CR/LF too. Single-line
text now refuses control characters, and the calendar writer copes with what is stored."""

import re

import pytest
import vobject
from django.core.exceptions import ValidationError
from django.urls import reverse

from cohorts.models import Library, Role
from metlib.forms import ProfileForm
from sessions.feeds import feed_of
from sessions.forms import AddEventForm
from sessions.models import GuestSpeaker
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

MESSAGE = "Please keep this on one line, without line breaks or control characters."


@pytest.mark.parametrize("name", ["Aino\nVirtanen", "Aino\rVirtanen", "Aino\x1b[31m", "A\u2028B"])
def test_profile_refuses_a_display_name_with_a_control_character(make_member, cohort, name):
    person = make_member(cohort, Role.PARTICIPANT)
    data = {"display_name": name, "time_zone": "UTC", "language": "en", "biography": ""}
    form = ProfileForm(data, instance=person)
    assert not form.is_valid()
    assert form.errors["display_name"] == [MESSAGE]
    assert form["display_name"].value() == name  # what was typed is kept


def test_event_title_is_refused_at_form_and_model_level(cohort):
    form = AddEventForm({"title": "Urban\r\nmobility", "kind": "monthly"}, cohort=cohort)
    assert not form.is_valid()
    assert MESSAGE in form.errors["title"]
    event = EventFactory(cohort=cohort)
    event.title = "Urban\nmobility"
    with pytest.raises(ValidationError) as refused:
        event.full_clean()
    assert refused.value.message_dict["title"] == [MESSAGE]


def test_library_and_candidate_names_are_refused_at_model_level():
    library = Library(name="Helsinki\nCity Library", city="Helsinki", country="FI")
    with pytest.raises(ValidationError) as refused:
        library.full_clean()
    assert refused.value.message_dict["name"] == [MESSAGE]
    from nominations.models import Nomination

    field = Nomination._meta.get_field("candidate_name")
    with pytest.raises(ValidationError):
        field.run_validators("Ana\rSilva")


def test_a_feed_never_fails_or_writes_a_raw_cr_on_stored_control_characters(
    client, cohort, make_member
):
    person = make_member(cohort, Role.PARTICIPANT, display_name="Aino\nVirtanen\r")
    event = EventFactory(cohort=cohort, title="Urban\rmobility\x0b", place="Hall\r\nB")
    GuestSpeaker.objects.create(event=event, name="Guest\rName", affiliation="Lib\n")
    feed = feed_of(person=person)
    url = reverse("feeds:feed", kwargs={"person_id": person.pk, "secret": feed.secret})
    response = client.get(url)
    assert response.status_code == 200
    body = response.content
    assert re.search(rb"\r(?!\n)", body) is None
    assert re.search(rb"(?<!\r)\n", body) is None
    calendar = vobject.readOne(body.decode())
    assert calendar.vevent.summary.value == "Urban mobility "
    assert "\r" not in calendar.vevent.description.value
