from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort, validate_cohort_slug


def _label(name: str):
    """The cohort field's own name (already translated), as a label."""
    return capfirst(Cohort._meta.get_field(name).verbose_name)


class NextCohortForm(forms.Form):
    """Next year's name, dates (in the cohort's zone: the view activates it) and size."""

    name = forms.CharField(label=_("Name"), max_length=200)
    slug = forms.SlugField(
        label=_("Address"),
        max_length=80,
        validators=[validate_cohort_slug],
        help_text=_("The last part of the cohort's web address, e.g. metlib-2026."),
    )
    nominations_open_at = forms.DateTimeField(
        label=_("Nominations open"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    nominations_deadline = forms.DateTimeField(
        label=_("Nomination deadline"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    announcement_date = forms.DateField(
        label=_("Results announced"), widget=forms.DateInput(attrs={"type": "date"})
    )
    programme_start = forms.DateField(
        label=_label("programme_start"), widget=forms.DateInput(attrs={"type": "date"})
    )
    programme_end = forms.DateField(
        label=_label("programme_end"), widget=forms.DateInput(attrs={"type": "date"})
    )
    capacity_min = forms.IntegerField(label=_label("capacity_min"), min_value=1, max_value=999)
    capacity_max = forms.IntegerField(label=_label("capacity_max"), min_value=1, max_value=999)
    copy_call = forms.BooleanField(
        label=_("Copy the call: its texts, rules and scoring criteria"), required=False
    )
    copy_themes = forms.BooleanField(label=_("Copy the themes"), required=False)
    carry_team = forms.BooleanField(
        label=_("Carry over the facilitators, advisors and mentors"), required=False
    )
    copy_reminders = forms.BooleanField(label=_("Copy when event reminders go out"), required=False)
    copy_certificate = forms.BooleanField(
        label=_("Copy the certificate: its rule, title, wording, logo and signatories"),
        required=False,
    )

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if Cohort.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("Another cohort has this address."))
        return slug

    def clean(self) -> dict:
        data = super().clean()
        opens, deadline = data.get("nominations_open_at"), data.get("nominations_deadline")
        announced, starts, ends = (
            data.get("announcement_date"),
            data.get("programme_start"),
            data.get("programme_end"),
        )
        if opens and deadline and deadline <= opens:
            self.add_error("nominations_deadline", _("The deadline must come after the opening."))
        if deadline and announced and announced < deadline.date():
            self.add_error(
                "announcement_date", _("The results cannot be announced before the deadline.")
            )
        if announced and starts and starts < announced:
            self.add_error(
                "programme_start", _("The programme cannot start before the results are out.")
            )
        if starts and ends and ends < starts:
            self.add_error("programme_end", _("The programme cannot end before it starts."))
        low, high = data.get("capacity_min"), data.get("capacity_max")
        if low and high and high < low:
            self.add_error("capacity_max", _("The maximum cannot be below the minimum."))
        return data
