"""Run by ``manage.py shell`` on a database ``load_demo`` filled (see test_demo_on_sqlite.py):
each demo person follows the site's links from ``/`` and every page they reach is printed
with its status, one ``status path`` line each, so the test reads what answered 500."""

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

from django.contrib.auth import get_user_model
from django.test import Client

PEOPLE = [
    None,  # a visitor
    "facilitator@demo.metlib.example",
    "freja.sondergard@demo.metlib.example",
    "tane.rawiri@demo.metlib.example",
    "wairimu.gathoni@demo.metlib.example",
    "nominator.singapore@demo.metlib.example",
    "manager@demo.metlib.example",
]
PAGES_EACH = 80
SKIPPED = ("/accounts/logout", "/admin", "/static/", "/media/", "/i18n/")


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.found.append(href)


def crawl(client: Client) -> dict[str, int]:
    seen: dict[str, int] = {}
    queue = deque(["/"])
    while queue and len(seen) < PAGES_EACH:
        path = queue.popleft()
        if path in seen:
            continue
        response = client.get(path)
        seen[path] = response.status_code
        if "html" not in response.get("Content-Type", ""):
            continue
        parser = Links()
        parser.feed(response.content.decode())
        for href in parser.found:
            parts = urlsplit(urldefrag(href)[0])
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if not target.startswith(SKIPPED) and target not in seen:
                queue.append(target)
    return seen


for email in PEOPLE:
    client = Client(HTTP_HOST="127.0.0.1")
    if email:
        client.force_login(get_user_model().objects.get(email=email))
    for path, status in crawl(client).items():
        print(status, path)
