"""The certificates' pages: the facilitator's (eligibility, names, issuing, the ZIP), the
participant's own, and the public verification page."""

from django.urls import path

app_name = "certificates"

urlpatterns: list = [
    # Helpers add their paths here.
]
