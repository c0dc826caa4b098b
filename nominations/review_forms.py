"""Forms of the selection's review: the criteria editor, opening review, an advisor's review
and their conflict-of-interest declaration. The rules live in ``review.py``; these only
parse what was typed."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Criterion, Recommendation, Selection
from .review import CriterionSpec, score_field

NOT_APPLICABLE = "na"
UNANSWERED = ""


class CriterionForm(forms.Form):
    pk = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("What it asks"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown to advisors beside the scores."),
    )
    position = forms.IntegerField(
        label=_("Order"),
        min_value=0,
        max_value=1000,
        required=False,
        help_text=_("Criteria are shown from the lowest number up."),
    )


class BaseCriterionFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        seen: dict[str, forms.Form] = {}
        for form in self.forms:
            if not form.has_changed() and not form.initial:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            name = (form.cleaned_data.get("name") or "").strip().casefold()
            if name and name in seen:
                form.add_error("name", _("Another criterion already has this name."))
            seen[name] = form

    def specs(self) -> list[CriterionSpec]:
        """The criteria to keep and add, in the order typed; blank extra rows are skipped."""
        specs = []
        for index, form in enumerate(self.forms):
            data = form.cleaned_data
            if not data or (self.can_delete and data.get("DELETE")):
                continue
            position = data.get("position")
            specs.append(
                CriterionSpec(
                    pk=data.get("pk"),
                    name=data["name"],
                    description=data.get("description", ""),
                    position=index if position is None else position,
                )
            )
        return specs


def criterion_formset(
    *, data: Any = None, criteria: list[Criterion], can_change_set: bool
) -> BaseCriterionFormSet:
    """The criteria editor: rows can be added and removed only while ``can_change_set``."""
    formset_class = forms.formset_factory(
        CriterionForm,
        formset=BaseCriterionFormSet,
        extra=3 if can_change_set else 0,
        can_delete=can_change_set,
        max_num=50,
        validate_max=True,
    )
    initial = [
        {
            "pk": criterion.pk,
            "name": criterion.name,
            "description": criterion.description,
            "position": criterion.position,
        }
        for criterion in criteria
    ]
    # Rows added or removed by hand-made POSTs after review opened are refused by the service.
    return formset_class(data=data, initial=initial, prefix="criteria")


class OpenReviewForm(forms.Form):
    assignment = forms.ChoiceField(
        label=_("Who reviews which nomination"),
        choices=Selection.Assignment.choices,
        widget=forms.RadioSelect,
    )
    reviewers_per_nomination = forms.IntegerField(
        label=_("Advisors per nomination"),
        min_value=1,
        max_value=20,
        help_text=_("Used when each nomination goes to a balanced share of advisors."),
    )


class ScoreField(forms.Field):
    """A score from 1 to 5, "not applicable" (None), or not answered yet ("").

    Numbers outside the scale pass through: the review service refuses them with the
    message that belongs beside the criterion.
    """

    widget = forms.RadioSelect

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.choices = [(str(value), str(value)) for value in range(1, 6)] + [
            (NOT_APPLICABLE, _("Not applicable"))
        ]

    def to_python(self, value: Any) -> int | str | None:
        value = (value or "").strip() if isinstance(value, str) else value
        if value in (None, UNANSWERED):
            return UNANSWERED
        if value == NOT_APPLICABLE:
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ValidationError(
                _("%(criterion)s: choose a score from 1 to 5, or “not applicable”."),
                code="invalid",
                params={"criterion": self.label},
            ) from None


class ReviewForm(forms.Form):
    """An advisor's review: one score field per criterion, a comment and a recommendation."""

    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Read by the facilitators and, unless the cohort keeps reviews hidden, by the other "
            "advisors once they have submitted theirs."
        ),
    )
    recommendation = forms.ChoiceField(
        label=_("Your recommendation"),
        choices=Recommendation.choices,
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(
        self, *args: Any, criteria: list[Criterion], read_only: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        scores = {}
        for criterion in criteria:
            scores[score_field(criterion.pk)] = ScoreField(
                label=criterion.name, help_text=criterion.description
            )
        # The scores come first on the page, in the criteria's order.
        self.fields = {**scores, **self.fields}
        if read_only:
            for field in self.fields.values():
                field.disabled = True

    def score_fields(self) -> list[forms.BoundField]:
        return [self[score_field(criterion.pk)] for criterion in self.criteria]

    def error_summary(self) -> list[tuple[str, str]]:
        """(field name, what is wrong) for the summary above the form; a score's reasons
        already name their criterion."""
        summary = []
        score_names = {score_field(criterion.pk) for criterion in self.criteria}
        for name, errors in self.errors.items():
            for error in errors:
                if name in score_names or name not in self.fields:
                    summary.append((name, error))
                else:
                    summary.append((name, f"{self.fields[name].label}: {error}"))
        return summary

    def scores(self) -> dict[int, int | None]:
        """The answered criteria: id → 1–5, or None for "not applicable"."""
        answered = {}
        for criterion in self.criteria:
            value = self.cleaned_data.get(score_field(criterion.pk), UNANSWERED)
            if value != UNANSWERED:
                answered[criterion.pk] = value
        return answered

    @staticmethod
    def initial_for(review: Any) -> dict[str, Any]:
        """The form's values for a saved review (its scores prefetched or not)."""
        initial: dict[str, Any] = {
            "comment": review.comment,
            "recommendation": review.recommendation,
        }
        for score in review.scores.all():
            value = score.value
            initial[score_field(score.criterion_id)] = NOT_APPLICABLE if value is None else value
        return initial


class ConflictForm(forms.Form):
    note = forms.CharField(
        label=_("The conflict of interest"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "E.g. “the candidate works in my library”. Your scores are deleted and you no "
            "longer see the other advisors' reviews of this nomination."
        ),
    )
