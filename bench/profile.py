"""``python -m bench.profile``: where a page's time goes, in one process, without a server.

Renders a page many times through Django's test client with the bench's settings (DEBUG off,
cached templates, the Redis cache) and prints:

- milliseconds per request for the page and for the bare view, single-threaded;
- cProfile's top functions, by own time and by cumulative time;
- for the nomination form, the cost of rendering each field on its own, which is what caching
  fragments would save.

It uses the bench database: ``--reuse`` keeps the one the last ``make bench`` left, otherwise it
is recreated and seeded first (half a minute). Timings here are for finding costs, not targets.
"""

import argparse
import cProfile
import io
import os
import pstats
import re
import time
from collections.abc import Callable

from django.http import HttpResponse

from . import environment

# name: (method, path, who asks)
PAGES = {
    "form": ("GET", "/calls/{slug}/nominate/", "nominator"),
    "edit": ("GET", "/nominations/{draft}/edit/", "nominator"),
    "save": ("POST", "/nominations/{draft}/edit/", "nominator"),  # "Save draft", unchanged
    "pipeline": ("GET", "/cohorts/{slug}/nominations/", "facilitator"),
    "dashboard": ("GET", "/cohorts/{slug}/dashboard/", "facilitator"),  # its year added first
    # issue 16's 180 x 11 year, added first (bench/scenarios/attendance.py)
    "attendance": ("GET", "{attendance_list}", "facilitator"),
    "attendance-sheet": ("GET", "{attendance_sheet}", "facilitator"),
}


def _client(email: str):
    from django.test import Client

    from metlib.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(email=email))
    return client


def _per_request_ms(send: Callable[[], HttpResponse], renders: int) -> float:
    started = time.perf_counter()
    for _ in range(renders):
        response = send()
        assert response.status_code in (200, 302), response.status_code
    return (time.perf_counter() - started) * 1000 / renders


def _print_stats(
    profile: cProfile.Profile, *, sort: str, top: int, renders: int, ours: bool = False
) -> None:
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    if ours:  # the project's own functions: which view, selector or form the time is under
        pattern = re.escape(str(environment.BASE_DIR)) + r"/(?!\.venv)"
        stats.sort_stats(sort).print_stats(pattern, top)
    else:
        stats.strip_dirs().sort_stats(sort).print_stats(top)
    where = "the project's functions" if ours else "functions"
    print(f"\n--- top {top} {where} by {sort} (totals over {renders} renders) ---")
    text = out.getvalue()
    print(text[text.find("   ncalls") :].rstrip())


def field_costs(renders: int) -> None:
    """Milliseconds to render each field of a new nomination form, as the page does."""
    import uuid

    from django.utils import translation

    from cohorts.models import Cohort
    from nominations.forms import NominationForm

    from .seed import COHORT_SLUG

    cohort = Cohort.objects.get(slug=COHORT_SLUG)
    translation.activate("en")
    rows = []
    started = time.perf_counter()
    for _ in range(renders):
        form = NominationForm(cohort=cohort, initial={"creation_token": uuid.uuid4()})
        for _legend, fields in form.sections():
            for bound in fields:
                str(bound.as_field_group())
    total = (time.perf_counter() - started) * 1000 / renders
    form = NominationForm(cohort=cohort, initial={"creation_token": uuid.uuid4()})
    for _legend, fields in form.sections():
        for bound in fields:
            before = time.perf_counter()
            for _ in range(renders):
                str(bound.as_field_group())
            rows.append(((time.perf_counter() - before) * 1000 / renders, bound.name))
    print(f"\n--- rendering the form's fields: {total:.2f} ms per form (new form each time) ---")
    for ms, name in sorted(rows, reverse=True):
        print(f"{ms:8.3f} ms  {ms / total:6.1%}  {name}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("--page", choices=sorted(PAGES), default="form")
    parser.add_argument("--renders", type=int, default=200)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--reuse", action="store_true", help="keep the existing bench database")
    args = parser.parse_args(argv)

    database_url = os.environ.get("DATABASE_URL") or environment.DEFAULT_DATABASE_URL
    redis_url = os.environ.get("BENCH_REDIS_URL", environment.DEFAULT_REDIS_URL)
    if redis_url and not environment.redis_reachable(redis_url):
        redis_url = ""
    if args.reuse:
        environment.apply(
            environment.bench_environment(database_url=database_url, redis_url=redis_url)
        )
        import django

        django.setup()
    else:
        from .runner import prepare

        prepare(database_url, redis_url)

    from nominations.models import Nomination

    from .seed import COHORT_SLUG

    draft = Nomination.objects.get(nominator__email="nominator@bench.example")
    if args.page == "dashboard":
        from .scenarios.dashboard import dashboard_year

        dashboard_year(COHORT_SLUG)
    paths = {}
    if args.page.startswith("attendance"):
        from .scenarios.attendance import attendance_year

        year = attendance_year()
        paths = {"attendance_list": year.list_path, "attendance_sheet": year.sheet_path}
    method, template, who = PAGES[args.page]
    path = template.format(slug=COHORT_SLUG, draft=draft.pk, **paths)
    client = _client(f"{who}@bench.example")
    if method == "POST":
        from .seed import _form_data

        data: dict[str, list[str]] = {"save": ["1"]}
        for name, value in _form_data(draft):
            data.setdefault(name, []).append(value)

        def send() -> HttpResponse:
            response = client.post(path, data)
            # The load generator sends the same cookies every time: messages never pile up.
            client.cookies.pop("messages", None)
            return response
    else:

        def send() -> HttpResponse:
            return client.get(path)

    from django.test import Client

    anonymous = Client(HTTP_HOST="127.0.0.1")
    first = send()
    expected = 302 if method == "POST" else 200
    if first.status_code != expected:
        raise SystemExit(f"{method} {path} answered {first.status_code}, not {expected}")
    for _ in range(5):
        send()
        anonymous.get("/bench/bare/")
    page_ms = _per_request_ms(send, args.renders)
    bare_ms = _per_request_ms(lambda: anonymous.get("/bench/bare/"), max(args.renders, 1000))
    signed_in_bare_ms = _per_request_ms(lambda: client.get("/bench/bare/"), max(args.renders, 1000))
    print(f"{method} {path}: {page_ms:.2f} ms per request, signed in as the {who}")
    print(
        f"bare view: {bare_ms:.3f} ms anonymous (the bench's baseline), "
        f"{signed_in_bare_ms:.3f} ms signed in (session and user loaded)"
    )
    print(f"single-threaded ratio to the bare view: {bare_ms / page_ms:.1%}")
    print(f"a page at the 20% target would take {bare_ms / 0.20:.2f} ms here")

    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    for _ in range(args.renders):
        send()
    profile.disable()
    profiled = time.perf_counter() - started
    _print_stats(profile, sort="tottime", top=args.top, renders=args.renders)
    _print_stats(profile, sort="cumulative", top=args.top, renders=args.renders)
    _print_stats(profile, sort="cumulative", top=args.top, renders=args.renders, ours=True)
    print("\n--- shares of the profiled request time ---")
    for what, file, function in SHARES:
        spent = _cumulative(profile, file, function)
        if spent:
            print(f"{spent / profiled:6.1%}  {what} ({file}:{function})")
    if args.page == "form":
        field_costs(args.renders)


# (what, file, function): cumulative times that tell what caching or trimming a part would save.
SHARES = (
    ("the template, all of it", "django/template/loader.py", "render_to_string"),
    ("the fields: label, help text, errors, widget", "django/forms/utils.py", "as_field_group"),
    ("the select and checkbox options", "django/forms/widgets.py", "optgroups"),
    ("the library options' labels", "nominations/forms.py", "label_from_instance"),
    ("building the form (fields deep-copied)", "django/forms/forms.py", "__init__"),
    ("validating the form", "django/forms/forms.py", "full_clean"),
    ("waiting for PostgreSQL", "psycopg/connection.py", "wait"),
)


def _cumulative(profile: cProfile.Profile, file: str, function: str) -> float:
    """Seconds spent in (and under) the functions of that name in files ending so."""
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    return sum(
        entry[3]
        for (path, _line, name), entry in stats.items()
        if name == function and path.endswith(file)
    )


if __name__ == "__main__":
    main()
