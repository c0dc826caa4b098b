"""Open Badges 3.0 credentials: signed as a JWT with the site's key, checked here by code
that knows only what the site publishes (the key set, the issuer profile, the revocation
list), then by the verification page; the download and the LinkedIn link."""

import datetime as dt
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from joserfc import jwt
from joserfc.errors import BadSignatureError
from joserfc.jwk import ECKey, KeySet

from certificates import credentials, issuing
from certificates.models import CredentialKey
from certificates.pdf import achievement_name
from cohorts.models import Role
from tests.factories import CertificateFactory, CohortFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

ISSUED = dt.datetime(2025, 4, 2, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def certificate(settings):
    settings.SITE_URL = "https://circle.example.org"
    person = UserFactory(email="eleni.private@example.org")
    cohort = CohortFactory()
    MembershipFactory(user=person, cohort=cohort, role=Role.PARTICIPANT)
    return CertificateFactory(
        person=person, cohort=cohort, name="Ελένη Παπαδοπούλου", issued_at=ISSUED
    )


def published(client, url: str) -> dict:
    """A public JSON document, fetched as a stranger would (no session)."""
    client.logout()
    response = client.get(urlsplit(url).path)
    assert response.status_code == 200, url
    assert response["Access-Control-Allow-Origin"] == "*"
    return json.loads(response.content)


def download(client, certificate) -> str:
    client.force_login(certificate.person)
    response = client.get(
        reverse("certificates:credential_download", kwargs={"code": certificate.code})
    )
    assert response.status_code == 200
    return response.content.decode()


def test_credential_verifies_with_only_the_published_key_set(client, certificate):
    token = download(client, certificate)
    keys = published(client, reverse("certificates:credential_jwks"))
    assert all("d" not in key for key in keys["keys"])  # public halves only

    decoded = jwt.decode(token, KeySet.import_key_set(keys), algorithms=["ES256"])

    claims = decoded.claims
    assert decoded.header["alg"] == "ES256"
    assert decoded.header["kid"] in {key["kid"] for key in keys["keys"]}
    assert claims["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert claims["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert claims["jti"] == claims["id"] == f"https://circle.example.org/verify/{certificate.code}/"
    assert claims["validFrom"] == "2025-04-02T12:00:00Z"
    assert claims["nbf"] == int(ISSUED.timestamp())
    subject = claims["credentialSubject"]
    assert subject["identifier"][0]["identityHash"] == "Ελένη Παπαδοπούλου"
    assert "eleni.private" not in json.dumps(claims)
    # The issuer and the achievement are what their public addresses serve.
    profile = published(client, claims["iss"])
    assert profile["id"] == claims["iss"] == claims["issuer"]["id"]
    assert profile["type"] == ["Profile"]
    assert profile["name"] == certificate.cohort.programme.organisation
    awarded = published(client, subject["achievement"]["id"])
    assert awarded["name"] == subject["achievement"]["name"]
    assert certificate.cohort.name in awarded["name"]


def test_credential_signed_by_another_key_fails_against_the_published_set(client, certificate):
    token = download(client, certificate)
    keys = KeySet.import_key_set(published(client, reverse("certificates:credential_jwks")))
    genuine = jwt.decode(token, keys)
    forged = jwt.encode(genuine.header, genuine.claims, ECKey.generate_key("P-256"))

    with pytest.raises(BadSignatureError):
        jwt.decode(forged, keys)


def test_revocation_list_follows_ours(client, certificate):
    token = download(client, certificate)
    status_url = jwt.decode(token, KeySet.import_key_set(credentials.public_key_set())).claims[
        "credentialStatus"
    ]["id"]
    assert published(client, status_url)["revokedCredentials"] == []

    issuing.revoke_certificate(certificate=certificate, by=None, reason="Issued in error")

    revoked = published(client, status_url)["revokedCredentials"]
    assert revoked == [{"id": credentials.credential_id(certificate), "revoked": True}]
    assert "Issued in error" not in json.dumps(published(client, status_url))


@pytest.mark.parametrize("wrap", ["jwt", "enveloped", "proof"])
def test_verification_page_says_genuine_for_our_credential(client, certificate, wrap):
    token = download(client, certificate)
    pasted = {
        "jwt": token,
        "enveloped": json.dumps(
            {
                "@context": "https://www.w3.org/ns/credentials/v2",
                "type": "EnvelopedVerifiableCredential",
                "id": f"data:application/vc+jwt,{token}",
            }
        ),
        "proof": json.dumps({"proof": {"type": "JwtProof2020", "jwt": token}}),
    }[wrap]
    client.logout()

    response = client.post(reverse("certificates:verify_credential"), {"credential": pasted})

    assert response.status_code == 200
    html = response.content.decode()
    assert "This credential is genuine and valid." in html
    assert "Ελένη Παπαδοπούλου" in html
    assert "April 2, 2025" in html


def test_verification_page_refuses_a_tampered_or_foreign_credential(client, certificate):
    token = download(client, certificate)
    claims = jwt.decode(token, KeySet.import_key_set(credentials.public_key_set())).claims
    header, _payload, signature = token.split(".")
    foreign = jwt.encode({"alg": "ES256"}, claims | {"name": "Forged"}, ECKey.generate_key("P-256"))
    tampered = ".".join([header, foreign.split(".")[1], signature])
    client.logout()

    altered = json.dumps(claims | {"name": "Certificate of excellence"})
    # A changed payload, someone else's signature, garbage, and an altered unsigned copy.
    for pasted in (tampered, foreign, "not a credential", altered):
        response = client.post(reverse("certificates:verify_credential"), {"credential": pasted})
        assert response.status_code == 422, pasted
        assert "genuine" not in response.content.decode()


def test_verification_page_says_revoked_when_revoked(client, certificate):
    token = download(client, certificate)
    issuing.revoke_certificate(certificate=certificate, by=None, reason="Issued in error")
    client.logout()

    response = client.post(reverse("certificates:verify_credential"), {"credential": token})

    html = response.content.decode()
    assert "This credential is genuine, but it was revoked." in html
    assert "Issued in error" not in html


def test_credential_download_only_for_its_person_and_facilitator(client, certificate, make_member):
    url = reverse("certificates:credential_download", kwargs={"code": certificate.code})
    assert client.get(url).status_code == 302  # to sign in
    client.force_login(make_member(certificate.cohort, Role.FACILITATOR))
    assert client.get(url).status_code == 200
    client.force_login(make_member(certificate.cohort, Role.PARTICIPANT))
    assert client.get(url).status_code == 404


def test_one_key_signs_for_the_whole_site(client, certificate):
    download(client, certificate)
    download(client, certificate)

    assert CredentialKey.objects.count() == 1


def test_participant_page_links_the_credential_and_linkedin(client, certificate):
    client.force_login(certificate.person)

    html = client.get(
        reverse("certificates:mine", kwargs={"cohort_slug": certificate.cohort.slug})
    ).content.decode()

    assert reverse("certificates:credential_download", kwargs={"code": certificate.code}) in html
    link = credentials.linkedin_url(certificate)
    assert link.replace("&", "&amp;") in html
    parts = urlsplit(link)
    query = parse_qs(parts.query)
    assert (parts.netloc, parts.path) == ("www.linkedin.com", "/profile/add")
    assert query["startTask"] == ["CERTIFICATION_NAME"]
    assert query["name"] == [
        achievement_name(
            programme_name=certificate.cohort.programme.name, cohort_name=certificate.cohort.name
        )
    ]
    assert query["organizationName"] == [certificate.cohort.programme.organisation]
    assert (query["issueYear"], query["issueMonth"]) == (["2025"], ["4"])
    assert query["certId"] == [certificate.code]
    assert query["certUrl"] == [f"https://circle.example.org/verify/{certificate.code}/"]


def test_verification_page_compares_an_unsigned_copy_with_what_we_issued(client, certificate):
    token = download(client, certificate)
    claims = jwt.decode(token, KeySet.import_key_set(credentials.public_key_set())).claims
    unsigned = {key: value for key, value in claims.items() if key not in {"iss", "jti", "nbf"}}
    client.logout()

    response = client.post(
        reverse("certificates:verify_credential"), {"credential": json.dumps(unsigned)}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "This unsigned copy matches, word for word, a valid credential we issued." in html
    assert "Ελένη Παπαδοπούλου" in html
