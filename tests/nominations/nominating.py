"""What the nominator's tests share: a cohort with an open call, and a complete form POST."""

import datetime as dt
import re
import uuid
import zoneinfo

from django.core import mail

from metlib.models import Email
from nominations.models import Nomination

from ..factories import CallFactory, CohortFactory, ThemeFactory

# The 2024 call: open from 8 January, deadline 15 February 23:59 in New York.
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
OPENING_2024 = dt.datetime(2024, 1, 8, 9, 0, tzinfo=NEW_YORK)
DEADLINE_2024 = dt.datetime(2024, 2, 15, 23, 59, tzinfo=NEW_YORK)

CONFIRM_LINK = re.compile(r"https?://\S+?(/nominations/confirm/[^/\s\"<>]+/)")


def cohort_with_call(*, zone: str = "America/New_York", **call_fields):
    """A cohort whose deadline is 15 February 2024, 23:59 in ``zone``, with two themes."""
    tz = zoneinfo.ZoneInfo(zone)
    cohort = CohortFactory(
        time_zone=zone,
        nominations_open_at=dt.datetime(2024, 1, 8, 9, 0, tzinfo=tz),
        nominations_deadline=dt.datetime(2024, 2, 15, 23, 59, tzinfo=tz),
    )
    ThemeFactory(cohort=cohort, name="Urban Mobility")
    ThemeFactory(cohort=cohort, name="Civic Engagement")
    CallFactory(cohort=cohort, **call_fields)
    return cohort


def complete_post(cohort, library, **overrides) -> dict:
    """Every field of the nomination form, filled in and asking to submit.

    An override of ``None`` leaves that field out of the POST.
    """
    data = {
        "creation_token": str(uuid.uuid4()),
        "library": library.pk if library else "",
        "nominator_name": "Dana Director",
        "nominator_role": "Library director",
        "nominator_email": "director@library.example",
        "candidate_name": "Çağla Öztürk",
        "candidate_job_title": "Head of branches",
        "candidate_email": "cagri@library.example",
        "candidate_bio": "Runs the branch network.",
        "motivation": "To learn with peers.",
        "project_kind": "branch_development",
        "project_title": "Ten new branches",
        "project_description": "Ten neighbourhood branches by 2027.",
        "themes": [t.pk for t in cohort.themes.all()],
        "travel_support": "partly",
        "stipend_conditional": "no",
        "commits_working_hours": "on",
        "commits_whole_year": "on",
        "commits_language": "on",
        "submit": "1",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def as_draft(data: dict) -> dict:
    """The same POST, pressing "Save draft" instead of "Submit"."""
    data = {k: v for k, v in data.items() if k != "submit"}
    data["save"] = "1"
    return data


def confirm_path_from_mail() -> str:
    """The candidate's confirmation link, as a path, read from the queued mail's text."""
    email = Email.objects.get(key__endswith=":candidate-confirmation")
    match = CONFIRM_LINK.search(email.body_text)
    assert match, email.body_text
    return match.group(1)


def sent_to(address: str) -> list:
    return [message for message in mail.outbox if message.to == [address]]


def status_of(nomination: Nomination) -> str:
    nomination.refresh_from_db()
    return nomination.status
