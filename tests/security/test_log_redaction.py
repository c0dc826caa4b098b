"""The verification form sends a pasted URL as ``?code=http%3A%2F%2F…%2Fverify%2F<code>%2F``:
that reached gunicorn's access log unredacted, and the development server's log had no
redaction at all. Redaction now decodes before matching and sits on every handler."""

import importlib.util
import logging
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.conf import settings

from metlib.log_redaction import REDACTED, redact

CODE = "AbCdEfGhIjKlMnOpQrStUvWxYz012345"
PASTED = f"https://metlib.example.org/verify/{CODE}/"
GUNICORN_CONF = Path(settings.BASE_DIR) / "gunicorn.conf.py"


def test_an_encoded_verification_code_is_redacted():
    line = f'"GET /verify/?code={quote(PASTED, safe="")} HTTP/1.1" 200'
    assert CODE not in redact(line)
    assert CODE not in redact(line.replace("%", "%25"))  # encoded twice
    assert REDACTED in redact(line)


def test_a_line_with_nothing_to_hide_keeps_its_encoding():
    line = '"GET /directory/?q=S%C3%A3o+Paulo HTTP/1.1" 200'
    assert redact(line) == line


def test_gunicorn_access_log_redacts_an_encoded_code():
    from gunicorn.config import Config

    spec = importlib.util.spec_from_file_location("gunicorn_conf", GUNICORN_CONF)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    query = "code=" + quote(PASTED, safe="")
    request = SimpleNamespace(
        method="GET",
        path="/verify/",
        query=query,
        uri=f"/verify/?{query}",
        version=(1, 1),
        headers=[],
    )
    response = SimpleNamespace(status="200 OK", sent=10, headers=[], response_length=10)
    environ = {
        "REMOTE_ADDR": "127.0.0.1",
        "REQUEST_METHOD": "GET",
        "RAW_URI": request.uri,
        "PATH_INFO": "/verify/",
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    logger = module.RedactingLogger(Config())
    atoms = logger.atoms(response, request, environ, SimpleNamespace(seconds=0, microseconds=1))
    assert CODE not in atoms["r"]
    assert CODE not in atoms["q"]


def test_the_development_server_log_is_redacted():
    handlers = logging.getLogger("django.server").handlers
    assert handlers
    for handler in handlers:
        record = logging.LogRecord(
            "django.server",
            logging.INFO,
            __file__,
            1,
            '"%s" %s %s',
            (f"GET /verify/{CODE}/ HTTP/1.1", "200", "10"),
            None,
        )
        assert handler.filter(record)
        assert CODE not in record.getMessage()


@pytest.mark.parametrize("name", ["", "django", "django.server"])
def test_every_handler_django_configures_redacts(name):
    for handler in logging.getLogger(name).handlers:
        if type(handler).__module__.startswith("_pytest"):
            continue  # pytest's capture handlers, added after configuration
        record = logging.LogRecord(
            "x", logging.INFO, __file__, 1, "mail to %s", ("ana@example.org",), None
        )
        if handler.filter(record):  # False: another filter drops it (DEBUG-only handlers)
            assert "ana@example.org" not in record.getMessage(), (name, handler)


def test_gunicorn_error_log_redacts():
    from gunicorn.config import Config

    spec = importlib.util.spec_from_file_location("gunicorn_conf", GUNICORN_CONF)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    logger = module.RedactingLogger(Config())
    assert logger.error_log.handlers
    for handler in logger.error_log.handlers:
        record = logging.LogRecord("gunicorn.error", logging.ERROR, __file__, 1, PASTED, (), None)
        assert handler.filter(record)
        assert CODE not in record.getMessage()
