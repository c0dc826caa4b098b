"""Preparation files kept the uploader's file name: a ZIP named evil.html was served as
attachment; filename="evil.html", a PNG polyglot inline as poly.png.html. Stored names are
now rebuilt from the kind found in the file's first bytes, and so are served names."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from certificates.models import Signatory
from cohorts.models import Role
from metlib.uploads import safe_name
from sessions.models import PreparationItem
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

ZIP = b"PK\x03\x04" + b"\0" * 40
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 40 + b"<script>alert(1)</script>"


@pytest.mark.parametrize(
    ("uploaded", "content", "stored"),
    [
        ("evil.html", ZIP, "evil.docx"),
        ("poly.png.html", PNG, "poly.png"),
        (".html", ZIP, "file.docx"),
    ],
)
def test_a_stored_preparation_file_is_named_by_its_kind(cohort, uploaded, content, stored):
    item = PreparationItem.objects.create(
        event=EventFactory(cohort=cohort), title="R", file=SimpleUploadedFile(uploaded, content)
    )
    assert item.file.name.rsplit("/", 1)[-1].startswith(stored.split(".")[0])
    assert item.file.name.endswith("." + stored.split(".")[1])
    assert ".html" not in item.file.name


def test_a_signature_image_is_named_by_its_kind(cohort):
    signatory = Signatory.objects.create(
        cohort=cohort, name="Ana", signature=SimpleUploadedFile("sig.svg.html", PNG)
    )
    assert signatory.signature.name.endswith(".png")
    assert "html" not in signatory.signature.name


def test_a_file_stored_before_is_served_under_a_name_from_its_kind(client, cohort, make_member):
    participant = make_member(cohort, Role.PARTICIPANT)
    event = EventFactory(cohort=cohort)
    name = default_storage.save("preparation/2024/evil.html", SimpleUploadedFile("x", ZIP))
    item = PreparationItem.objects.create(event=event, title="Old")
    PreparationItem.objects.filter(pk=item.pk).update(file=name)
    client.force_login(participant)
    response = client.get(item.download_path)
    assert response.status_code == 200
    assert 'filename="evil.docx"' in response["Content-Disposition"]
    response.close()


def test_safe_name_keeps_letters_of_every_script():
    assert safe_name("Чтение 1.final.pdf", kind="PDF") == "чтение-1.pdf"
    assert safe_name("x.exe", kind=None) == "x.bin"
