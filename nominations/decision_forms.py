"""Forms of the selection's decision pages: the assistant's settings, a decision, a pin,
applying a proposal and promoting someone from the waitlist."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Decision, Selection
from .selection import DEFAULT_WAITLIST_SIZE, NOTE_LENGTH


class AssistantSettingsForm(forms.ModelForm):
    """The selection's rules the assistant follows (capacity and stipends are the cohort's)."""

    class Meta:
        model = Selection
        fields = ["max_per_country", "min_project_kinds", "represent_every_continent"]


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Decision.Outcome.choices)
    stipend_awarded = forms.BooleanField(
        label=_("Travel stipend awarded"),
        required=False,
        help_text=_("Only with an acceptance."),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=NOTE_LENGTH,
        required=False,
        help_text=_("For the selection's record; the applicant does not see it."),
    )


class PinForm(forms.Form):
    direction = forms.ChoiceField(
        label=_("Pin"),
        choices=[("in", _("Pin in")), ("out", _("Pin out")), ("", _("Unpin"))],
        required=False,
    )
    reason = forms.CharField(label=_("why"), max_length=200, required=False)


class ApplyForm(forms.Form):
    proposal = forms.RegexField(regex=r"^(\d+(,\d+)*)?$", widget=forms.HiddenInput, required=False)
    waitlist_size = forms.IntegerField(
        label=_("Places on the waitlist"),
        min_value=0,
        max_value=500,
        initial=DEFAULT_WAITLIST_SIZE,
        help_text=_(
            "The next best not selected are waitlisted, up to this many; the rest are declined."
        ),
    )

    def selected(self) -> tuple[int, ...]:
        text = self.cleaned_data["proposal"]
        return tuple(int(pk) for pk in text.split(",")) if text else ()


class PromoteForm(forms.Form):
    stipend_awarded = forms.BooleanField(label=_("Award a travel stipend"), required=False)
    note = forms.CharField(label=_("Note"), max_length=NOTE_LENGTH, required=False)
    over_budget_reason = forms.CharField(
        label=_("Reason for going over the stipend budget"), max_length=300, required=False
    )


class PublishForm(forms.Form):
    over_budget_reason = forms.CharField(
        label=_("Reason for going over the stipend budget"), max_length=300, required=False
    )
