"""Every page a person may use is reachable from ``/`` by following links, on the demo.

Our users never type a URL: they start at the home page or at a link in a mail. For each kind
of person in the demo, this crawls from ``/`` following only ``<a href>`` links (GET, same
site) and fails on any page the permission matrix lets that person open that the crawl never
reached. Pages that only come by mail or need a key a mail carries are listed below with why.
"""

from collections import defaultdict, deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone

from cohorts.models import Cohort, Membership, Role
from metlib.models import User
from nominations.models import Nomination

from ..permissions.test_matrix import EXPECTED
from ..permissions.world import ROLES

pytestmark = pytest.mark.django_db

# Pages a person reaches from a mail or by a key only a mail (or a QR code) carries, or that
# are steps of a form flow rather than pages one navigates to.
ONLY_BY_MAIL_OR_FLOW = {
    "nominations:confirm": "the candidate's link, mailed to them",
    "account_confirm_login_code": "a step of signing in by code",
    "account_email_verification_sent": "a step of signing up",
    "account_reset_password_done": "a step of resetting a password",
    "account_reset_password_from_key_done": "the end of the mailed reset link",
    "account_inactive": "shown by allauth to a deactivated account",
    "account_reauthenticate": "asked by allauth before a sensitive change",
    "account_set_password": "redirects to the password change page",
    "account_logout": "a confirmation page; the menu's sign-out button posts directly",
    "feeds:feed": "the secret calendar address, copied into a calendar app",
    "account_request_login_code": "the sign-in page carries its form (it posts there)",
    "health": "for load balancers and monitoring, not people",
    "certificates:verify": "the certificate's printed verification address and QR code",
    "calendar:preparation_file": "a facilitator's upload; the demo's preparation items are links",
    "set_language": "the footer's form posts to it",
    "admin:metlib_user_changelist": "Django's admin, checked by its own permissions",
    "certificates:credential_issuer": "machine-readable, named inside each credential",
    "certificates:credential_jwks": "machine-readable, named inside each credential",
    "certificates:credential_status": "machine-readable, named inside each credential",
    "certificates:credential_achievement": "machine-readable, named inside each credential",
}
# Pages a role may open without needing a link to them.
NOT_FOR_ROLE = {
    "participant": {
        "circle:history": "their own history is circle:my_history; others' are for facilitators",
    },
    "facilitator": {
        "certificates:credential_download": "the participant's own file; facilitators get PDFs",
        "certificates:batch_progress": "polled by the batch page's script, not visited",
    },
    "manager": {
        "certificates:credential_download": "the participant's own file; managers get PDFs",
        "certificates:batch_progress": "polled by the batch page's script, not visited",
    },
}
CRAWLED_ROLES = (
    "anonymous",
    "nominator",
    "participant",
    "mentor",
    "advisor",
    "facilitator",
    "manager",
)
PAGES_PER_NAME = 3  # distinct addresses visited per URL name: enough to find its links
SKIP_PREFIXES = ("/admin/", "/static/", "/media/", "/accounts/logout/", "/i18n/")
# Files: a link to one is what a person follows; the crawl counts the link and does not fetch.
DOWNLOADS = {
    "certificates:download",
    "certificates:zip",
    "circle:attendance_csv",
    "circle:roster_csv",
    "circle:alumni_csv",
    "cohorts:evaluation_csv",
    "nominations:pipeline_csv",
    "feeds:event_ics",
}


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _links(html: str, base: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        url = urlsplit(urljoin(f"http://testserver{base}", href))
        if url.netloc != "testserver" or url.scheme not in ("http", "https"):
            continue
        found.append(url.path + (f"?{url.query}" if url.query else ""))
    return found


def _name(path: str) -> str | None:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.view_name


def crawl(client: Client, *, limit: int = 700) -> set[str]:
    """The URL names reached from ``/`` by following links."""
    seen_paths: set[str] = set()
    per_name: dict[str, int] = defaultdict(int)
    reached: set[str] = set()
    queue = deque(["/"])
    while queue and len(seen_paths) < limit:
        path = queue.popleft()
        if path in seen_paths or path.startswith(SKIP_PREFIXES):
            continue
        name = _name(path)
        if name in DOWNLOADS:
            reached.add(name)
            continue
        if name is None or per_name[name] >= PAGES_PER_NAME:
            continue
        seen_paths.add(path)
        per_name[name] += 1
        response = client.get(path, follow=True)
        if response.status_code != 200:
            continue
        final = response.request["PATH_INFO"]
        final_name = _name(final)
        if final_name:
            reached.add(final_name)
        if "text/html" in response.get("Content-Type", ""):
            queue.extend(_links(response.content.decode(), final))
    return reached


def _people(role: str) -> list[User | None]:
    """Who crawls for a column of the matrix: a participant of the running year and one of the
    finished year (whose certificate and evaluation exist) share the participant's column."""
    if role == "participant":
        finished = Cohort.objects.filter(programme_end__lt=timezone.localdate())
        alumnus = (
            Membership.objects.filter(cohort__in=finished, role=Role.PARTICIPANT)
            .filter(user__certificates__isnull=False)
            .select_related("user")
            .order_by("pk")
            .first()
        )
        return [_person(role), alumnus.user]
    return [_person(role)]


def _person(role: str) -> User | None:
    today = timezone.localdate()
    now = timezone.now()
    running = Cohort.objects.filter(programme_start__lte=today, programme_end__gte=today)
    open_call = Cohort.objects.filter(nominations_open_at__lte=now, nominations_deadline__gt=now)
    in_cohorts = {"participant": running, "mentor": running, "advisor": open_call}
    if role == "anonymous":
        return None
    if role == "facilitator":
        return User.objects.get(email="facilitator@demo.metlib.example")
    if role == "manager":
        return User.objects.get(email="manager@demo.metlib.example")
    if role == "nominator":
        draft = Nomination.objects.filter(
            cohort__in=open_call, status=Nomination.Status.DRAFT
        ).select_related("nominator")
        return draft.order_by("pk").first().nominator
    membership = (
        Membership.objects.filter(cohort__in=in_cohorts[role], role=Role(role))
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user


def expected_for(role: str) -> set[str]:
    column = ROLES.index(role)
    return {
        name
        for name, answers in EXPECTED.items()
        if " " not in name
        and answers.split()[column] == "200"
        and name not in ONLY_BY_MAIL_OR_FLOW
        and name not in NOT_FOR_ROLE.get(role, {})
    }


@pytest.mark.parametrize("role", CRAWLED_ROLES)
def test_every_page_a_person_may_use_is_reachable_from_home_by_links(role):
    reached: set[str] = set()
    for person in _people(role):
        client = Client()
        if person is not None:
            client.force_login(person)
        reached |= crawl(client)
    unreachable = sorted(expected_for(role) - reached)
    assert unreachable == [], f"{role} cannot reach by links: {unreachable}"


def test_the_exception_lists_name_real_pages():
    assert set(ONLY_BY_MAIL_OR_FLOW) <= set(EXPECTED)
    assert all(set(names) <= set(EXPECTED) for names in NOT_FOR_ROLE.values())
