from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .selectors import open_calls, upcoming_calls


def calls(request: HttpRequest) -> HttpResponse:
    """Every call for nominations that is open now or opens soon."""
    return render(
        request,
        "cohorts/calls.html",
        {"open_calls": list(open_calls()), "upcoming_calls": list(upcoming_calls())},
    )
