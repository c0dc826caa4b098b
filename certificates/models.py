"""Certificates: the cohort's rule and letterhead, each person's name as printed, the
certificates themselves and the batches that issue them.

What a certificate says is copied onto it when it is issued (name, library, what the person
took part in), so a certificate reads the same years later whatever changes afterwards.
"""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort
from metlib.uploads import UploadTo, image_validators
from metlib.validators import single_line


def new_verification_code() -> str:
    """32 URL-safe characters (192 random bits): nobody lists or guesses a certificate."""
    return secrets.token_urlsafe(24)


class CertificateSettings(models.Model):
    """A cohort's rule for who receives a certificate, and what the certificate looks like."""

    cohort = models.OneToOneField(
        Cohort,
        on_delete=models.CASCADE,
        related_name="certificate_settings",
        verbose_name=_("cohort"),
    )
    monthly_share = models.PositiveSmallIntegerField(
        _("monthly sessions to attend (%)"),
        default=75,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("The share of the cohort's monthly sessions a participant must attend."),
    )
    mentoring_minimum = models.PositiveSmallIntegerField(
        _("mentoring sessions to attend"),
        default=0,
        help_text=_("How many of their group's mentoring sessions a participant must attend."),
    )
    title = models.CharField(
        _("certificate title"), max_length=120, default=_("Certificate of participation")
    )
    statement = models.CharField(
        _("statement"),
        max_length=300,
        blank=True,
        help_text=_("One sentence under the name, e.g. what the programme is."),
    )
    logo = models.FileField(
        _("logo"),
        upload_to=UploadTo("certificates/logos/", field="logo"),
        blank=True,
        validators=image_validators(),
        help_text=_("PNG or JPEG, at most 2 MB."),
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("certificate settings")
        verbose_name_plural = _("certificate settings")

    def __str__(self) -> str:
        return str(self.cohort)


class Signatory(models.Model):
    """A person whose name, title and signature appear on a cohort's certificates."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="signatories", verbose_name=_("cohort")
    )
    name = models.CharField(_("name"), max_length=150)
    title = models.CharField(_("title"), max_length=200, blank=True)
    signature = models.FileField(
        _("signature image"),
        upload_to=UploadTo("certificates/signatures/", field="signature"),
        blank=True,
        validators=image_validators(),
        help_text=_("PNG or JPEG, at most 2 MB. Without it, a line is printed to sign on."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["cohort", "position", "pk"]
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")

    def __str__(self) -> str:
        return self.name


class EligibilityOverride(models.Model):
    """A facilitator's decision that overrides the attendance rule for one person."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="+", verbose_name=_("cohort")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("person"),
    )
    eligible = models.BooleanField(_("eligible"))
    reason = models.CharField(_("reason"), max_length=500)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), auto_now=True)

    class Meta:
        verbose_name = _("eligibility override")
        verbose_name_plural = _("eligibility overrides")
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "person"], name="eligibility_override_once_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.cohort}"


class PrintedName(models.Model):
    """A person's name exactly as it should appear on their certificate, and whether they
    have confirmed it."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="+", verbose_name=_("cohort")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("person"),
    )
    name = models.CharField(_("name as printed"), max_length=200, validators=[single_line])
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("printed name")
        verbose_name_plural = _("printed names")
        constraints = [
            models.UniqueConstraint(fields=["cohort", "person"], name="printed_name_once")
        ]

    def __str__(self) -> str:
        return self.name


class IssueBatch(models.Model):
    """One "issue to everyone eligible": its progress lives here, not in Celery."""

    cohort = models.ForeignKey(
        Cohort,
        on_delete=models.CASCADE,
        related_name="certificate_batches",
        verbose_name=_("cohort"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    total = models.PositiveIntegerField(_("certificates to issue"), default=0)
    done = models.PositiveIntegerField(_("issued"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("issuing batch")
        verbose_name_plural = _("issuing batches")

    def __str__(self) -> str:
        return f"{self.cohort} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def percent(self) -> int:
        if not self.total:
            return 100
        return round(100 * (self.done + self.failed) / self.total)


class BatchItem(models.Model):
    """One person in a batch: claimed by one worker at a time, done exactly once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        DONE = "done", _("Issued")
        FAILED = "failed", _("Failed")

    batch = models.ForeignKey(
        IssueBatch, on_delete=models.CASCADE, related_name="items", verbose_name=_("batch")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("person"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.CharField(_("last error"), max_length=500, blank=True)
    certificate = models.ForeignKey(
        "Certificate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("certificate"),
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("batch item")
        verbose_name_plural = _("batch items")
        constraints = [
            models.UniqueConstraint(fields=["batch", "person"], name="batch_item_once_per_person")
        ]
        indexes = [models.Index(fields=["status", "updated_at"], name="batch_item_status")]

    def __str__(self) -> str:
        return f"{self.batch} · {self.person}"


class Certificate(models.Model):
    """A certificate of participation. At most one valid (not revoked) per person and cohort;
    revoked ones stay, so re-issuing keeps a history."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("cohort")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("person"),
    )
    code = models.CharField(
        _("verification code"), max_length=64, unique=True, default=new_verification_code
    )
    # What the certificate says, copied when it is issued.
    name = models.CharField(_("name as printed"), max_length=200, validators=[single_line])
    library = models.CharField(_("library"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    country = models.CharField(_("country"), max_length=120, blank=True)
    monthly_attended = models.PositiveSmallIntegerField(_("monthly sessions attended"), default=0)
    monthly_total = models.PositiveSmallIntegerField(_("monthly sessions held"), default=0)
    mentoring_attended = models.PositiveSmallIntegerField(
        _("mentoring sessions attended"), default=0
    )
    attended_conference = models.BooleanField(_("attended the conference"), default=False)
    # Made eligible by the facilitator against the attendance rule: the certificate then says
    # so instead of printing a count that contradicts the decision.
    by_override = models.BooleanField(_("eligible by the facilitator's decision"), default=False)

    pdf = models.FileField(_("PDF"), upload_to="certificates/pdf/%Y/", blank=True)
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    batch = models.ForeignKey(
        IssueBatch,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="certificates",
        verbose_name=_("batch"),
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    revocation_reason = models.CharField(_("reason for revoking"), max_length=500, blank=True)
    # When the facilitator saw that eligibility changed after issue and kept the certificate
    # as it is: what eligibility said then (see certificates.drift), so the same change is
    # not raised again, and a later one is.
    kept_despite = models.CharField(_("kept despite"), max_length=100, blank=True)
    # The Open Badges 3.0 credential (a VC-JWT), signed once when the certificate is issued
    # and served as it is (see certificates.credentials.stored_credential); a re-issued
    # certificate is a new row with a credential of its own.
    credential_jwt = models.TextField(_("signed credential"), blank=True, editable=False)
    replaces = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("replaces"),
    )

    class Meta:
        ordering = ["cohort", "name", "-issued_at"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "person"],
                condition=Q(revoked_at__isnull=True),
                name="certificate_one_valid_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.cohort}"

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None


class NameChange(models.Model):
    """A new printed name proposed by the participant after their certificate was issued. It
    reaches the certificate only when a facilitator approves it; every proposal and decision
    stays, as the certificate's history."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("awaiting the facilitator's approval")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")

    certificate = models.ForeignKey(
        Certificate,
        on_delete=models.CASCADE,
        related_name="name_changes",
        verbose_name=_("certificate"),
    )
    name = models.CharField(_("name as printed"), max_length=200, validators=[single_line])
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    proposed_at = models.DateTimeField(_("proposed"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        verbose_name = _("name change")
        verbose_name_plural = _("name changes")
        constraints = [
            models.UniqueConstraint(
                fields=["certificate"],
                condition=Q(status="proposed"),
                name="name_change_one_open_per_certificate",
            )
        ]

    def __str__(self) -> str:
        return f"{self.certificate} → {self.name}"


class CredentialKey(models.Model):
    """A key the site signs Open Badges credentials with (ES256, a P-256 key as a JWK).

    Kept in the database, so every web process and worker signs with the same key and a
    credential verifies whichever machine issued it. A retired key signs nothing new but
    stays published, so credentials it signed still verify.
    """

    kid = models.CharField(_("key id"), max_length=64, unique=True)
    private_jwk = models.JSONField(_("private key (JWK)"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("credential signing key")
        verbose_name_plural = _("credential signing keys")

    def __str__(self) -> str:
        return self.kid
