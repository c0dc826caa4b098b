from django import forms
from django.utils.translation import gettext_lazy as _


class AppointForm(forms.Form):
    """Whom to add to the team, by email, and in which role (the roles offered are the ones
    the person adding may give)."""

    email = forms.EmailField(label=_("Email"), max_length=254)
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args, roles: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = roles
