"""The facilitator's calendar forms: a schedule from a rule, and one event added or moved.

Times are typed in the cohort's zone (or, for the rule, the zone the facilitator chooses);
every refusal is shown beside its field and every value typed is kept.
"""

from datetime import date, datetime, time, timedelta

from django import forms
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort
from metlib.forms import TimeZoneInput
from nominations.facilitator_forms import CohortLocalDateTimeField

from . import schedule
from .models import Event

NTH_CHOICES = [(str(nth), label) for nth, label in schedule.ORDINALS.items()]
WEEKDAY_CHOICES = [(str(number), name) for number, name in WEEKDAYS.items()]
MONTH_CHOICES = [(str(number), name) for number, name in MONTHS.items()]


class MonthField(forms.DateField):
    """A month typed as YYYY-MM (a browser's month picker); the first of the month."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m", "%Y-%m-%d"]
    default_error_messages = {"invalid": _("Enter a month as YYYY-MM, e.g. 2024-04.")}

    def to_python(self, value: object) -> date | None:
        day = super().to_python(value)
        return day.replace(day=1) if day else None


class RuleForm(forms.Form):
    nth = forms.TypedChoiceField(label=_("Which one"), choices=NTH_CHOICES, coerce=int)
    weekday = forms.TypedChoiceField(
        label=_("Day of the week"), choices=WEEKDAY_CHOICES, coerce=int
    )
    time = forms.TimeField(
        label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    zone = forms.CharField(
        label=_("Time zone"),
        max_length=64,
        widget=TimeZoneInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("The time above is the local time in this zone, all year round."),
    )
    duration = forms.IntegerField(
        label=_("Length in minutes"), min_value=5, max_value=24 * 60, initial=120
    )
    first_month = MonthField(label=_("First month"))
    last_month = MonthField(label=_("Last month"))
    skip_months = forms.TypedMultipleChoiceField(
        label=_("Months to skip"),
        choices=MONTH_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Event.Kind.choices)
    title_pattern = forms.CharField(
        label=_("Title"),
        max_length=150,
        help_text=_("{n} becomes the session's number and {month} its month."),
    )

    def __init__(self, *args, cohort: Cohort, **kwargs) -> None:
        kwargs.setdefault(
            "initial",
            {
                "nth": "2",
                "weekday": "1",
                "time": time(9, 0),
                "zone": cohort.time_zone,
                "duration": 120,
                "first_month": cohort.programme_start,
                "last_month": cohort.programme_end,
                "kind": Event.Kind.MONTHLY,
                "title_pattern": _("Monthly session {n}"),
            },
        )
        super().__init__(*args, **kwargs)
        self.cohort = cohort
        self.rule: schedule.Rule | None = None

    def clean_zone(self) -> str:
        return self.cleaned_data["zone"].strip()

    def clean(self) -> dict:
        data = super().clean()
        names = ("nth", "weekday", "time", "zone", "duration", "first_month", "last_month")
        if any(name not in data for name in names):
            return data  # the field's own message is beside it already
        rule = schedule.Rule(
            nth=data["nth"],
            weekday=data["weekday"],
            time=data["time"],
            zone=data["zone"],
            first_month=data["first_month"],
            last_month=data["last_month"],
            skip_months=frozenset(data.get("skip_months") or ()),
            duration=timedelta(minutes=data["duration"]),
        )
        try:
            dates = schedule.dates_for(rule)
            if "title_pattern" in data:
                schedule.title_for(data["title_pattern"], number=1, occurrence=dates[0])
        except schedule.RuleProblem as problem:
            self.add_error(problem.field, problem.message)
            return data
        self.rule = rule
        return data


class EventTimesForm(forms.Form):
    """When one event starts and ends, in the cohort's zone."""

    starts_at = CohortLocalDateTimeField(label=_("Starts"))
    ends_at = CohortLocalDateTimeField(label=_("Ends"))

    def __init__(self, *args, cohort: Cohort, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.cohort = cohort
        note = _("Local time in the cohort's time zone, %(zone)s.") % {"zone": cohort.time_zone}
        for name in ("starts_at", "ends_at"):
            self.fields[name].zone = cohort.zone
            self.fields[name].help_text = note

    def clean(self) -> dict:
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if isinstance(starts, datetime) and isinstance(ends, datetime) and ends <= starts:
            self.add_error("ends_at", _("The end must come after the start."))
        return data


class AddEventForm(EventTimesForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Event.Kind.choices)

    field_order = ["title", "kind", "starts_at", "ends_at"]
