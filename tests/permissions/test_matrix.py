"""Every URL of the project by every kind of person, with the answer each must get.

A new URL without a row fails ``test_every_url_has_a_row``. To see what the pages answer
now (to write a new row), run with ``MATRIX_RECORD=1`` and read the printed table.

Codes: 200 the page, 302 a redirect (anonymous: to the login page), 403 refused, 404 not
found (someone else's object is "not found" rather than "forbidden" where its existence is
itself private), 405 the method is not offered to this person. POST rows are asked with an
empty form: the allowed get a form error (200) or a redirect, never a server error.
"""

import os

import pytest
from django.urls import reverse

from .routes import arguments_for, named_routes
from .world import ROLES, build_world

RECORD = bool(os.environ.get("MATRIX_RECORD"))

# Columns, in order: anonymous, nominator, other_nominator, candidate, participant, mentor,
# advisor, facilitator, other_facilitator, staff, manager (of the cohort's programme).
EXPECTED: dict[str, str] = {
    "circle:alumni": "302 404 404 404 404 404 404 200 200 404 200",
    "circle:alumni_csv": "302 404 404 404 404 404 404 200 200 404 200",
    "circle:next_cohort": "302 403 403 403 403 403 403 403 403 403 200",
    "cohorts:programme": "302 404 404 404 404 404 404 404 404 404 200",
    "cohorts:team": "302 403 403 403 403 403 403 200 403 403 200",
    "cohorts:team_remove": "302 403 403 403 403 403 403 405 403 403 405",
    "cohorts:team_remove POST": "302 403 403 403 403 403 403 302 403 403 404",
    "admin_login": "302 403 403 403 403 403 403 403 403 302 403",
    "certificates:name_change": "302 403 403 403 403 403 403 405 403 403 405",
    "account_change_password": "302 200 200 200 200 200 200 200 200 200 200",
    "account_confirm_login_code": "302 302 302 302 302 302 302 302 302 302 302",
    "account_email": "302 200 200 200 200 200 200 200 200 200 200",
    "account_email_verification_sent": "302 302 302 302 302 302 302 302 302 302 302",
    "account_inactive": "200 200 200 200 200 200 200 200 200 200 200",
    "account_login": "200 302 302 302 302 302 302 302 302 302 302",
    "account_logout": "302 200 200 200 200 200 200 200 200 200 200",
    "account_reauthenticate": "302 200 200 200 200 200 200 200 200 200 200",
    "account_request_login_code": "200 302 302 302 302 302 302 302 302 302 302",
    "account_reset_password": "200 200 200 200 200 200 200 200 200 200 200",
    "account_reset_password_done": "200 200 200 200 200 200 200 200 200 200 200",
    "account_reset_password_from_key_done": "200 200 200 200 200 200 200 200 200 200 200",
    "account_set_password": "302 302 302 302 302 302 302 302 302 302 302",
    "account_signup": "200 302 302 302 302 302 302 302 302 302 302",
    "admin:index": "302 302 302 302 302 302 302 302 302 200 302",
    "admin:metlib_user_changelist": "302 302 302 302 302 302 302 302 302 403 302",
    "calendar:add": "302 403 403 403 403 403 403 200 403 403 200",
    "calendar:attendance": "302 403 403 403 403 200 403 200 403 403 200",
    "calendar:attendance_session": "302 403 403 403 403 403 403 200 403 403 200",
    "calendar:attendance_mine": "302 403 403 403 200 403 403 403 403 403 403",
    "calendar:cancel": "302 403 403 403 403 403 403 200 403 403 200",
    "calendar:restore": "302 403 403 403 403 403 403 302 403 403 302",
    "calendar:details": "302 403 403 403 403 403 403 200 403 403 200",
    "calendar:generate": "302 403 403 403 403 403 403 200 403 403 200",
    "calendar:move": "302 403 403 403 403 403 403 200 403 403 200",
    "calendar:overview": "302 403 403 403 403 403 403 200 403 403 200",
    "calendar:preparation_file": "302 404 404 404 200 200 200 200 404 404 404",
    "calendar:presenters": "302 403 403 403 403 403 403 200 403 403 200",
    "calendar:reminders": "302 403 403 403 403 403 403 200 403 403 200",
    "certificates:batch": "302 403 403 403 403 403 403 200 403 403 200",
    "certificates:batch_progress": "302 403 403 403 403 403 403 200 403 403 200",
    "certificates:batch_retry": "302 403 403 403 403 403 403 405 403 403 405",
    "certificates:credential_achievement": "200 200 200 200 200 200 200 200 200 200 200",
    "certificates:credential_download": "302 404 404 404 200 404 404 200 404 404 200",
    "certificates:credential_issuer": "200 200 200 200 200 200 200 200 200 200 200",
    "certificates:credential_jwks": "200 200 200 200 200 200 200 200 200 200 200",
    "certificates:credential_status": "200 200 200 200 200 200 200 200 200 200 200",
    "certificates:download": "302 404 404 404 200 404 404 200 404 404 200",
    "certificates:eligibility": "302 403 403 403 403 403 403 200 403 403 200",
    "certificates:issue": "302 403 403 403 403 403 403 405 403 403 405",
    "certificates:mine": "302 403 403 403 200 403 403 403 403 403 403",
    "certificates:reissue": "302 403 403 403 403 403 403 405 403 403 405",
    "certificates:reissue_mine": "302 403 403 403 405 405 405 405 403 403 405",
    "certificates:revoke": "302 403 403 403 403 403 403 405 403 403 405",
    "certificates:verify": "200 200 200 200 200 200 200 200 200 200 200",
    "certificates:verify_credential": "200 200 200 200 200 200 200 200 200 200 200",
    "certificates:verify_form": "200 200 200 200 200 200 200 200 200 200 200",
    "certificates:zip": "302 403 403 403 403 403 403 200 403 403 200",
    "circle:attendance_csv": "302 403 403 403 403 403 403 200 403 403 200",
    "cohorts:calls": "200 200 200 200 200 200 200 200 200 200 200",
    "circle:dashboard": "302 403 403 403 403 403 403 200 403 403 200",
    "circle:dashboard_retry_mail": "302 403 403 403 403 403 403 405 403 403 405",
    "circle:detail": "302 403 403 403 200 200 200 200 403 403 200",
    "cohorts:evaluation_answer": "302 403 403 403 200 403 403 403 403 403 403",
    "cohorts:evaluation_close": "302 403 403 403 403 403 403 405 403 403 405",
    "cohorts:evaluation_csv": "302 403 403 403 403 403 403 200 403 403 200",
    "cohorts:evaluation_manage": "302 403 403 403 403 403 403 200 403 403 200",
    "cohorts:evaluation_open": "302 403 403 403 403 403 403 405 403 403 405",
    "cohorts:evaluation_remind": "302 403 403 403 403 403 403 405 403 403 405",
    "cohorts:evaluation_results": "302 403 403 403 403 403 403 200 403 403 200",
    "circle:history": "302 403 403 403 200 403 403 200 404 200 200",  # not their cohort
    "circle:libraries": "302 403 403 403 403 403 200 200 200 200 200",
    "circle:library": "302 403 403 403 403 403 200 200 200 200 200",
    "circle:mentoring": "302 403 403 403 403 403 403 200 403 403 200",
    "circle:mentoring_mine": "302 403 403 403 403 200 403 403 403 403 403",
    "circle:my_history": "302 200 200 200 200 200 200 200 200 200 200",
    "circle:person": "302 403 403 403 200 200 200 200 403 403 200",
    "circle:roster": "302 403 403 403 200 200 200 200 403 403 200",
    "circle:roster_csv": "302 403 403 403 403 403 403 200 403 403 200",
    "circle:year": "302 403 403 403 200 200 200 200 403 403 200",
    "feeds:delivery": "302 405 405 405 405 405 405 405 405 405 405",
    "feeds:event_ics": "302 404 404 404 200 200 200 200 404 404 404",
    "feeds:feed": "200 200 200 200 200 200 200 200 200 200 200",
    "feeds:mine": "302 200 200 200 200 200 200 200 200 200 200",
    "feeds:subscribe": "302 200 200 200 200 200 200 200 200 200 200",
    "health": "200 200 200 200 200 200 200 200 200 200 200",
    "home": "200 200 200 200 200 200 200 200 200 200 200",
    "nominations:admit_late": "302 403 403 403 403 403 403 405 403 403 405",
    "nominations:assistant": "302 403 403 403 403 403 403 200 403 403 200",
    "nominations:assistant_apply": "302 403 403 403 403 403 403 405 403 403 405",
    "nominations:assistant_pin": "302 403 403 403 403 403 403 405 403 403 405",
    "nominations:assistant_run": "302 403 403 403 403 403 403 405 403 403 405",
    "nominations:assistant_settings": "302 403 403 403 403 403 403 405 403 403 405",
    "nominations:call": "200 200 200 200 200 200 200 200 200 200 200",
    "nominations:call_edit": "302 403 403 403 403 403 403 200 403 403 200",
    "nominations:call_publish": "302 403 403 403 403 403 403 405 403 403 405",
    "nominations:confirm": "200 200 200 200 200 200 200 200 200 200 200",
    "nominations:decide": "302 403 403 403 403 403 403 405 403 403 405",
    "nominations:decisions": "302 403 403 403 403 403 403 200 403 403 200",
    "nominations:detail": "302 200 404 404 404 404 404 404 404 404 404",
    "nominations:diversity": "302 403 403 403 403 403 403 200 403 403 200",
    "nominations:edit": "302 302 404 404 404 404 404 404 404 404 404",
    "nominations:mine": "302 200 200 200 200 200 200 200 200 200 200",
    "nominations:nominate": "302 200 302 200 200 200 200 200 200 200 200",  # led to their own
    "nominations:pipeline": "302 403 403 403 403 403 200 200 403 403 200",
    "nominations:pipeline_csv": "302 403 403 403 403 403 200 200 403 403 200",
    "nominations:pipeline_detail": "302 403 403 403 403 403 200 200 403 403 200",
    "nominations:promote": "302 403 403 403 403 403 403 405 403 403 405",
    "nominations:publish": "302 403 403 403 403 403 403 200 403 403 200",
    "nominations:publish_resume": "302 403 403 403 403 403 403 405 403 403 405",
    "nominations:ranking": "302 403 403 403 403 403 403 200 403 403 200",
    "nominations:reviews_csv": "302 403 403 403 403 403 403 200 403 403 200",
    "nominations:review_conflict": "302 403 403 403 403 403 405 405 403 403 405",
    "nominations:review_conflict_withdraw": "302 403 403 403 403 403 405 405 403 403 405",
    "nominations:review_detail": "302 403 403 403 403 403 200 404 403 403 404",
    "nominations:review_list": "302 403 403 403 403 403 200 200 403 403 200",
    "nominations:selection_close": "302 403 403 403 403 403 403 405 403 403 405",
    "nominations:selection_criteria": "302 403 403 403 403 403 403 200 403 403 200",
    "nominations:selection_open_review": "302 403 403 403 403 403 403 200 403 403 200",
    "nominations:selection_overview": "302 403 403 403 403 403 403 200 403 403 200",
    "nominations:selection_reopen": "302 403 403 403 403 403 403 405 403 403 405",
    "nominations:withdraw": "302 405 405 405 405 405 405 405 405 405 405",
    "profile": "302 200 200 200 200 200 200 200 200 200 200",
    "set_language": "302 302 302 302 302 302 302 302 302 302 302",
    # The actions, asked by POST with an empty form.
    "certificates:name_change POST": "302 403 403 403 403 403 403 404 403 403 404",
    "certificates:batch_retry POST": "302 403 403 403 403 403 403 302 403 403 302",
    "certificates:issue POST": "302 403 403 403 403 403 403 302 403 403 302",
    "certificates:reissue POST": "302 403 403 403 403 403 403 302 403 403 302",
    "certificates:reissue_mine POST": "302 403 403 403 302 403 403 403 403 403 403",
    "certificates:revoke POST": "302 403 403 403 403 403 403 302 403 403 302",
    "circle:dashboard_retry_mail POST": "302 403 403 403 403 403 403 302 403 403 302",
    "cohorts:evaluation_close POST": "302 403 403 403 403 403 403 302 403 403 302",
    "cohorts:evaluation_open POST": "302 403 403 403 403 403 403 302 403 403 302",
    "cohorts:evaluation_remind POST": "302 403 403 403 403 403 403 302 403 403 302",
    "feeds:delivery POST": "302 302 302 302 302 302 302 302 302 302 302",
    "nominations:admit_late POST": "302 403 403 403 403 403 403 302 403 403 302",
    "nominations:assistant_apply POST": "302 403 403 403 403 403 403 200 403 403 200",
    "nominations:assistant_pin POST": "302 403 403 403 403 403 403 200 403 403 200",
    "nominations:assistant_run POST": "302 403 403 403 403 403 403 200 403 403 200",
    "nominations:assistant_settings POST": "302 403 403 403 403 403 403 200 403 403 200",
    "nominations:decide POST": "302 403 403 403 403 403 403 302 403 403 302",
    "nominations:promote POST": "302 403 403 403 403 403 403 302 403 403 302",
    "nominations:publish_resume POST": "302 403 403 403 403 403 403 302 403 403 302",
    "nominations:call_publish POST": "302 403 403 403 403 403 403 302 403 403 302",
    "nominations:review_conflict POST": "302 403 403 403 403 403 302 404 403 403 404",
    "nominations:review_conflict_withdraw POST": "302 403 403 403 403 403 302 404 403 403 404",
    "nominations:selection_close POST": "302 403 403 403 403 403 403 302 403 403 302",
    "nominations:selection_reopen POST": "302 403 403 403 403 403 403 302 403 403 302",
    "nominations:withdraw POST": "302 302 404 404 404 404 404 404 404 404 404",
}


def _routes() -> list[tuple[str, str]]:
    """Every route by GET; and by POST (with an empty form) where GET is refused with 405 to
    someone: those are the actions, and who may take them is what matters."""
    names = sorted(named_routes())
    rows = [(name, "GET") for name in names]
    rows += [(name, "POST") for name in names if "405" in EXPECTED.get(name, "").split()]
    return rows


def _ask(client, method: str, url: str) -> int:
    response = client.post(url, {}) if method == "POST" else client.get(url)
    if response.streaming:  # a file answer holds its file open until read to the end
        b"".join(response.streaming_content)
    return response.status_code


@pytest.mark.django_db
def test_every_url_has_a_row():
    missing = sorted(name for name in named_routes() if name not in EXPECTED)
    assert missing == [], "Add rows for these URLs (MATRIX_RECORD=1 prints what they answer)"


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method"), _routes())
def test_each_person_gets_the_expected_answer(client, name, method):
    world = build_world()
    url = reverse(name, kwargs=arguments_for(name, named_routes()[name], world))
    answers = []
    for role in ROLES:
        client.logout()
        person = world.people[role]
        if person is not None:
            client.force_login(person)
        answers.append(_ask(client, method, url))
    observed = " ".join(str(code) for code in answers)
    key = name if method == "GET" else f"{name} POST"
    if RECORD:
        print(f'\nMATRIX    "{key}": "{observed}",')
        return
    assert observed == EXPECTED.get(key), f"{key} ({url}), columns: {', '.join(ROLES)}"
