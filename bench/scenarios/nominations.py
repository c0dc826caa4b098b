"""The nominator's form and the facilitator's pipeline (the Nominations issue's targets)."""

import re
from urllib.parse import urlencode

from ..context import Context, ScenarioFailed
from ..load import HttpRequest
from ..registry import Measurement, Result, Unavailable, scenario
from ..seed import PIPELINE_SIZE
from .web import BARE_VIEW

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@scenario("nomination form GET", baseline=BARE_VIEW, target=0.20)
def form_get(ctx: Context) -> Measurement:
    """A signed-in nominator opens a new nomination form ("?new": the seed's nominator has a
    draft, and Nominate alone takes a returning nominator back to it)."""
    request = HttpRequest(
        "GET", f"/calls/{ctx.seed.cohort_slug}/nominate/?new", cookies=ctx.seed.nominator_cookies
    )
    ctx.check(request, contains='name="candidate_name"')
    return ctx.http(request)


@scenario("nomination draft save POST", baseline=BARE_VIEW, target=0.05)
def draft_save_post(ctx: Context) -> Measurement:
    """The nominator saves their draft unchanged ("Save draft"), a valid POST that redirects."""
    path = f"/nominations/{ctx.seed.draft_pk}/edit/"
    page = ctx.check(HttpRequest("GET", path, cookies=ctx.seed.nominator_cookies))
    token = CSRF_FIELD.search(page.body)
    csrf_cookie = page.cookies().get("csrftoken")
    if token is None or csrf_cookie is None:
        raise ScenarioFailed(f"GET {path} gave no CSRF token")
    body = urlencode(
        [*ctx.seed.draft_form_data, ("csrfmiddlewaretoken", token[1]), ("save", "1")]
    ).encode()
    request = HttpRequest(
        "POST",
        path,
        cookies={**ctx.seed.nominator_cookies, "csrftoken": csrf_cookie},
        body=body,
        expect_status=302,
    )
    answer = ctx.check(request)
    if answer.headers.get("Location") != path:
        raise ScenarioFailed(f"POST {path} redirected to {answer.headers.get('Location')!r}")
    return ctx.http(request)


@scenario(f"pipeline page, {PIPELINE_SIZE} nominations", baseline=BARE_VIEW, target=0.03)
def pipeline_page(ctx: Context) -> Result:
    """The facilitator opens the cohort's nomination pipeline."""
    request = HttpRequest(
        "GET",
        f"/cohorts/{ctx.seed.cohort_slug}/nominations/",
        cookies=ctx.seed.facilitator_cookies,
    )
    answer = ctx.fetch(request)
    if answer.status == 404:
        return Unavailable(f"not available: GET {request.path} answers 404 (no pipeline view yet)")
    ctx.check(request)
    return ctx.http(request)
