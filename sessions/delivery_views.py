"""A person's choice of how the calendar reaches them (on the subscribe page)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .models import CalendarDelivery


class DeliveryForm(forms.Form):
    choice = forms.ChoiceField(
        label=gettext_lazy("calendar by"), choices=CalendarDelivery.Choice.choices
    )


def delivery_of(*, person) -> str:
    """The person's choice (the subscription only, until they choose otherwise)."""
    row = CalendarDelivery.objects.filter(person=person).first()
    return row.choice if row else CalendarDelivery.Choice.FEED


def choose_delivery(*, person, choice: str) -> CalendarDelivery:
    """Record how the calendar should reach ``person`` from the next change on."""
    row, _created = CalendarDelivery.objects.update_or_create(
        person=person, defaults={"choice": choice}
    )
    return row


@login_required
@require_POST
def delivery(request: HttpRequest) -> HttpResponse:
    form = DeliveryForm(request.POST)
    if form.is_valid():
        choose_delivery(person=request.user, choice=form.cleaned_data["choice"])
        messages.success(request, _("Your choice is saved: it applies from the next change on."))
    else:
        messages.error(request, _("Choose one of the three ways."))
    return redirect(f"{reverse('feeds:subscribe')}#delivery")
