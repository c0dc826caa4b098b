"""An anonymous multipart POST with a 150 MB file part was written to the temporary folder in
full before the 403. Multipart bodies are now refused over a limit before they are read (much
smaller for visitors), and counted while they stream."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.test import RequestFactory
from django.urls import reverse

from metlib.upload_limits import CountingUploadHandler, UploadTooLarge
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def written(monkeypatch):
    """The names of the files Django started writing to the temporary folder."""
    names: list[str] = []
    original = TemporaryFileUploadHandler.new_file

    def new_file(self, *args, **kwargs):
        names.append(args[1] if len(args) > 1 else kwargs.get("file_name"))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(TemporaryFileUploadHandler, "new_file", new_file)
    return names


def _big(size: int) -> SimpleUploadedFile:
    return SimpleUploadedFile("big.bin", b"\0" * size, content_type="application/octet-stream")


def test_an_anonymous_large_upload_is_refused_before_it_is_written(client, written, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every part would go to the temporary folder
    response = client.post(reverse("account_login"), {"login": "x", "file": _big(3_000_000)})
    assert response.status_code == 413
    assert "larger than the limit of 64" in response.content.decode()
    assert written == []


def test_a_signed_in_upload_under_the_limit_passes_and_over_it_is_refused(client, settings):
    client.force_login(UserFactory())
    settings.UPLOAD_MAX_BYTES = 200_000
    assert client.post(reverse("profile"), {"file": _big(100_000)}).status_code != 413
    response = client.post(reverse("profile"), {"file": _big(300_000)})
    assert response.status_code == 413
    assert "195.3" in response.content.decode()


def test_bytes_beyond_the_limit_stop_the_parser_while_streaming():
    handler = CountingUploadHandler(RequestFactory().post("/"), limit=10)
    assert handler.receive_data_chunk(b"x" * 10, 0) == b"x" * 10
    with pytest.raises(UploadTooLarge):
        handler.receive_data_chunk(b"x", 10)


def test_a_malformed_multipart_body_is_not_a_server_error(client):
    response = client.generic(
        "POST",
        reverse("account_login"),
        b"--nope\r\ngarbage",
        content_type="multipart/form-data; boundary=",
    )
    assert response.status_code < 500
