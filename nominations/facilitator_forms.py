"""Forms of the facilitator's side of nominations: the call editor and letting one in late.

(The pipeline's filter form lives in ``forms.py`` beside the nomination form.)
"""

from django import forms
from django.utils.html import format_html
from django.utils.translation import get_language_info, ngettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from cohorts.models import Cohort, Theme
from cohorts.themes import MAX_THEMES, theme_translation, themes_kept_in_use
from metlib.forms import ZonedDateTimeField

from .call_texts import given
from .models import Call
from .translation import CALL_TEXTS


class CallDatesForm(forms.ModelForm):
    """The cohort's nomination opening and deadline (local to the cohort) and announcement."""

    class Meta:
        model = Cohort
        fields = [
            "nominations_open_at",
            "nominations_deadline",
            "announcement_date",
            "main_language",
        ]
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
        self.fields["main_language"].required = False  # not given: it stays as it is

    def clean_main_language(self) -> str:
        return self.cleaned_data["main_language"] or self.instance.main_language

    def clean(self) -> dict:
        data = super().clean()
        deadline, announced = data.get("nominations_deadline"), data.get("announcement_date")
        if deadline and announced and announced < deadline.astimezone(self.instance.zone).date():
            self.add_error(
                "announcement_date", _("Results cannot be announced before the deadline.")
            )
        return data


class CallForm(forms.ModelForm):
    """Every word of the public call page in one language (``language``, by default the
    call's main one); in the main language also the rules nominations must meet. A text left
    empty in another language is shown in the main language."""

    REQUIRED_TEXTS = ("introduction", "eligibility", "requirements")
    ROWS = {"introduction": 6, "programme": 5, "timeline": 6, "eligibility": 4, "requirements": 4}

    class Meta:
        model = Call
        fields = [
            "contact_name",
            "contact_email",
            "min_city_population",
            "nominations_per_library",
            "working_language",
        ]

    def __init__(self, *args, language: str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        main_language = self.instance.cohort.main_language
        self.language = language or main_language
        self.is_main = self.language == main_language
        direction = "rtl" if get_language_info(self.language)["bidi"] else "ltr"
        texts = {}
        for name in CALL_TEXTS:
            model_field = Call._meta.get_field(name)
            texts[name] = forms.CharField(
                label=model_field.verbose_name,
                help_text=model_field.help_text,
                required=self.is_main and name in self.REQUIRED_TEXTS,
                initial=given(self.instance, name, self.language),
                widget=forms.Textarea(
                    attrs={"rows": self.ROWS.get(name, 3), "lang": self.language, "dir": direction}
                ),
            )
        # Another language's form holds its texts only; the rules are the main form's.
        self.fields = {**texts, **self.fields} if self.is_main else texts
        self.fields.update(self._theme_fields(direction))

    def _theme_fields(self, direction: str) -> dict[str, forms.Field]:
        """In the main language the list of themes, one per line; in another, each theme's
        name in it, beside the main one."""
        themes = list(self.instance.cohort.themes.all()) if self.instance.cohort_id else []
        main_language = self.instance.cohort.main_language if self.instance.cohort_id else ""
        attrs = {"lang": self.language, "dir": direction}
        if self.is_main:
            return {
                "themes": forms.CharField(
                    label=_("Themes"),
                    required=False,
                    initial="\n".join(theme.name for theme in themes),
                    help_text=ngettext_lazy(
                        "One per line, in the order the call lists them; at most %(count)s. "
                        "Nominators choose among them.",
                        "One per line, in the order the call lists them; at most %(count)s. "
                        "Nominators choose among them.",
                        MAX_THEMES,
                    )
                    % {"count": MAX_THEMES},
                    widget=forms.Textarea(attrs={"rows": max(len(themes), 4), **attrs}),
                )
            }
        return {
            f"theme_{theme.pk}": forms.CharField(
                # The main language's name, kept in its own direction inside any page's.
                label=format_html('<bdi lang="{}">{}</bdi>', main_language, theme.name),
                required=False,
                max_length=Theme._meta.get_field("name").max_length,
                initial=theme_translation(theme, self.language),
                widget=forms.TextInput(attrs=attrs),
            )
            for theme in themes
        }

    @property
    def text_fields(self) -> list:
        return [field for field in self if not field.name.startswith("theme")]

    @property
    def theme_fields(self) -> list:
        return [field for field in self if field.name.startswith("theme")]

    def clean_themes(self) -> list[str] | None:
        if self.add_prefix("themes") not in self.data:
            return None  # not sent (an older page, a script): the themes stay as they are
        names = [" ".join(line.split()) for line in self.cleaned_data["themes"].splitlines()]
        names = [name for name in names if name]
        limit = Theme._meta.get_field("name").max_length
        errors = []
        if len(names) > MAX_THEMES:
            errors.append(
                ngettext("At most %(count)s theme.", "At most %(count)s themes.", MAX_THEMES)
                % {"count": MAX_THEMES}
            )
        errors += [
            _("“%(name)s” is longer than %(limit)s characters.") % {"name": name, "limit": limit}
            for name in names
            if len(name) > limit
        ]
        seen: set[str] = set()
        for name in names:
            if name.casefold() in seen:
                errors.append(_("“%(name)s” is listed twice.") % {"name": name})
            seen.add(name.casefold())
        errors += [
            _("“%(name)s” cannot be removed: nominations or sessions use it.") % {"name": t.name}
            for t in themes_kept_in_use(cohort=self.instance.cohort, names=names)
        ]
        if errors:
            raise forms.ValidationError(errors)
        return names

    def theme_names(self) -> list[str] | None:
        """The themes typed in the main language; None when they are to stay as they are."""
        return self.cleaned_data.get("themes") if self.is_main else None

    def theme_translations(self) -> dict[int, str]:
        """Each theme's name typed in this language, by theme id (none on the main form)."""
        prefix = "theme_"
        return {
            int(name.removeprefix(prefix)): value
            for name, value in self.cleaned_data.items()
            if name.startswith(prefix) and name != "themes"
        }

    def save(self, commit: bool = True) -> Call:
        for name in CALL_TEXTS:
            column = build_localized_fieldname(name, self.language)
            setattr(self.instance, column, self.cleaned_data[name].strip())
        if not self.is_main:
            if commit:
                self.instance.save()
            return self.instance
        return super().save(commit=commit)


class LateAdmissionForm(forms.Form):
    note = forms.CharField(
        label=_("Why it is let in late"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept with the nomination, e.g. “the nominator wrote on the day”."),
    )
