"""The facilitator's calendar forms: a schedule from a rule, and one event added or moved.

Times are typed in the cohort's zone (or, for the rule, the zone the facilitator chooses);
every refusal is shown beside its field and every value typed is kept.
"""

import zoneinfo
from datetime import date, datetime, time, timedelta

from django import forms
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort
from metlib.forms import TimeZoneInput, ZonedDateTimeField
from metlib.validators import single_line

from . import schedule
from .models import Event, GuestSpeaker, PreparationItem
from .reminders import MAX_OFFSET, MIN_OFFSET, OffsetsProblem, check_offsets

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
        validators=[single_line],
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
        self.fields["mentoring_group"] = group_field(cohort)
        self.order_fields(
            [*(name for name in self.fields if name != "title_pattern"), "title_pattern"]
        )

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


def group_field(cohort: Cohort) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Mentoring group"),
        queryset=cohort.mentoring_groups.order_by("name"),
        required=False,
        empty_label=_("The whole cohort"),
        help_text=_("A group's sessions are for that group and its mentor only."),
    )


def _zone_named(name: str) -> zoneinfo.ZoneInfo | None:
    try:
        return schedule.zone_of(name.strip()) if name and name.strip() else None
    except schedule.RuleProblem:
        return None


class EventTimesForm(forms.Form):
    """When one event starts and ends, typed in the event's own zone (else the cohort's).

    Moving an event (``event`` given) keeps its length when only the start is changed.
    """

    starts_at = ZonedDateTimeField(label=_("Starts"))
    ends_at = ZonedDateTimeField(label=_("Ends"))

    def __init__(self, *args, cohort: Cohort, event: Event | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.cohort = cohort
        self.event = event
        zone_name = event.zone_name if event is not None else cohort.time_zone
        self.set_zone(zone_name)

    def set_zone(self, zone_name: str) -> None:
        zone = _zone_named(zone_name) or self.cohort.zone
        note = _("Local time in %(zone)s.") % {"zone": zone.key}
        for name in ("starts_at", "ends_at"):
            self.fields[name].zone = zone
            self.fields[name].help_text = note

    def clean(self) -> dict:
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        event = self.event
        if (
            event is not None
            and isinstance(starts, datetime)
            and ends == event.ends_at
            and starts != event.starts_at
        ):
            # Only the start changed: the event keeps its length.
            ends = data["ends_at"] = starts + event.duration
        if isinstance(starts, datetime) and isinstance(ends, datetime) and ends <= starts:
            self.add_error("ends_at", _("The end must come after the start."))
        return data


class AddEventForm(EventTimesForm):
    title = forms.CharField(label=_("Title"), max_length=200, validators=[single_line])
    kind = forms.ChoiceField(label=_("Kind"), choices=Event.Kind.choices)
    time_zone = forms.CharField(
        label=_("Time zone"),
        max_length=64,
        required=False,
        widget=TimeZoneInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("Where the event takes place, if not in the cohort's zone."),
    )

    field_order = ["title", "kind", "mentoring_group", "time_zone", "starts_at", "ends_at"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mentoring_group"] = group_field(self.cohort)
        self.order_fields(self.field_order)
        # The times are read in the zone typed beside them.
        self.set_zone(self.data.get(self.add_prefix("time_zone"), "") or self.cohort.time_zone)

    def clean_time_zone(self) -> str:
        name = self.cleaned_data["time_zone"].strip()
        if name:
            try:
                schedule.zone_of(name)
            except schedule.RuleProblem as problem:
                raise forms.ValidationError(problem.message) from problem
        return "" if name == self.cohort.time_zone else name


class ChangeNoticeForm(forms.Form):
    """Who is told of a move, cancellation or restoration, and what the facilitator adds."""

    note = forms.CharField(
        label=_("Message to the people told (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    notify = forms.ChoiceField(
        label=_("Mail"),
        choices=[("yes", _("Mail everyone concerned")), ("no", _("Mail nobody"))],
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, past: bool, **kwargs) -> None:
        # A past event's change mails nobody unless asked.
        kwargs.setdefault("initial", {"notify": "no" if past else "yes"})
        super().__init__(*args, **kwargs)
        self.past = past

    def clean_notify(self) -> bool:
        value = self.cleaned_data.get("notify")
        return value == "yes" if value else not self.past


ACCEPTED_FILES = ".pdf,.docx,.png,.jpg,.jpeg"


class EventDetailsForm(forms.ModelForm):
    """What the facilitator may change about an event besides its time."""

    video_url = forms.URLField(
        label=_("Video link"), required=False, max_length=200, assume_scheme="https"
    )

    class Meta:
        model = Event
        fields = ["title", "theme", "description", "video_url", "place"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = self.instance.cohort.themes.order_by("position", "pk")
        self.fields["title"].strip = True

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(_("Give the event a title."))
        return title


class GuestSpeakerForm(forms.ModelForm):
    class Meta:
        model = GuestSpeaker
        fields = ["name", "affiliation"]


class PreparationItemForm(forms.ModelForm):
    url = forms.URLField(label=_("Link"), required=False, max_length=200, assume_scheme="https")
    minutes = forms.IntegerField(
        label=_("Estimated minutes"), required=False, min_value=1, max_value=24 * 60
    )
    position = forms.IntegerField(label=_("Order"), required=False, min_value=0, max_value=999)

    class Meta:
        model = PreparationItem
        fields = ["title", "url", "file", "minutes", "position"]
        widgets = {"file": forms.ClearableFileInput(attrs={"accept": ACCEPTED_FILES})}

    def clean_position(self) -> int:
        return self.cleaned_data.get("position") or 0

    def clean(self) -> dict:
        data = super().clean()
        url, upload = data.get("url"), data.get("file")
        if url and upload:
            self.add_error("url", _("Give a link or a file, not both."))
        return data


SPEAKERS_MAX = 20
PREPARATION_MAX = 20

GuestSpeakerFormSet = forms.inlineformset_factory(
    Event,
    GuestSpeaker,
    form=GuestSpeakerForm,
    extra=2,
    can_delete=True,
    max_num=SPEAKERS_MAX,
    validate_max=True,
)
PreparationFormSet = forms.inlineformset_factory(
    Event,
    PreparationItem,
    form=PreparationItemForm,
    extra=2,
    can_delete=True,
    max_num=PREPARATION_MAX,
    validate_max=True,
)


OFFSET_UNITS = {"hours": timedelta(hours=1), "days": timedelta(days=1)}
OFFSET_ROWS = 3


class ReminderOffsetsForm(forms.Form):
    """Up to three reminders, each a number of hours or days before the event; empty rows
    are left out."""

    def __init__(self, *args, offsets: tuple[timedelta, ...], **kwargs) -> None:
        initial = {}
        for row, offset in enumerate(offsets, start=1):
            unit = "days" if offset % OFFSET_UNITS["days"] == timedelta(0) else "hours"
            initial[f"amount_{row}"] = offset // OFFSET_UNITS[unit]
            initial[f"unit_{row}"] = unit
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        for row in range(1, OFFSET_ROWS + 1):
            self.fields[f"amount_{row}"] = forms.IntegerField(
                label=_("Reminder %(number)d: how long before") % {"number": row},
                required=False,
                min_value=1,
                max_value=720,
            )
            self.fields[f"unit_{row}"] = forms.ChoiceField(
                label=_("Reminder %(number)d: unit") % {"number": row},
                choices=[("hours", _("hours")), ("days", _("days"))],
                initial="days",
            )
        self.offsets: tuple[timedelta, ...] = ()

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"amount_{row}"], self[f"unit_{row}"]) for row in range(1, OFFSET_ROWS + 1)]

    def clean(self) -> dict:
        data = super().clean()
        offsets = []
        for row in range(1, OFFSET_ROWS + 1):
            amount, unit = data.get(f"amount_{row}"), data.get(f"unit_{row}")
            if amount is None or unit not in OFFSET_UNITS:
                continue
            offset = amount * OFFSET_UNITS[unit]
            if not MIN_OFFSET <= offset <= MAX_OFFSET:
                self.add_error(
                    f"amount_{row}", _("A reminder comes 1 hour to 30 days before the event.")
                )
            offsets.append(offset)
        if self.errors:
            return data
        try:
            self.offsets = check_offsets(offsets)
        except OffsetsProblem as problem:
            self.add_error("amount_1", problem.message)
        return data
