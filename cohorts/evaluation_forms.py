"""The evaluation's two forms: a participant's answer and the facilitator's opening.

Every limit is checked here, beside its field, and again by :mod:`cohorts.evaluation`.
"""

from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from metlib.forms import ZonedDateTimeField

from .evaluation import QUESTIONS
from .evaluation_models import RECOMMEND_MAX, TEXT_LIMIT
from .models import Cohort


def _recommend_choices() -> list[tuple[str, Any]]:
    labels = {0: _("0 – not at all likely"), RECOMMEND_MAX: _("10 – extremely likely")}
    return [(str(value), labels.get(value, str(value))) for value in range(RECOMMEND_MAX + 1)]


class AnswerForm(forms.Form):
    """The four questions. Radio buttons in a fieldset whose legend is the question."""

    recommend = forms.TypedChoiceField(
        label=_("How likely are you to recommend the programme to a colleague?"),
        help_text=_("From 0 (not at all likely) to 10 (extremely likely)."),
        choices=_recommend_choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a number from 0 to 10.")},
    )
    valued_most = forms.CharField(required=False)
    to_change = forms.CharField(required=False)
    comments = forms.CharField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        note = _("Optional. Up to %(limit)s characters.") % {"limit": f"{TEXT_LIMIT:,}"}
        for name, question in QUESTIONS:
            field = self.fields[name]
            field.label = question
            field.help_text = note
            field.strip = True
            field.validators.append(MaxLengthValidator(TEXT_LIMIT))
            field.widget = forms.Textarea(
                attrs={"rows": 5, "maxlength": str(TEXT_LIMIT), "data-counter": str(TEXT_LIMIT)}
            )


class OpenForm(forms.Form):
    """Open, reopen or move the deadline of the evaluation; the time is the cohort's."""

    closes_at = ZonedDateTimeField(label=_("Deadline"), required=False)

    def __init__(self, *args: Any, cohort: Cohort, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["closes_at"].zone = cohort.zone
        self.fields["closes_at"].help_text = _(
            "Local time in the cohort's time zone, %(zone)s. Leave empty to keep it open "
            "until you close it."
        ) % {"zone": cohort.time_zone}


class RemindForm(forms.Form):
    """Which button was pressed: remind in this round, or start a new round."""

    new_round = forms.BooleanField(required=False)
