"""Who else at a nominator's organisation has nominated for a call, told before anything is typed.

A person's organisation is known two ways: the libraries of their own earlier nominations, and
the domain of their address (``@oodi.fi``), when it is not a public mail service. A colleague
learns on the call page that their library has nominated already instead of at Submit.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from cohorts.models import Cohort, Library

from .models import Nomination

# Addresses at these domains say nothing about where someone works.
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "yahoo.com",
        "icloud.com",
        "me.com",
        "proton.me",
        "protonmail.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "mail.ru",
        "yandex.ru",
        "qq.com",
        "163.com",
        "126.com",
        "aol.com",
        "example.com",
    }
)
COUNTED = (
    Nomination.Status.SUBMITTED,
    Nomination.Status.UNDER_REVIEW,
    Nomination.Status.ACCEPTED,
    Nomination.Status.WAITLISTED,
    Nomination.Status.DECLINED,
)


@dataclass(frozen=True)
class Standing:
    own: list[Nomination]  # the person's own nominations for the call, newest first
    library_taken: list[tuple[Library, int]]  # their organisation's libraries that nominated


def domain_of(address: str) -> str:
    domain = address.rpartition("@")[2].strip().lower()
    return "" if domain in PUBLIC_MAIL_DOMAINS else domain


def standing_with_call(*, user: Any, cohort: Cohort) -> Standing:
    """The person's own nominations for ``cohort`` and, for the libraries they are known to
    work for, how many submitted nominations each already has (two queries)."""
    own = list(
        Nomination.objects.filter(nominator=user, cohort=cohort)
        .exclude(status=Nomination.Status.WITHDRAWN)
        .select_related("library")
        .order_by("-updated_at")
    )
    earlier = set(
        Nomination.objects.filter(nominator=user)
        .exclude(library=None)
        .values_list("library_id", flat=True)
    )
    domain = domain_of(user.email)
    ours = Q(library_id__in=earlier)
    if domain:
        ours |= Q(nominator__email__iendswith=f"@{domain}")
    others = (
        Nomination.objects.filter(ours, cohort=cohort, status__in=COUNTED)
        .exclude(nominator=user)
        .exclude(library=None)
        .select_related("library")
    )
    counts: dict[int, tuple[Library, int]] = {}
    for nomination in others:
        library, count = counts.get(nomination.library_id, (nomination.library, 0))
        counts[nomination.library_id] = (library, count + 1)
    return Standing(own=own, library_taken=sorted(counts.values(), key=lambda pair: pair[0].name))
