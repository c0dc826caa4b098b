"""Names as printed: the suggestion, the limits, and the participant's page."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from certificates import names
from certificates.models import PrintedName
from nominations.selection import enrol_participant
from tests.factories import NominationFactory

pytestmark = pytest.mark.django_db


def test_clean_printed_name_normalises_to_nfc_and_single_spaces():
    decomposed = " C\u0327ag\u0306r\u0131   O\u0308stergard "  # letters + combining marks

    assert names.clean_printed_name(decomposed) == "\u00c7a\u011fr\u0131 \u00d6stergard"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("   ", "Please enter your name as it should be printed."),
        ("Ana\x00Silva", "The name contains an invisible control character; please type it again."),
        (
            "Ana\u200eSilva",
            "The name contains an invisible control character; please type it again.",
        ),
        ("A" * 201, "At most 200 characters, please (this one has 201)."),
    ],
)
def test_clean_printed_name_refuses_when_a_limit_is_broken(value, message):
    with pytest.raises(ValidationError) as refused:
        names.clean_printed_name(value)

    assert refused.value.messages == [message]


def test_clean_printed_name_accepts_200_characters_and_every_script():
    assert len(names.clean_printed_name("Ł" * 200)) == 200
    assert names.clean_printed_name("Ελένη Παπαδοπούλου") == "Ελένη Παπαδοπούλου"
    assert names.clean_printed_name("Pablo D'Amico") == "Pablo D'Amico"


def test_suggested_name_prefers_display_name_then_nomination_then_email(cohort, make_member):
    ana = make_member(cohort, display_name="Ana Silva", email="ana@example.org")
    assert names.suggested_name(cohort=cohort, person=ana) == "Ana Silva"

    ben = make_member(cohort, display_name="", email="ben.okafor@example.org")
    assert names.suggested_name(cohort=cohort, person=ben) == "ben.okafor"

    # Enrolment gives a blank display name the candidate's name from the nomination.
    nomination = NominationFactory(
        cohort=cohort,
        candidate_email="Ben.Okafor@example.org",
        candidate_name="Benedict Okafor",
        status="accepted",
    )
    enrol_participant(nomination=nomination)
    ben.refresh_from_db()
    assert names.suggested_name(cohort=cohort, person=ben) == "Benedict Okafor"
    nomination.refresh_from_db()
    assert nomination.participant.user == ben


def test_confirm_printed_name_page_keeps_input_when_refused(client, cohort, make_member):
    ana = make_member(cohort, display_name="Ana Silva")
    client.force_login(ana)
    url = reverse("certificates:mine", kwargs={"cohort_slug": cohort.slug})

    page = client.get(url)
    assert 'value="Ana Silva"' in page.content.decode()

    too_long = "Ana " + "S" * 210
    refused = client.post(url, {"name": too_long})
    html = refused.content.decode()
    assert refused.status_code == 400
    assert f'value="{too_long}"' in html
    assert "At most 200 characters, please (this one has 214)." in html
    assert not PrintedName.objects.exists()

    confirmed = client.post(url, {"name": "Ana  Silva Souza"}, follow=True)
    assert "Your name as printed is confirmed." in confirmed.content.decode()
    printed = PrintedName.objects.get(person=ana, cohort=cohort)
    assert printed.name == "Ana Silva Souza"
    assert printed.confirmed_at is not None


def test_facilitator_sees_who_has_not_confirmed(client, cohort, facilitator, make_member):
    ana = make_member(cohort, display_name="Ana Silva")
    make_member(cohort, display_name="Ben Okafor")
    names.confirm_printed_name(cohort=cohort, person=ana, name="Ana Silva")
    client.force_login(facilitator)

    html = client.get(
        reverse("certificates:eligibility", kwargs={"cohort_slug": cohort.slug})
    ).content.decode()

    assert "Not yet confirmed their name as printed: Ben Okafor" in html
