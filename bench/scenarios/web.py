"""The baseline of every web scenario: a bare Django view on the same gunicorn."""

from ..context import Context
from ..load import HttpRequest
from ..registry import Measurement, scenario

BARE_VIEW = "bare view"


@scenario(BARE_VIEW)
def bare_view(ctx: Context) -> Measurement:
    request = HttpRequest("GET", "/bench/bare/")
    ctx.check(request, contains="ok")
    return ctx.http(request)


@scenario("bare view, signed in", baseline=BARE_VIEW)
def bare_view_signed_in(ctx: Context) -> Measurement:
    """No target: the floor of every signed-in page. The middleware loads the session and
    the user for every request (metlib.middleware reads the user's time zone and language)."""
    request = HttpRequest("GET", "/bench/bare/", cookies=ctx.seed.nominator_cookies)
    ctx.check(request, contains="ok")
    return ctx.http(request)
