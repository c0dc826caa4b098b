"""Forms of the facilitator's side of nominations: the call editor and letting one in late.

(The pipeline's filter form lives in ``forms.py`` beside the nomination form.)
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort
from metlib.forms import ZonedDateTimeField

from .models import Call


class CallDatesForm(forms.ModelForm):
    """The cohort's nomination opening and deadline (local to the cohort) and announcement."""

    class Meta:
        model = Cohort
        fields = ["nominations_open_at", "nominations_deadline", "announcement_date"]
        field_classes = {
            "nominations_open_at": ZonedDateTimeField,
            "nominations_deadline": ZonedDateTimeField,
        }
        widgets = {
            "announcement_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        note = _("Local time in the cohort's time zone, %(zone)s.") % {
            "zone": self.instance.time_zone
        }
        for name in ("nominations_open_at", "nominations_deadline"):
            self.fields[name].zone = self.instance.zone
            self.fields[name].help_text = note

    def clean(self) -> dict:
        data = super().clean()
        deadline, announced = data.get("nominations_deadline"), data.get("announcement_date")
        if deadline and announced and announced < deadline.astimezone(self.instance.zone).date():
            self.add_error(
                "announcement_date", _("Results cannot be announced before the deadline.")
            )
        return data


class CallForm(forms.ModelForm):
    """Every word of the public call page, and the rules nominations must meet."""

    class Meta:
        model = Call
        fields = [
            "introduction",
            "programme",
            "eligibility",
            "requirements",
            "conference",
            "stipends",
            "selection",
            "timeline",
            "contact_name",
            "contact_email",
            "min_city_population",
            "nominations_per_library",
            "working_language",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": rows})
            for name, rows in (
                ("introduction", 6),
                ("programme", 5),
                ("eligibility", 4),
                ("requirements", 4),
                ("conference", 3),
                ("stipends", 3),
                ("selection", 3),
                ("timeline", 6),
            )
        }


class LateAdmissionForm(forms.Form):
    note = forms.CharField(
        label=_("Why it is let in late"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept with the nomination, e.g. “the nominator wrote on the day”."),
    )
