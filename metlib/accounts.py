"""Hooks into django-allauth: its mail goes through our outbox like every other mail."""

import uuid
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.utils import translation

from .languages import is_offered
from .middleware import browser_zone
from .outbox import ACCOUNT_KEY_PREFIX, queue_email


class AccountAdapter(DefaultAccountAdapter):
    def new_user(self, request: Any) -> Any:
        """A person who signs up keeps the language they were reading the site in."""
        user = super().new_user(request)
        language = translation.get_language()
        if is_offered(language):
            user.language = language
        return user

    def save_user(self, request: Any, user: Any, form: Any, commit: bool = True) -> Any:
        """A new account starts in the zone its browser reported (the deadline a nominator
        reads is in their own time from the first page)."""
        zone = browser_zone(request) if request is not None else None
        if zone is not None:
            user.time_zone = zone.key
        return super().save_user(request, user, form, commit=commit)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Render allauth's mail with the context allauth's own ``send_mail`` gives it; queue it."""
        # allauth's templates rely on these: the unknown-account mail names {{ email }}, the
        # address confirmation {{ current_site.domain }}.
        request = allauth_context.request
        context = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            **context,
            "site_url": settings.SITE_URL,
        }
        message = self.render_mail(template_prefix, email, context)
        html = next(
            (
                content
                for content, mimetype in getattr(message, "alternatives", [])
                if mimetype == "text/html"
            ),
            "",
        )
        # Each code or link is its own mail: a fresh key, never deduplicated.
        queue_email(
            key=f"{ACCOUNT_KEY_PREFIX}{template_prefix.rsplit('/', 1)[-1]}:{uuid.uuid4()}",
            to=email,
            subject=str(message.subject),
            text=str(message.body),
            html=str(html),
        )
