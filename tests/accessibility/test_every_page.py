"""axe-core on every page of the project, as each person who may see it, in Chromium.

The journeys' browser tests check the pages they pass through; this one leaves none out:
every URL of the permission matrix's world that answers someone with an HTML page is opened
in Chromium as that person (signed in through a session cookie) and checked for serious or
critical violations, and at a phone's width for content wider than the screen.
"""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from ..browser import BLOCKING_IMPACTS, _axe
from ..permissions.routes import arguments_for, named_routes
from ..permissions.world import ROLES, build_world

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# Django's admin is Django's; allauth's pages are in our layout and are checked.
NOT_OURS = ("admin:",)
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
# The page scrolls sideways on a phone: something in it does not shrink or wrap. (A table may
# scroll inside its own box; the page as a whole must not.)
TOO_WIDE = "document.documentElement.scrollWidth > window.innerWidth + 1"
# The innermost elements sticking out on the right, to say what to fix.
STICKING_OUT = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
       && ![...e.children].some(c => c.getBoundingClientRect().right > window.innerWidth + 1))
  .slice(0, 3)
  .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
       + ' «' + (e.textContent || '').trim().slice(0, 40) + '»')"""


def _session_cookie(person) -> dict[str, str] | None:
    if person is None:
        return None
    client = Client()
    client.force_login(person)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
    }


def _html_pages(world) -> dict[str, list[str]]:
    """{role: [paths that answer that person with an HTML page]}: each path once, for the
    first person (in ROLES order) it answers."""
    pages: dict[str, list[str]] = {role: [] for role in ROLES}
    seen: set[str] = set()
    client = Client()
    for name, arguments in sorted(named_routes().items()):
        if name.startswith(NOT_OURS):
            continue
        path = reverse(name, kwargs=arguments_for(name, arguments, world))
        for role in ROLES:
            client.logout()
            if world.people[role] is not None:
                client.force_login(world.people[role])
            response = client.get(path)
            if response.streaming:  # a file holds its file open until read to the end
                b"".join(response.streaming_content)
            is_html = "text/html" in response.get("Content-Type", "")
            if response.status_code == 200 and is_html and path not in seen:
                seen.add(path)
                pages[role].append(path)
    return pages


def test_no_page_has_a_serious_accessibility_violation(live_server, browser):
    world = build_world()
    problems: list[str] = []
    checked = 0
    for role, paths in _html_pages(world).items():
        if not paths:
            continue
        context = browser.new_context()
        cookie = _session_cookie(world.people[role])
        if cookie is not None:
            context.add_cookies([{**cookie, "url": live_server.url}])
        page = context.new_page()
        try:
            for path in paths:
                page.set_viewport_size(DESKTOP)
                page.goto(live_server.url + path)
                checked += 1
                for violation in _axe.run(page).response["violations"]:
                    if violation["impact"] in BLOCKING_IMPACTS:
                        targets = ", ".join(str(n["target"]) for n in violation["nodes"][:3])
                        problems.append(
                            f"{path} as {role}: {violation['id']} ({violation['impact']}) {targets}"
                        )
                page.set_viewport_size(PHONE)
                if page.evaluate(TOO_WIDE):
                    culprits = "; ".join(page.evaluate(STICKING_OUT))
                    problems.append(f"{path} as {role}: wider than a phone's screen: {culprits}")
        finally:
            context.close()
    assert checked > 50
    assert problems == [], "\n".join(problems)
