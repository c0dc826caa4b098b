import re

import pytest
from django.urls import reverse

from ..factories import UserFactory


@pytest.fixture
def person(db):
    return UserFactory(display_name="Old Name", time_zone="UTC", biography="Old biography.")


def profile_data(**changes):
    data = {"display_name": "Ana Silva", "time_zone": "UTC", "language": "en", "biography": ""}
    data.update(changes)
    return data


def test_profile_saves_biography_and_email_sharing(client, person):
    client.force_login(person)
    client.post(
        reverse("profile"), profile_data(biography="Leads São Paulo's branches.", share_email="on")
    )
    person.refresh_from_db()
    assert person.biography == "Leads São Paulo's branches."
    assert person.share_email is True


def test_profile_keeps_email_private_by_default(client, db):
    person = UserFactory()
    assert person.share_email is False
    client.force_login(person)
    client.post(reverse("profile"), profile_data(share_email="on"))
    client.post(reverse("profile"), profile_data())  # the box unticked again
    person.refresh_from_db()
    assert person.share_email is False


def test_profile_refuses_overlong_biography_beside_field_and_keeps_it(client, person):
    client.force_login(person)
    typed = "ü" * 1001
    response = client.post(reverse("profile"), profile_data(biography=typed, share_email="on"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ensure this value has at most 1000 characters (it has 1001)." in page
    assert typed in page
    assert re.search(r'<input type="checkbox" name="share_email"[^>]* checked>', page)
    person.refresh_from_db()
    assert person.biography == "Old biography."


def test_profile_accepts_biography_at_the_limit(client, person):
    client.force_login(person)
    client.post(reverse("profile"), profile_data(biography="a" * 1000))
    person.refresh_from_db()
    assert len(person.biography) == 1000


def test_profile_shows_counter_and_limit(client, person):
    client.force_login(person)
    page = client.get(reverse("profile")).content.decode()
    assert 'data-counter="1000"' in page
    assert "js/counter.js" in page
    assert "Up to 1,000 characters." in page


def test_profile_edits_only_the_signed_in_person(client, person):
    other = UserFactory(display_name="Someone Else", biography="Theirs.")
    client.force_login(person)
    # There is no address for another's profile: a posted id or email changes nothing of theirs.
    client.post(
        reverse("profile"),
        profile_data(biography="Mine.", id=other.pk, user_id=other.pk, email=other.email),
    )
    other.refresh_from_db()
    person.refresh_from_db()
    assert (other.display_name, other.biography) == ("Someone Else", "Theirs.")
    assert person.biography == "Mine."
    assert person.email != other.email


def test_profile_sends_visitors_to_login(client, db):
    response = client.post(reverse("profile"), profile_data(biography="Hijack"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
