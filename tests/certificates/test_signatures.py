"""Signatures: the facilitator is warned, before issuing, about every signatory without a
signature image; with images uploaded, the warning goes."""

import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from tests.factories import SignatoryFactory

pytestmark = pytest.mark.django_db


def png() -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGBA", (240, 80), (20, 40, 90, 255)).save(buffer, format="PNG")
    return ContentFile(buffer.getvalue(), name="signature.png")


def warning(client, cohort) -> str:
    html = client.get(
        reverse("certificates:eligibility", kwargs={"cohort_slug": cohort.slug})
    ).content.decode()
    if 'id="unsigned"' not in html:
        return ""
    return html.split('id="unsigned">', 1)[1].split("</p>", 1)[0]


def test_page_warns_about_each_signatory_without_an_image(client, cohort, facilitator):
    SignatoryFactory(cohort=cohort, name="Marie Østby")
    SignatoryFactory(cohort=cohort, name="Jonas Berg")
    SignatoryFactory(cohort=cohort, name="Signed Already", signature=png())
    client.force_login(facilitator)

    text = warning(client, cohort)

    assert "No signature images for Marie Østby, Jonas Berg" in text
    assert "Signed Already" not in text


def test_page_warns_when_there_is_no_signatory(client, cohort, facilitator):
    client.force_login(facilitator)

    assert "No signatories yet" in warning(client, cohort)


def test_no_warning_when_every_signatory_has_an_image(client, cohort, facilitator):
    SignatoryFactory(cohort=cohort, name="Marie Østby", signature=png())
    client.force_login(facilitator)

    assert warning(client, cohort) == ""
