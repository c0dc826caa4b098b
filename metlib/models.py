"""People and outgoing mail: the two things every app shares."""

import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .timezones import validate_time_zone
from .validators import single_line

BIOGRAPHY_LIMIT = 1000


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: object) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person: identified by email address, with the preferences every page uses."""

    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(
        _("display name"),
        max_length=150,
        validators=[single_line],
        blank=True,
        help_text=_("How your name is shown to others, e.g. “Ana Silva”."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text=_("Every time is shown to you in this zone."),
    )
    language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=settings.PLANNED_LANGUAGES,
        default="en",
    )
    biography = models.TextField(
        _("short biography"),
        max_length=BIOGRAPHY_LIMIT,
        blank=True,
        help_text=_("A few lines the members of your cohorts read on the roster."),
    )
    share_email = models.BooleanField(
        _("show my email address to the other members of my cohorts"),
        default=False,
        help_text=_("Facilitators always see it; other members only if you tick this."),
    )
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["email"]
        # Addresses compared without case (a failed mail traced to its cohort's people).
        indexes = [models.Index(Lower("email"), name="user_email_lower")]

    def __str__(self) -> str:
        return self.display_name or self.email

    def get_full_name(self) -> str:
        return self.display_name or self.email

    def get_short_name(self) -> str:
        return self.display_name or self.email.split("@")[0]

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class Email(models.Model):
    """One outgoing message, written before it is sent.

    ``key`` names what the mail is about (e.g. ``nomination:12:receipt``) so the same mail
    cannot be queued twice; the sender claims a row under a row lock and marks it sent.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    key = models.CharField(_("key"), max_length=200, unique=True)
    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text body"))
    body_html = models.TextField(_("HTML body"), blank=True)
    attachments = models.JSONField(
        _("attachments"),
        default=list,
        blank=True,
        help_text=_("A list of {filename, content, mimetype}; content is text."),
    )
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    # An iMIP invitation (RFC 6047): the iCalendar text goes in the message body as the
    # text/calendar alternative beside the text and HTML, with its iTIP method in the type.
    calendar = models.TextField(_("calendar part"), blank=True)
    calendar_method = models.CharField(_("calendar method"), max_length=10, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    created_at = models.DateTimeField(_("queued"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("email")
        verbose_name_plural = _("outbox")
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="email_pending_due",
            ),
            # The few that failed, newest first (the dashboard's "mail that failed"), found
            # without reading the whole outbox, which keeps every mail ever sent.
            models.Index(
                fields=["-created_at", "-id"],
                condition=models.Q(status="failed"),
                name="email_failed_newest",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"
