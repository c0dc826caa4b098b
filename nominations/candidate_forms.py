"""The candidate's answer on their confirmation page: validated here, written by
nominations.candidate."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .candidate import CORRECTION_MAX_LENGTH, Answer


class CandidateAnswerForm(forms.Form):
    """Confirm (with the box ticked), decline, or ask for a correction (saying what)."""

    answer = forms.ChoiceField(
        choices=[(answer.value, answer.value) for answer in Answer], required=False
    )
    agree = forms.BooleanField(required=False)
    correction = forms.CharField(
        label=_("What should be corrected?"),
        max_length=CORRECTION_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The person who nominated you reads this and can change the nomination."),
    )
    # The fingerprint of the nomination as the page showed it (candidate.fingerprint).
    seen = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # No maxlength in the page: a browser would cut a long paste without a word; the
        # server refuses it instead and says by how much it is over.
        self.fields["correction"].widget.attrs.pop("maxlength", None)

    def clean(self) -> dict:
        data = super().clean()
        # A POST without a choice is the confirmation form's (as sent before there were three).
        data["answer"] = Answer(data.get("answer") or Answer.CONFIRM)
        if data["answer"] == Answer.CONFIRM and not data.get("agree"):
            self.add_error("agree", _("Tick the box to confirm."))
        if data["answer"] == Answer.CORRECT and not (data.get("correction") or "").strip():
            self.add_error("correction", _("Say what should be corrected."))
        return data
