"""The calendar feed answered before the middleware that serve people, not calendar apps."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import ResolverMatch, resolve, reverse
from django.urls.resolvers import RoutePattern
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
        self.route: RoutePattern | None = None
        self.looked = False

    def _feed_route(self) -> RoutePattern | None:
        """The feed's whole route, as the URLconf resolves a feed address: matching it alone
        costs a fraction of resolving the address against every pattern. The patterns listed
        before it answer other prefixes (metlib/urls.py); None, and every address goes down
        the chain, if a feed address does not resolve to the feed view."""
        sample = reverse("feeds:feed", kwargs={"person_id": 0, "secret": "s"})
        match = resolve(sample)
        if match.func is not feed_views.feed:
            return None
        return RoutePattern(match.route, name=match.url_name, is_endpoint=True)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.looked:
            self.route, self.looked = self._feed_route(), True
        found = self.route.match(request.path_info.removeprefix("/")) if self.route else None
        if found is None:
            return self.get_response(request)
        _rest, args, kwargs = found
        request.resolver_match = ResolverMatch(
            feed_views.feed,
            args,
            kwargs,
            url_name="feed",
            app_names=["feeds"],
            namespaces=["feeds"],
            route=str(self.route),
        )
        # The site's language while nothing else chose one (the view writes the body in the
        # owner's).
        with translation.override(settings.LANGUAGE_CODE):
            response = feed_views.feed(request, *args, **kwargs)
        # What XFrameOptionsMiddleware, further down, would have set.
        response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        return response
