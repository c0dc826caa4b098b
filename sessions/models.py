"""Everything on a cohort's calendar: its events, who presents, what to prepare, attendance,
and each person's secret calendar feed. (App label ``calendar``; see apps.py.)"""

import secrets
import uuid
import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort, MentoringGroup, Theme
from metlib.timezones import validate_time_zone
from metlib.uploads import UploadTo, document_validators
from metlib.validators import single_line


class Event(models.Model):
    """One date in the cohort's year: a monthly session, a mentoring session, the conference
    or one of its workshops. Times are stored in UTC and entered in the cohort's zone."""

    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("Monthly session")
        MENTORING = "mentoring", _("Group mentoring")
        CONFERENCE = "conference", _("Conference")
        WORKSHOP = "workshop", _("Workshop")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        MOVED = "moved", _("Moved")
        CANCELLED = "cancelled", _("Cancelled")

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="events", verbose_name=_("cohort")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.MONTHLY)
    mentoring_group = models.ForeignKey(
        MentoringGroup,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("mentoring group"),
        help_text=_("Only for group mentoring sessions."),
    )
    title = models.CharField(_("title"), max_length=200, validators=[single_line])
    theme = models.ForeignKey(
        Theme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("theme"),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_("Where the event takes place, if not in the cohort's zone."),
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    video_url = models.URLField(_("video link"), blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True, validators=[single_line])
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    presenters = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="presentations",
        verbose_name=_("presenters"),
    )
    # iCalendar identity: the UID never changes; SEQUENCE rises with every change people see.
    uid = models.UUIDField(_("calendar id"), default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(_("revision"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["cohort", "starts_at"], name="event_cohort_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def duration(self) -> timedelta:
        return self.ends_at - self.starts_at

    @property
    def zone_name(self) -> str:
        """The event's own zone (the conference's city), else its cohort's."""
        return self.time_zone or self.cohort.time_zone

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.zone_name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED


class GuestSpeaker(models.Model):
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="guest_speakers", verbose_name=_("event")
    )
    name = models.CharField(_("name"), max_length=150, validators=[single_line])
    affiliation = models.CharField(
        _("affiliation"), max_length=200, blank=True, validators=[single_line]
    )

    class Meta:
        verbose_name = _("guest speaker")
        verbose_name_plural = _("guest speakers")
        ordering = ["event", "pk"]

    def __str__(self) -> str:
        return self.name


class PreparationItem(models.Model):
    """Something to read or do before an event: a link or an uploaded file."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="preparation", verbose_name=_("event")
    )
    title = models.CharField(_("title"), max_length=200, validators=[single_line])
    url = models.URLField(_("link"), blank=True)
    file = models.FileField(
        _("file"),
        upload_to=UploadTo("preparation/%Y/", field="file"),
        blank=True,
        validators=document_validators(),
        help_text=_("PDF, DOCX, PNG or JPEG, at most 10 MB."),
    )
    minutes = models.PositiveSmallIntegerField(_("estimated minutes"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("preparation item")
        verbose_name_plural = _("preparation")
        ordering = ["event", "position", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def download_path(self) -> str:
        """Where members download the file: a view that checks who asks, never the
        storage's own URL ("" until it is saved)."""
        if self.pk is None:
            return ""
        return reverse("calendar:preparation_file", kwargs={"pk": self.pk})


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        EXCUSED = "excused", _("Excused")
        ABSENT = "absent", _("Absent")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("event")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="attendance",
        verbose_name=_("participant"),
    )
    status = models.CharField(_("attendance"), max_length=10, choices=Status.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="attendance_once_per_event")
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.event}: {self.get_status_display()}"


def new_feed_secret() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """A person's secret calendar subscription. The URL carries the person's id and the
    secret; rotating the secret makes every old URL answer 404."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed",
        verbose_name=_("person"),
    )
    secret = models.CharField(_("secret"), max_length=64, default=new_feed_secret)
    rotated_at = models.DateTimeField(_("last rotated"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return str(self.person)


class CalendarDelivery(models.Model):
    """How a person wants the calendar: the subscription (feed), invitations by mail, or both.
    A person without a row has the feed only."""

    class Choice(models.TextChoices):
        FEED = "feed", _("The subscription only")
        INVITATIONS = "invitations", _("Invitations by mail only")
        BOTH = "both", _("Both")

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_delivery",
        verbose_name=_("person"),
    )
    choice = models.CharField(
        _("calendar by"), max_length=12, choices=Choice.choices, default=Choice.FEED
    )

    class Meta:
        verbose_name = _("calendar delivery")
        verbose_name_plural = _("calendar deliveries")

    def __str__(self) -> str:
        return f"{self.person}: {self.get_choice_display()}"

    @property
    def invitations(self) -> bool:
        return self.choice in (self.Choice.INVITATIONS, self.Choice.BOTH)


def default_reminder_offsets() -> list[int]:
    """Seven days and 24 hours before, in minutes."""
    return [7 * 24 * 60, 24 * 60]


class CalendarSettings(models.Model):
    """A cohort's calendar choices; a cohort without a row uses the defaults."""

    cohort = models.OneToOneField(
        Cohort, on_delete=models.CASCADE, related_name="calendar_settings", verbose_name=_("cohort")
    )
    # Minutes before the start; 1 to 3 of them, each from 1 hour to 30 days (see reminders.py).
    reminder_offsets = models.JSONField(
        _("reminders before each event (minutes)"), default=default_reminder_offsets
    )

    class Meta:
        verbose_name = _("calendar settings")
        verbose_name_plural = _("calendar settings")

    def __str__(self) -> str:
        return str(self.cohort)
