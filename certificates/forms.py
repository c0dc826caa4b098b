"""The certificates' forms: the rule, an override, the printed name, a revocation and a
signatory. Every limit is checked here on the server, with its message beside the field."""

from django import forms
from django.utils.translation import gettext_lazy as _

from metlib.validators import single_line

from .models import CertificateSettings, Signatory
from .names import MAX_LENGTH, clean_printed_name

REASON_MAX = 500


class RuleForm(forms.ModelForm):
    class Meta:
        model = CertificateSettings
        fields = ["monthly_share", "mentoring_minimum", "title", "statement", "logo"]
        widgets = {
            "monthly_share": forms.NumberInput(attrs={"min": 0, "max": 100}),
            "mentoring_minimum": forms.NumberInput(attrs={"min": 0, "max": 50}),
        }

    def clean_mentoring_minimum(self) -> int:
        value = self.cleaned_data["mentoring_minimum"]
        if value > 50:
            raise forms.ValidationError(_("At most 50, please."))
        return value


class OverrideForm(forms.Form):
    CHOICES = [("yes", _("Eligible")), ("no", _("Not eligible")), ("rule", _("Follow the rule"))]

    decision = forms.ChoiceField(label=_("Decision"), choices=CHOICES)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX,
        required=False,
        help_text=_("Required for a decision other than the rule; the participant sees it."),
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("decision") in ("yes", "no") and not " ".join(
            (data.get("reason") or "").split()
        ):
            self.add_error("reason", _("Please give a reason for this decision."))
        return data


class PrintedNameForm(forms.Form):
    name = forms.CharField(
        label=_("Your name as printed"),
        # The browser's limit is a courtesy; the server checks the cleaned length.
        max_length=MAX_LENGTH * 2,
        strip=False,
        validators=[single_line],
        widget=forms.TextInput(attrs={"autocomplete": "name", "maxlength": MAX_LENGTH}),
        help_text=_(
            "Exactly as it should appear on your certificate, with every accent, "
            "up to %(limit)d characters."
        )
        % {"limit": MAX_LENGTH},
    )

    def clean_name(self) -> str:
        return clean_printed_name(self.cleaned_data["name"])


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=REASON_MAX)

    def clean_reason(self) -> str:
        reason = " ".join(self.cleaned_data["reason"].split())
        if not reason:
            raise forms.ValidationError(_("Please give a reason."))
        return reason


class SignatoryForm(forms.ModelForm):
    class Meta:
        model = Signatory
        fields = ["name", "title", "signature", "position"]
