"""What the browser tests share: an accessibility check with axe-core and reading emailed codes."""

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from metlib.models import Email

BLOCKING_IMPACTS = ("serious", "critical")

_axe = Axe()


def assert_accessible(page: Page) -> None:
    """Fail when axe-core finds a serious or critical violation on the page as it is now."""
    violations = [
        violation
        for violation in _axe.run(page).response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]
    assert not violations, f"{page.url}:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n"
        + "\n".join(f"    {node['target']}: {node['failureSummary']}" for node in v["nodes"])
        for v in violations
    )


def latest_code(to: str) -> str:
    """The sign-in or verification code in the newest mail queued for ``to``."""
    body = Email.objects.filter(to=to).latest("created_at").body_text
    match = re.search(r"^\s*([A-Z]{4}-[A-Z]{4})\s*$", body, re.MULTILINE)
    assert match, body
    return match.group(1)
