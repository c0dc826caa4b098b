"""Keep secrets and personal data out of the logs.

URLs carry secrets (calendar feed tokens, verification codes, confirmation and password-reset
keys) and log lines sometimes carry email addresses. Every handler's lines (the development
server's included: see :func:`configure_logging`), and every access-log line gunicorn writes,
pass through :func:`redact` first.
"""

import logging
import logging.config
import re
from urllib.parse import unquote

# A path segment of 20 or more URL-safe characters is a token, whatever the URL.
_TOKEN = re.compile(r"(?<=[/=])[A-Za-z0-9_\-]{20,}(?=[/.?&#\s\"']|$)")
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")

REDACTED = "[redacted]"


def _decoded(text: str) -> str:
    """``text`` URL-decoded until it no longer changes (a pasted URL in a query string is
    encoded once, a link to it twice); a few rounds at most."""
    for _round in range(3):
        decoded = unquote(text)
        if decoded == text:
            break
        text = decoded
    return text


def _scrub(text: str) -> str:
    return _EMAIL.sub(REDACTED, _TOKEN.sub(REDACTED, text))


def redact(text: str) -> str:
    """``text`` with tokens in URLs and email addresses replaced by a marker. Matching runs
    on the decoded text, so ``%2F``-encoded tokens are found too; a line with nothing to hide
    is returned as it was."""
    cleaned = _scrub(text)
    decoded = _decoded(cleaned)
    if decoded == cleaned:
        return cleaned
    scrubbed = _scrub(decoded)
    return cleaned if scrubbed == decoded else scrubbed


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


def redact_every_handler() -> None:
    """Put a :class:`RedactingFilter` on every handler of every logger configured so far,
    Django's own included (the development server's ``django.server``)."""
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    for logger in loggers:
        for handler in logger.handlers:
            if not any(isinstance(f, RedactingFilter) for f in handler.filters):
                handler.addFilter(RedactingFilter())


def configure_logging(config: dict) -> None:
    """settings.LOGGING_CONFIG: Django's dictConfig, then redaction on every handler."""
    logging.config.dictConfig(config)
    redact_every_handler()
