"""The facilitator's calendar pages fit a phone's screen: wide tables scroll in their box."""

import pytest
from django.test import Client

from cohorts.models import Role

from ..factories import CohortFactory, EventFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TOO_WIDE = "document.documentElement.scrollWidth > window.innerWidth + 1"
STICKING_OUT = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
       && ![...e.children].some(c => c.getBoundingClientRect().right > window.innerWidth + 1))
  .slice(0, 4)
  .map(e => e.tagName.toLowerCase() + '.' + e.className + ' ' + e.getBoundingClientRect().right
       + ' «' + (e.textContent || '').trim().slice(0, 30) + '»')"""


@pytest.mark.parametrize(
    "page_name",
    [
        "calendar/",
        "calendar/presenters/",
        "calendar/reminders/",
        "calendar/{pk}/cancel/",
        "calendar/{pk}/move/",
        "attendance/",
        "attendance/{pk}/",
    ],
)
def test_calendar_pages_fit_a_phone(live_server, browser, make_member, page_name):
    cohort = CohortFactory()
    facilitator = make_member(cohort, Role.FACILITATOR)
    for _ in range(5):
        make_member(cohort, Role.PARTICIPANT)
    for _ in range(3):
        event = EventFactory(cohort=cohort, title="Monthly session with a rather long title")
    client = Client()
    client.force_login(facilitator)
    cookie = client.cookies["sessionid"]
    context = browser.new_context(viewport={"width": 360, "height": 740})
    try:
        context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
        page = context.new_page()
        path = page_name.format(pk=event.pk)
        page.goto(f"{live_server.url}/cohorts/{cohort.slug}/{path}")
        assert page.locator("h1").count() == 1
        wide = page.evaluate(STICKING_OUT) if page.evaluate(TOO_WIDE) else []
        assert wide == []
    finally:
        context.close()
