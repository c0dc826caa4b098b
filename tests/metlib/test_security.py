"""Security headers, allauth's rate limits, and logs without secrets or personal data."""

import importlib.util
import logging
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.urls import reverse

from metlib.log_redaction import REDACTED, RedactingFilter, redact
from metlib.models import Email

from ..factories import UserFactory

TEMPLATES = Path(settings.BASE_DIR) / "templates"
GUNICORN_CONF = Path(settings.BASE_DIR) / "gunicorn.conf.py"
# Mail is not served with our headers, and the certificate's HTML is read only by WeasyPrint.
NOT_SERVED = ("email", "certificates/pdf")
INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=", re.IGNORECASE)


@pytest.mark.django_db
def test_every_page_carries_a_policy_without_inline_code(client):
    response = client.get(reverse("home"))

    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_no_served_template_has_inline_script_style_or_handlers():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        relative = path.relative_to(TEMPLATES).as_posix()
        if relative.startswith(NOT_SERVED):
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if INLINE.search(line):
                offenders.append(f"{relative}:{number}: {line.strip()[:80]}")
    assert offenders == []


@pytest.mark.django_db
def test_login_refused_after_five_failures_even_with_the_right_password(client):
    user = UserFactory()
    url = reverse("account_login")
    for _ in range(5):
        response = client.post(url, {"login": user.email, "password": "wrong-password"})
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session

    response = client.post(url, {"login": user.email, "password": "a-long-test-password"})

    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in response.content.decode()


@pytest.mark.django_db
def test_login_codes_limited_to_three_a_minute_per_address(
    client, django_capture_on_commit_callbacks
):
    user = UserFactory()
    url = reverse("account_request_login_code")
    answers = []
    for _ in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            answers.append(client.post(url, {"email": user.email}))
        client.logout()  # a fresh visitor each time, as an attacker would be

    assert [answer.status_code for answer in answers] == [302, 302, 302, 200]
    assert "Too many failed login attempts" in answers[3].content.decode()
    assert Email.objects.filter(to=user.email).count() == 3


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            '"GET /calendar/12/Zx8k2LQ9_mN-0pR7sT4uV1wY3a.ics HTTP/1.1" 200',
            f'"GET /calendar/12/{REDACTED}.ics HTTP/1.1" 200',
        ),
        ("Not Found: /verify/AbCdEfGhIjKlMnOpQrStUvWxYz012345/", f"Not Found: /verify/{REDACTED}/"),
        (
            "/nominations/confirm/?token=abcdefghijklmnopqrstuvwxyz",
            f"/nominations/confirm/?token={REDACTED}",
        ),
        ("Mail to ana.silva+circle@biblioteca.example.br failed", f"Mail to {REDACTED} failed"),
        ("GET /cohorts/metlib-2024/calendar/ 200", "GET /cohorts/metlib-2024/calendar/ 200"),
    ],
)
def test_redaction_hides_tokens_and_addresses_but_keeps_ordinary_paths(line, expected):
    assert redact(line) == expected


def test_log_records_are_redacted_by_the_filter(caplog):
    logger = logging.getLogger("metlib.test")
    handler_filter = RedactingFilter()
    caplog.handler.addFilter(handler_filter)
    try:
        logger.warning(
            "Feed %s asked by %s", "/calendar/3/AAAAbbbbCCCCddddEEEEffff.ics", "a@b.example"
        )
    finally:
        caplog.handler.removeFilter(handler_filter)

    assert caplog.messages == [f"Feed /calendar/3/{REDACTED}.ics asked by {REDACTED}"]


def test_gunicorn_access_log_redacts_tokens():
    from gunicorn.config import Config

    spec = importlib.util.spec_from_file_location("gunicorn_conf", GUNICORN_CONF)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    logger = module.RedactingLogger(Config())
    request = SimpleNamespace(
        method="GET",
        path="/calendar/7/QWERTYUIOPasdfghjkl_-1234.ics",
        query="",
        uri="/calendar/7/QWERTYUIOPasdfghjkl_-1234.ics",
        version=(1, 1),
        headers=[],
    )
    response = SimpleNamespace(status="200 OK", sent=10, headers=[], response_length=10)
    environ = {
        "REMOTE_ADDR": "127.0.0.1",
        "REQUEST_METHOD": "GET",
        "RAW_URI": request.uri,
        "PATH_INFO": request.path,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
    }

    atoms = logger.atoms(response, request, environ, SimpleNamespace(seconds=0, microseconds=1))

    assert "QWERTYUIOP" not in atoms["r"]
    assert "QWERTYUIOP" not in atoms["U"]
    assert REDACTED in atoms["r"]
