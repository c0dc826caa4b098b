"""The calendar feed answered before the middleware that serve people, not calendar apps."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve, reverse
from django.utils import translation

from . import feed_views


class FeedShortcutMiddleware:
    """Calendar apps poll the secret feed address again and again, without cookies; its view
    reads no session, user, message, CSRF token or browser language (the owner's profile
    decides the language, :func:`sessions.feeds.feed_language`). Placed after the security
    middleware and before the session one, this answers the feed address itself, so a poll
    does not pay for what it never uses; every other address goes on down the chain."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.prefix: str | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.prefix is None:
            sample = reverse("feeds:feed", kwargs={"person_id": 0, "secret": "s"})
            self.prefix = sample[: sample.index("/0/") + 1]
        if request.path_info.startswith(self.prefix):
            try:
                match = resolve(request.path_info)
            except Resolver404:
                match = None
            if match is not None and match.func is feed_views.feed:
                request.resolver_match = match
                # The site's language while nothing else chose one (the view writes the
                # body in the owner's).
                with translation.override(settings.LANGUAGE_CODE):
                    response = match.func(request, *match.args, **match.kwargs)
                # What XFrameOptionsMiddleware, further down, would have set.
                response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
                return response
        return self.get_response(request)
