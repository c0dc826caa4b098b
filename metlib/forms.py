from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User
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
        fields = ["display_name", "time_zone", "language"]
        widgets = {
            "time_zone": TimeZoneInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        }
        help_texts = {
            "time_zone": _("Start typing a city, e.g. “Helsinki” or “America/New_York”."),
        }

    def clean_time_zone(self) -> str:
        return self.cleaned_data["time_zone"].strip()
