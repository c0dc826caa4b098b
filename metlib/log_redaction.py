"""Keep secrets and personal data out of the logs.

URLs carry secrets (calendar feed tokens, verification codes, confirmation and password-reset
keys) and log lines sometimes carry email addresses. Every line our handlers write, and every
access-log line gunicorn writes, passes through :func:`redact` first.
"""

import logging
import re

# A path segment of 20 or more URL-safe characters is a token, whatever the URL.
_TOKEN = re.compile(r"(?<=[/=])[A-Za-z0-9_\-]{20,}(?=[/.?&#\s\"']|$)")
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")

REDACTED = "[redacted]"


def redact(text: str) -> str:
    """``text`` with tokens in URLs and email addresses replaced by a marker."""
    return _EMAIL.sub(REDACTED, _TOKEN.sub(REDACTED, text))


class RedactingFilter(logging.Filter):
    """A handler filter that rewrites each record's message with :func:`redact`."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is logged as it is rather than lost
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
