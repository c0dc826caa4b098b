"""Certificates as Open Badges 3.0 credentials: a W3C Verifiable Credential (an
``OpenBadgeCredential``) for each certificate, signed as a JWT (VC-JWT, ES256) with a key the
site keeps (:class:`~certificates.models.CredentialKey`), and checked again here.

What anyone can fetch, without signing in:

- the issuer's profile (the programme's organisation) at ``/credentials/issuers/<programme>/``;
- the public keys (a JWKS) at ``/credentials/jwks.json``: a credential's ``kid`` names one;
- the achievement (the cohort) at ``/credentials/achievements/<cohort>/``;
- the revocation list (``1EdTechRevocationList``) of the programme's credentials, which
  follows our own revocations, at ``/credentials/status/<programme>/``.

The credential says what the certificate says when it is issued (name as printed, the cohort,
the dates); it names the person by the printed name only, never by email address. Signing and
verifying use joserfc; nothing here handles key material by hand.
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, KeySet

from cohorts.models import Cohort, Programme

from .models import Certificate, CertificateSettings, CredentialKey

ALGORITHM = "ES256"
CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
MEDIA_TYPE = "application/vc+jwt"
# What we read from someone's paste: a credential is a few kilobytes.
MAX_INPUT = 64 * 1024


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def issuer_id(programme: Programme) -> str:
    return _absolute(reverse("certificates:credential_issuer", args=[programme.slug]))


def achievement_id(cohort: Cohort) -> str:
    return _absolute(reverse("certificates:credential_achievement", args=[cohort.slug]))


def status_list_id(programme: Programme) -> str:
    return _absolute(reverse("certificates:credential_status", args=[programme.slug]))


def jwks_url() -> str:
    return _absolute(reverse("certificates:credential_jwks"))


def credential_id(certificate: Certificate) -> str:
    """The credential's id: the certificate's public verification page."""
    return _absolute(reverse("certificates:verify", args=[certificate.code]))


def issuer_profile(programme: Programme) -> dict[str, Any]:
    """The issuer's Open Badges ``Profile``."""
    profile: dict[str, Any] = {
        "@context": CONTEXT,
        "id": issuer_id(programme),
        "type": ["Profile"],
        "name": programme.organisation,
    }
    if programme.website:
        profile["url"] = programme.website
    return profile


def achievement(cohort: Cohort) -> dict[str, Any]:
    """The cohort as an Open Badges ``Achievement`` (what a credential is awarded for)."""
    from .eligibility import rule_for
    from .pdf import achievement_name

    programme = cohort.programme
    letterhead = CertificateSettings.objects.filter(cohort=cohort).first()
    title = (letterhead.title if letterhead else "") or _("Certificate of participation")
    name = achievement_name(programme_name=programme.name, cohort_name=cohort.name)
    rule = rule_for(cohort)
    narrative = _(
        "Took part in %(name)s from %(start)s to %(end)s, attending at least %(share)d%% of "
        "its monthly sessions (or as the facilitator decided, with a reason)."
    ) % {
        "name": name,
        "start": cohort.programme_start.isoformat(),
        "end": cohort.programme_end.isoformat(),
        "share": rule.monthly_share,
    }
    return {
        "id": achievement_id(cohort),
        "type": ["Achievement"],
        "achievementType": "Certificate",
        "name": f"{title}: {name}",
        "description": (letterhead.statement if letterhead else "") or name,
        "criteria": {"narrative": narrative},
        "creator": {
            "id": issuer_id(programme),
            "type": ["Profile"],
            "name": programme.organisation,
        },
    }


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def credential(certificate: Certificate) -> dict[str, Any]:
    """The certificate as an unsigned ``OpenBadgeCredential`` (VC Data Model 2.0)."""
    cohort = certificate.cohort
    programme = cohort.programme
    awarded = achievement(cohort)
    return {
        "@context": CONTEXT,
        "id": credential_id(certificate),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer_profile(programme) | {"@context": None},
        "validFrom": _timestamp(certificate.issued_at),
        "name": awarded["name"],
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": certificate.name,
                }
            ],
            "achievement": awarded,
        },
        "credentialStatus": {
            "id": status_list_id(programme),
            "type": "1EdTechRevocationList",
        },
    }


def _clean(document: dict[str, Any]) -> dict[str, Any]:
    """Drop the keys set to None (the issuer embedded without its own ``@context``)."""
    return {
        key: _clean(value) if isinstance(value, dict) else value
        for key, value in document.items()
        if value is not None
    }


def signing_key() -> CredentialKey:
    """The key new credentials are signed with; made on first use (one for the whole site,
    even when two processes ask at once)."""
    key = CredentialKey.objects.filter(retired_at__isnull=True).first()
    if key is not None:
        return key
    new = ECKey.generate_key("P-256")
    try:
        with transaction.atomic():
            return CredentialKey.objects.create(
                kid=new.thumbprint(), private_jwk=new.as_dict(private=True)
            )
    except IntegrityError:  # pragma: no cover - a thumbprint collision is not a thing
        return CredentialKey.objects.filter(retired_at__isnull=True).first()


def public_key_set() -> dict[str, Any]:
    """Every key's public half, retired ones included (credentials they signed still
    verify): the JWKS published at :func:`jwks_url`."""
    keys = []
    for key in CredentialKey.objects.order_by("created_at", "pk"):
        public = ECKey.import_key(key.private_jwk).as_dict(private=False)
        keys.append(public | {"kid": key.kid, "use": "sig", "alg": ALGORITHM})
    return {"keys": keys}


def signed_credential(certificate: Certificate) -> str:
    """The certificate's credential as a compact JWT (the VC-JWT form Open Badges 3.0
    describes: the credential is the payload, with ``iss``, ``jti`` and ``nbf``)."""
    key = signing_key()
    document = _clean(credential(certificate))
    claims = document | {
        "iss": document["issuer"]["id"],
        "jti": document["id"],
        "nbf": int(certificate.issued_at.timestamp()),
    }
    header = {"alg": ALGORITHM, "typ": "JWT", "kid": key.kid, "cty": "vc"}
    return jwt.encode(header, claims, ECKey.import_key(key.private_jwk))


def stored_credential(certificate: Certificate) -> str:
    """The credential signed when ``certificate`` was issued, as it was signed: downloading
    it twice gives the same file, and it says what the certificate said then. A certificate
    issued before credentials were stored gets its credential signed and kept on first use
    (once, even when two requests ask at the same time)."""
    if certificate.credential_jwt:
        return certificate.credential_jwt
    token = signed_credential(certificate)
    stored = Certificate.objects.filter(pk=certificate.pk, credential_jwt="").update(
        credential_jwt=token
    )
    if not stored:
        certificate.refresh_from_db(fields=["credential_jwt"])
        return certificate.credential_jwt
    certificate.credential_jwt = token
    return token


def _issued_claims(certificate: Certificate) -> dict[str, Any]:
    """What the credential we issued for ``certificate`` says (its stored token's claims,
    checked against our keys), to compare an unsigned copy with."""
    token = stored_credential(certificate)
    return jwt.decode(token, KeySet.import_key_set(public_key_set()), algorithms=[ALGORITHM]).claims


@dataclass(frozen=True)
class Verdict:
    """What the verification page says about a credential someone brought."""

    genuine: bool
    message: str
    certificate: Certificate | None = None
    claims: dict[str, Any] | None = None

    @property
    def revoked(self) -> bool:
        return self.certificate is not None and not self.certificate.is_valid


def _token_in(text: str) -> str | None:
    """The compact JWT in what was pasted: the token itself, or a JSON document carrying it
    (an ``EnvelopedVerifiableCredential``'s ``data:`` id, or a ``jwt``/``proof`` member)."""
    text = text.strip()
    if text.count(".") == 2 and not text.startswith("{"):
        return text
    try:
        document = json.loads(text)
    except ValueError:
        return None
    if not isinstance(document, dict):
        return None
    enveloped = str(document.get("id", ""))
    if enveloped.startswith(f"data:{MEDIA_TYPE},"):
        return enveloped.split(",", 1)[1]
    for key in ("jwt", "credential"):
        if isinstance(document.get(key), str) and document[key].count(".") == 2:
            return document[key]
    proof = document.get("proof")
    if isinstance(proof, dict) and isinstance(proof.get("jwt"), str):
        return proof["jwt"]
    return None


def _certificate_of(credential_url: str) -> Certificate | None:
    code = credential_url.rstrip("/").rsplit("/", 1)[-1]
    return Certificate.objects.select_related("cohort__programme").filter(code=code).first()


# What an unsigned copy must repeat exactly to match what we issued.
COMPARED = ("id", "type", "validFrom", "name", "credentialSubject")


def _unsigned_match(text: str) -> Verdict | None:
    """A credential's JSON without its signature (as a wallet or a viewer shows it): compared
    with the credential we issued under its ``id``. None when it is not such a JSON at all."""
    try:
        document = json.loads(text)
    except ValueError:
        return None
    if not isinstance(document, dict) or "OpenBadgeCredential" not in document.get("type", []):
        return None
    certificate = _certificate_of(str(document.get("id", "")))
    if certificate is None or document.get("id") != credential_id(certificate):
        return Verdict(False, _("We issued no credential with this id."))
    issued = _issued_claims(certificate)
    issuer = document.get("issuer")
    issuer = issuer.get("id") if isinstance(issuer, dict) else issuer
    if issuer != issued["issuer"]["id"] or any(
        document.get(key) != issued[key] for key in COMPARED
    ):
        return Verdict(False, _("This credential differs from the one we issued under its id."))
    if not certificate.is_valid:
        return Verdict(
            True,
            _("This unsigned copy matches a credential we issued, but it was revoked."),
            certificate,
            document,
        )
    return Verdict(
        True,
        _(
            "This unsigned copy matches, word for word, a valid credential we issued. (It "
            "carries no signature: for proof that needs no visit here, ask for the signed file.)"
        ),
        certificate,
        document,
    )


def verify_credential(text: str) -> Verdict:
    """Check a credential as someone pasted it against the keys we publish, then against our
    records: whose it is and whether it still stands. A signed credential (the JWT, or JSON
    holding it) is checked by its signature; the credential's JSON without one is compared
    with what we issued under its id."""
    text = (text or "")[:MAX_INPUT]
    token = _token_in(text)
    if token is None:
        unsigned = _unsigned_match(text)
        if unsigned is not None:
            return unsigned
        return Verdict(
            False,
            _(
                "This is not a signed credential: paste the whole credential file (it starts "
                "with “eyJ”, or is JSON holding such a token)."
            ),
        )
    try:
        decoded = jwt.decode(token, KeySet.import_key_set(public_key_set()), algorithms=[ALGORITHM])
    except (JoseError, ValueError, TypeError, KeyError):
        return Verdict(
            False, _("The signature does not match any of our keys: this credential is not ours.")
        )
    claims = decoded.claims
    try:
        jwt.JWTClaimsRegistry(iss={"essential": True}, jti={"essential": True}).validate(claims)
    except JoseError:
        return Verdict(False, _("This credential is signed by us but not valid yet."))
    certificate = _certificate_of(str(claims.get("jti", "")))
    if (
        certificate is None
        or claims.get("jti") != credential_id(certificate)
        or claims.get("iss") != issuer_id(certificate.cohort.programme)
    ):
        return Verdict(False, _("The signature is ours, but we have no such certificate."), None)
    if not certificate.is_valid:
        return Verdict(
            True, _("This credential is genuine, but it was revoked."), certificate, claims
        )
    return Verdict(True, _("This credential is genuine and valid."), certificate, claims)


def revocation_list(programme: Programme) -> dict[str, Any]:
    """The programme's revoked credentials (ids only: never a reason), the list each
    credential's ``credentialStatus`` points at."""
    revoked = Certificate.objects.filter(
        cohort__programme=programme, revoked_at__isnull=False
    ).select_related("cohort")
    return {
        "id": status_list_id(programme),
        "issuer": issuer_id(programme),
        "revokedCredentials": [
            {"id": credential_id(certificate), "revoked": True} for certificate in revoked
        ],
    }


def linkedin_url(certificate: Certificate) -> str:
    """LinkedIn's documented "add to profile" address, with the certification's name, the
    organisation, the month of issue, the credential id and the verification address filled
    in (no API key: the person confirms on LinkedIn)."""
    from urllib.parse import urlencode

    from .pdf import achievement_name

    cohort = certificate.cohort
    issued = certificate.issued_at.astimezone(cohort.zone)
    query = {
        "startTask": "CERTIFICATION_NAME",
        "name": achievement_name(programme_name=cohort.programme.name, cohort_name=cohort.name),
        "organizationName": cohort.programme.organisation,
        "issueYear": issued.year,
        "issueMonth": issued.month,
        "certUrl": credential_id(certificate),
        "certId": certificate.code,
    }
    return "https://www.linkedin.com/profile/add?" + urlencode(query)
