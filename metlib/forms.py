import zoneinfo
from datetime import datetime

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import BIOGRAPHY_LIMIT, User
from .timezones import available_time_zones


class ZonedDateTimeField(forms.DateTimeField):
    """A date and time typed in a given zone (a cohort's), whoever types it; kept as an instant.

    Django reads a naive date-time in the *viewer's* zone; here the zone is the cohort's
    (set on the field as ``zone``), so "23:59" means 23:59 where the cohort runs.
    """

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    zone: zoneinfo.ZoneInfo = zoneinfo.ZoneInfo("UTC")

    def prepare_value(self, value: object) -> object:
        with timezone.override(self.zone):
            return super().prepare_value(value)

    def to_python(self, value: object) -> datetime | None:
        # Also refuses, beside the field, a local time that a clock change skips or repeats.
        with timezone.override(self.zone):
            return super().to_python(value)


class TimeZoneInput(forms.TextInput):
    """A text box with the IANA zones as suggestions: searchable by typing, no script needed."""

    template_name = "forms/time_zone_input.html"

    def get_context(self, name: str, value: object, attrs: dict | None) -> dict:
        context = super().get_context(name, value, attrs)
        context["widget"]["zones"] = available_time_zones()
        list_id = f"{context['widget']['attrs'].get('id', name)}-zones"
        context["widget"]["list_id"] = list_id
        context["widget"]["attrs"]["list"] = list_id
        return context


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "time_zone", "language", "biography", "share_email"]
        widgets = {
            "time_zone": TimeZoneInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            # counter.js shows "n / limit" as one types; the server enforces the limit.
            "biography": forms.Textarea(attrs={"rows": 6, "data-counter": str(BIOGRAPHY_LIMIT)}),
        }
        help_texts = {
            "time_zone": _("Start typing a city, e.g. “Helsinki” or “America/New_York”."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["biography"]
        note = _("Up to %(limit)s characters.") % {"limit": f"{BIOGRAPHY_LIMIT:,}"}
        field.help_text = f"{field.help_text} {note}"
        # Only the languages offered now (each with a whole catalogue) may be chosen.
        self.fields["language"].choices = settings.LANGUAGES

    def clean_time_zone(self) -> str:
        return self.cleaned_data["time_zone"].strip()


def posted_id(value: str) -> int | None:
    """A row id as a page posts it, or None when it is not one: ASCII digits only ("¹" and
    "٣" are digits to ``str.isdigit`` but not to ``int``) and within a database's bigint."""
    value = value.strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None
