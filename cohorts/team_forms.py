from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Role

# The team's roles as a form's choices read: capitalised. Role's own labels stay lowercase,
# since pages and messages use them mid-sentence ("%(email)s is advisor of this cohort").
ROLE_CHOICES = {
    Role.FACILITATOR: pgettext_lazy("role, as a choice in a form", "Facilitator"),
    Role.ADVISOR: pgettext_lazy("role, as a choice in a form", "Advisor"),
    Role.MENTOR: pgettext_lazy("role, as a choice in a form", "Mentor"),
}


class AppointForm(forms.Form):
    """Whom to add to the team, by email, and in which role (the roles offered are the ones
    the person adding may give)."""

    email = forms.EmailField(label=_("Email"), max_length=254)
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args, roles: list[Role], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(role.value, ROLE_CHOICES[role]) for role in roles]
