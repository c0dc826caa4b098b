"""The nomination form, in sections a nominator can fill in over several visits."""

from django import forms
from django.core.validators import MaxLengthValidator
from django.db.models import Q
from django.utils.functional import lazy
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField

from cohorts import geography
from cohorts.models import Cohort, Library, StipendRule
from metlib.validators import single_line
from metlib.widgets import FastSelect, PlainTextarea

from .models import Nomination, ProjectKind, TravelSupport
from .pipeline import PipelineFilters
from .submission import (
    COMMITMENTS,
    REQUIRED_FOR_SUBMISSION,
    call_of,
    library_eligibility,
    stipend_question_asked,
)

# Longest text accepted per field; shown beside the field and enforced here.
TEXT_LIMITS = {
    "nominator_name": 150,
    "nominator_role": 150,
    "candidate_name": 150,
    "candidate_job_title": 150,
    "candidate_bio": 1500,
    "motivation": 3000,
    "project_title": 200,
    "project_description": 3000,
    "stipend_reason": 1000,
}

SECTIONS = (
    (_("You, the nominator"), ("nominator_name", "nominator_role", "nominator_email")),
    (
        _("The library"),
        (
            "library",
            "new_library_name",
            "new_library_city",
            "new_library_country",
            "new_library_population",
        ),
    ),
    (
        _("The candidate"),
        ("candidate_name", "candidate_job_title", "candidate_email", "candidate_bio"),
    ),
    (_("Motivation"), ("motivation",)),
    (
        _("The project the candidate brings"),
        ("project_kind", "project_title", "project_description"),
    ),
    (_("Themes"), ("themes",)),
    (_("The conference and travel"), ("travel_support", "stipend_conditional", "stipend_reason")),
    (_("Commitments"), COMMITMENTS),
)

YES_NO = (("", _("Choose…")), ("yes", _("Yes")), ("no", _("No")))


def _country_choices() -> list[tuple[str, str]]:
    # A callable, so each form copies a reference rather than 250 translated choices.
    return [("", _("Choose a country")), *countries]


class LibraryChoiceField(forms.ModelChoiceField):
    # The nomination's own library, already loaded: sent back unchanged, it needs no query.
    known: Library | None = None

    def label_from_instance(self, obj: Library) -> str:
        return f"{obj.name} — {obj.city}, {obj.country.name}"

    def to_python(self, value):
        known = self.known
        if known is not None and value not in self.empty_values and str(value) == str(known.pk):
            return known
        return super().to_python(value)


class ThemeChoiceField(forms.ModelMultipleChoiceField):
    # The nomination's own themes, already loaded: sent back unchanged, they need no query.
    known: list | None = None

    def clean(self, value):
        known = self.known
        unchanged = (
            known
            and isinstance(value, list | tuple)
            and {str(v) for v in value} == {str(theme.pk) for theme in known}
        )
        return known if unchanged else super().clean(value)


class NominationForm(forms.ModelForm):
    """Every field of a nomination. Drafts accept anything well-formed; submitting needs all."""

    # Only carried for the view, which recognises a resent form by it; a plain Field never
    # rejects a value, so a mangled token cannot block the draft.
    creation_token = forms.Field(widget=forms.HiddenInput, required=False)
    library = LibraryChoiceField(
        queryset=Library.objects.filter(listed=True).order_by("country", "city", "name"),
        required=False,
        label=_("Choose your library"),
        empty_label=_("My library is not in the list"),
        widget=FastSelect,
        help_text=_("If it is not listed, add it below."),
    )
    new_library_name = forms.CharField(
        label=_("Library name"), max_length=200, required=False, validators=[single_line]
    )
    new_library_city = forms.CharField(
        label=_("City"), max_length=120, required=False, validators=[single_line]
    )
    new_library_country = LazyTypedChoiceField(
        label=_("Country"),
        widget=FastSelect,
        choices=_country_choices,
        required=False,
        error_messages={"invalid_choice": _("Choose a country from the list.")},
    )
    new_library_population = forms.IntegerField(
        label=_("Population of the urban area served"),
        min_value=0,
        max_value=100_000_000,
        required=False,
        help_text=_(
            "A whole number, e.g. 650000. Also fills in the population of a listed library "
            "that has none yet."
        ),
    )
    stipend_conditional = forms.TypedChoiceField(
        label=_("Is participation conditional on a travel stipend?"),
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
    )
    travel_support = forms.ChoiceField(
        label=capfirst(Nomination._meta.get_field("travel_support").verbose_name),
        choices=[("", _("Choose…")), *TravelSupport.choices],
        required=False,
    )

    class Meta:
        model = Nomination
        fields = [
            "nominator_name",
            "nominator_role",
            "nominator_email",
            "candidate_name",
            "candidate_job_title",
            "candidate_email",
            "candidate_bio",
            "motivation",
            "project_kind",
            "project_title",
            "project_description",
            "themes",
            "travel_support",
            "stipend_reason",
            *COMMITMENTS,
        ]
        field_classes = {"themes": ThemeChoiceField}
        widgets = {
            "themes": forms.CheckboxSelectMultiple,
            "candidate_bio": PlainTextarea(attrs={"rows": 5}),
            "motivation": PlainTextarea(attrs={"rows": 8}),
            "project_description": PlainTextarea(attrs={"rows": 8}),
            "stipend_reason": PlainTextarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, cohort: Cohort, submitting: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.cohort = cohort
        self.submitting = submitting
        self.fields["themes"].queryset = cohort.themes.all()
        self.fields["project_kind"].choices = [
            ("", _("Choose…")),
            *self.fields["project_kind"].choices[1:],
        ]
        self._mark_stipend_rule()
        if self.instance.pk:
            if self.instance.library_id:  # a library typed into this draft is not listed yet
                self.fields["library"].queryset = Library.objects.filter(
                    Q(listed=True) | Q(pk=self.instance.library_id)
                ).order_by("country", "city", "name")
            self.fields["library"].initial = self.instance.library_id
            self.fields["library"].known = self.instance.library
            self.fields["themes"].known = list(self.instance.themes.all())
            self.fields["stipend_conditional"].initial = {True: "yes", False: "no"}.get(
                self.instance.stipend_conditional, ""
            )

    def _mark_stipend_rule(self) -> None:
        """Under a rule that gives stipends only to some, say so beside the question, and mark
        the libraries and countries whose nominees may not receive one, for the page's script
        to hide the question when one of them is chosen. The server checks the rule anyway."""
        if self.cohort.stipend_rule == StipendRule.ANYONE:
            return
        self.fields["stipend_conditional"].help_text = _(
            "Only for a nominee whose library is in the Global South: the call gives travel "
            "stipends to them alone."
        )
        may = self.cohort.may_receive_stipend
        self.fields["library"].widget.option_flag = (
            "data-no-stipend",
            lambda value: not may(getattr(value, "instance", None)),
        )
        self.fields["new_library_country"].widget.option_flag = (
            "data-no-stipend",
            lambda code: not geography.geography_of(code).global_south,
        )

    def sections(self):
        """(legend, [bound fields]) for each section of the form, in order."""
        return [(legend, [self[name] for name in names]) for legend, names in SECTIONS]

    def clean_nominator_email(self) -> str:
        return self.cleaned_data["nominator_email"].strip().lower()

    def clean_candidate_email(self) -> str:
        return self.cleaned_data["candidate_email"].strip().lower()

    def clean(self) -> dict:
        data = super().clean()
        self._keep_omitted(data)
        new_library = [data.get(f"new_library_{part}") for part in ("name", "city", "country")]
        if data.get("library") is None and any(new_library):
            for part in ("name", "city", "country", "population"):
                name = f"new_library_{part}"
                if data.get(name) in (None, "") and name not in self.errors:
                    self.add_error(name, _("Needed to add your library."))
        self._check_typed_population(data)
        self._check_stipend_rule(data)
        if data.get("stipend_conditional") is None:
            data["stipend_conditional"] = None
        if self.submitting:
            self._require_everything(data)
        return data

    def _library_of(self, data: dict) -> Library | None:
        """The library chosen, or the one being added (by its country); None while neither."""
        country = data.get("new_library_country")
        return data.get("library") or (Library(country=country) if country else None)

    def _stipend_question_asked(self, data: dict) -> bool:
        return stipend_question_asked(cohort=self.cohort, library=self._library_of(data))

    def _check_stipend_rule(self, data: dict) -> None:
        """The stipend question is for nominees the call's stipend rule allows one."""
        if not data.get("stipend_conditional") or "stipend_conditional" in self.errors:
            return
        if not self._stipend_question_asked(data):
            self.add_error(
                "stipend_conditional",
                _(
                    "The call gives travel stipends only to nominees whose library is in the "
                    "Global South: this nominee may not receive one."
                ),
            )

    def _check_typed_population(self, data: dict) -> None:
        """The call's population rule, applied when a library is typed, not only at Submit."""
        population = data.get("new_library_population")
        if population is None or "new_library_population" in self.errors:
            return
        chosen = data.get("library")
        if chosen is not None and chosen.city_population is not None:
            return  # the population typed is not the one that counts
        name = chosen.name if chosen else (data.get("new_library_name") or "").strip()
        typed = Library(name=name or _("The library"), city_population=population)
        problem = library_eligibility(library=typed, call=call_of(self.cohort))
        if problem:
            self.add_error("new_library_population", problem)

    def _keep_omitted(self, data: dict) -> None:
        """A field left out of the POST altogether keeps what the nomination holds.

        Browsers send every field of the page, so this only matters for a partial or
        hand-made POST; it must not blank a draft. (Unticked boxes are never sent, so
        checkboxes are not "left out".)
        """
        if self.instance.pk is None:
            return
        for name in (*self._meta.fields, "library", "stipend_conditional"):
            if name in self.errors:
                continue
            widget = self.fields[name].widget
            if widget.value_omitted_from_data(self.data, self.files, self.add_prefix(name)):
                data[name] = getattr(self.instance, name)

    def _require_everything(self, data: dict) -> None:
        message = _("Needed before you can submit.")
        for name in REQUIRED_FOR_SUBMISSION:
            if name == "stipend_conditional" and not self._stipend_question_asked(data):
                continue
            if name == "library":
                if data.get("library") is None and not data.get("new_library_name"):
                    self.add_error("library", message)
            elif data.get(name) in (None, "") and name not in self.errors:
                self.add_error(name, message)
        if data.get("stipend_conditional") and not (data.get("stipend_reason") or "").strip():
            self.add_error("stipend_reason", message)
        if not data.get("themes") and "themes" not in self.errors:
            self.add_error("themes", _("Choose at least one theme before you submit."))
        for name in COMMITMENTS:
            if not data.get(name):
                self.add_error(name, _("Every commitment is needed before you can submit."))

    def themes_changed(self) -> bool:
        """Whether the themes need writing: chosen, and not what the nomination holds."""
        return "themes" in self.cleaned_data and "themes" in self.changed_data

    def save(self, commit: bool = True) -> Nomination:
        # Forms validate; nominations.drafts.write saves (the typed library included).
        raise NotImplementedError("save a nomination form with nominations.drafts.write")


def _help_with_limit(help_text: str, limit: int) -> str:
    note = gettext("Up to %(limit)s characters.") % {"limit": f"{limit:,}"}
    return f"{help_text} {note}".strip()


def _set_limits(fields: dict[str, forms.Field]) -> None:
    """Once, on the class: every field optional (a draft may hold anything well-formed; see
    ``_require_everything``), and each text field's limit said once, beside the field and in
    its counter. Each form copies these fields, so no request pays for this."""
    for field in fields.values():
        field.required = False
    for name, limit in TEXT_LIMITS.items():
        field = fields[name]
        field.max_length = limit
        # One limit, said once: drop the model's own length check before adding ours.
        field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
        field.validators.append(MaxLengthValidator(limit))
        # No maxlength: a browser would cut a long paste silently; the server refuses it with
        # a message instead, and keeps the text for the person to shorten.
        field.widget.attrs.update({"data-counter": str(limit)})
        field.help_text = lazy(_help_with_limit, str)(field.help_text, limit)


_set_limits(NominationForm.base_fields)


# --- The facilitator's pipeline --------------------------------------------------------------

UNKNOWN_FILTER = _("We do not know “%(value)s”, so this filter is left out.")


def _region_choices() -> list:
    continents = geography.continents()
    return [
        ("", _("Any region")),
        (_("Continents"), [(name, geography.region_name(name)) for name in continents]),
        (
            _("Sub-regions (UN M49)"),
            [
                (name, geography.region_name(name))
                for name in geography.subregions()
                if name not in continents
            ],
        ),
    ]


class PipelineFilterForm(forms.Form):
    """The pipeline's filters, read from the query string. A value we do not know leaves its
    filter out and says so beside it; the other filters still apply."""

    q = forms.CharField(
        label=_("Search"),
        max_length=200,
        required=False,
        help_text=_("Names, emails, library, city or project title."),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Any status")), *Nomination.Status.choices],
        required=False,
        error_messages={"invalid_choice": UNKNOWN_FILTER},
    )
    country = forms.ChoiceField(
        label=_("Country"), required=False, error_messages={"invalid_choice": UNKNOWN_FILTER}
    )
    region = forms.ChoiceField(
        label=_("Region"),
        choices=_region_choices,
        required=False,
        error_messages={"invalid_choice": UNKNOWN_FILTER},
    )
    project_kind = forms.ChoiceField(
        label=_("Kind of project"),
        choices=[("", _("Any kind")), *ProjectKind.choices],
        required=False,
        error_messages={"invalid_choice": UNKNOWN_FILTER},
    )
    stipend = forms.ChoiceField(
        label=_("Conditional on a stipend"),
        choices=[("", _("Either")), ("yes", _("Yes")), ("no", _("No"))],
        required=False,
        error_messages={"invalid_choice": UNKNOWN_FILTER},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Country names in the language of this request.
        self.fields["country"].choices = [("", _("Any country")), *countries]

    def filters(self) -> PipelineFilters:
        """The filters whose values are valid; call after ``is_valid()``."""
        data = self.cleaned_data
        return PipelineFilters(
            status=data.get("status", ""),
            country=data.get("country", ""),
            region=data.get("region", ""),
            project_kind=data.get("project_kind", ""),
            stipend={"yes": True, "no": False}.get(data.get("stipend", "")),
            search=data.get("q", ""),
        )
