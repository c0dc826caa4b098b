from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import BIOGRAPHY_LIMIT, User
from .timezones import available_time_zones


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
