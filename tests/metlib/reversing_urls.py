"""A second URLconf for tests/metlib/test_reversing.py: the same name at another path."""

from django.http import HttpResponse
from django.urls import path


def _page(request, **kwargs):
    return HttpResponse("")


urlpatterns = [path("elsewhere/<slug:cohort_slug>/", _page, name="home")]
