"""Arabic, right to left, on every page of the permission matrix, in Chromium.

Each URL of the matrix's world that answers someone with an HTML page is opened in Arabic
(the person's profile language; a visitor's language cookie) at a phone's width and a
desktop's, and fails when the document is wider than the window: in a right-to-left page
anything placed off to the left (as a skip link at ``left: -9999px`` was) widens it. Arabic
is offered here whether or not its catalogue is in locale/ yet: the layout is what is tested.

With ``SCREENSHOTS=<folder>`` set, the main pages are saved there as PNGs to be looked at.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from metlib.models import User

from ..accessibility.test_every_page import STICKING_OUT, _html_pages, _session_cookie
from ..permissions.routes import arguments_for, named_routes
from ..permissions.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
TOO_WIDE = "document.documentElement.scrollWidth > window.innerWidth"
# Sticking out on the left: what a right-to-left page scrolls to.
STICKING_OUT_LEFT = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().left < -1
       && ![...e.children].some(c => c.getBoundingClientRect().left < -1))
  .slice(0, 3)
  .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
       + ' «' + (e.textContent || '').trim().slice(0, 40) + '»')"""
MAIN_PAGES = (
    "home",
    "nominations:call",
    "nominations:nominate",
    "account_login",
    "circle:dashboard",
    "circle:year",
    "certificates:verify",
)


def _path(name: str, world) -> str:
    return reverse(name, kwargs=arguments_for(name, named_routes()[name], world))


def test_every_page_in_arabic_fits_the_window(live_server, browser, settings):
    settings.LANGUAGES = settings.PLANNED_LANGUAGES  # Arabic offered, catalogue or not
    world = build_world()
    User.objects.update(language="ar")
    pages = _html_pages(world)
    main = {_path(name, world): name.replace(":", "-") for name in MAIN_PAGES}
    shots = os.environ.get("SCREENSHOTS")
    problems: list[str] = []
    checked: set[str] = set()
    for role, paths in pages.items():
        if not paths:
            continue
        context = browser.new_context()
        cookie = _session_cookie(world.people[role])
        language = {"name": django_settings.LANGUAGE_COOKIE_NAME, "value": "ar"}
        context.add_cookies(
            [{**c, "url": live_server.url} for c in (cookie, language) if c is not None]
        )
        page = context.new_page()
        try:
            for path in paths:
                for width_name, size in WIDTHS.items():
                    page.set_viewport_size(size)
                    page.goto(live_server.url + path)
                    html = page.evaluate("[document.documentElement.lang, document.dir]")
                    if html != ["ar", "rtl"]:
                        problems.append(f"{path} as {role}: <html> is {html}, not ar and rtl")
                    if page.evaluate(TOO_WIDE):
                        culprits = page.evaluate(STICKING_OUT) + page.evaluate(STICKING_OUT_LEFT)
                        width = page.evaluate("document.documentElement.scrollWidth")
                        problems.append(
                            f"{path} as {role} at {size['width']}px: {width}px wide: "
                            + "; ".join(culprits)
                        )
                    if shots and path in main:
                        Path(shots).mkdir(parents=True, exist_ok=True)
                        name = f"ar-{main[path]}-{width_name}.png"
                        page.screenshot(path=str(Path(shots) / name), full_page=True)
                checked.add(path)
        finally:
            context.close()
    assert set(main) <= checked, set(main) - checked
    assert len(checked) > 50
    assert problems == [], "\n".join(problems)
