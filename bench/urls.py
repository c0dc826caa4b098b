"""The bench-only URLconf: every production URL, plus ``bench/bare/``, the baseline view.

The bench selects it with ROOT_URLCONF=bench.urls; metlib.urls never includes it, so nothing
here is reachable in production.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from metlib import urls as site_urls


def bare(request: HttpRequest) -> HttpResponse:
    """The least a Django view can do: the baseline every web scenario is compared with."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare, name="bench-bare"), *site_urls.urlpatterns]

for _handler in ("handler400", "handler403", "handler404", "handler500"):
    if hasattr(site_urls, _handler):
        globals()[_handler] = getattr(site_urls, _handler)
