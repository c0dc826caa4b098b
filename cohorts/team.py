"""A cohort's team, managed in the app: facilitators (appointed by the programme's managers),
advisors and mentors (invited by a facilitator). Participants come only from selection."""

from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from metlib.languages import language_of
from metlib.models import User
from metlib.outbox import queue_templated_email

from .models import Cohort, Membership, Role
from .permissions import Perm, forget_roles, has_cohort_perm

TEAM_ROLES = (Role.FACILITATOR, Role.ADVISOR, Role.MENTOR)


def may_appoint(*, by: Any, cohort: Cohort, role: str) -> bool:
    """Managers appoint facilitators; facilitators invite advisors and mentors."""
    if role == Role.FACILITATOR:
        return has_cohort_perm(user=by, cohort=cohort, perm=Perm.MANAGE_PROGRAMME)
    return role in TEAM_ROLES and has_cohort_perm(user=by, cohort=cohort, perm=Perm.MANAGE_COHORT)


def person_for_email(*, email: str) -> User:
    """The account of ``email``, made (unverified, without a password) when there is none:
    the invited person signs in by a code sent to that address."""
    email = email.strip().lower()
    address = EmailAddress.objects.filter(email__iexact=email).select_related("user").first()
    user = address.user if address else User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=None)
    if address is None:
        EmailAddress.objects.create(
            user=user,
            email=email,
            verified=False,
            primary=not EmailAddress.objects.filter(user=user, primary=True).exists(),
        )
    return user


def invitation_key(*, membership: Membership) -> str:
    return f"team:{membership.pk}:invitation"


def appoint_member(*, cohort: Cohort, email: str, role: str, by: Any) -> Membership:
    """Give the person at ``email`` a role in ``cohort`` and mail them once that it is theirs.

    Appointing someone who already holds the role changes nothing and mails nothing.
    """
    if not may_appoint(by=by, cohort=cohort, role=role):
        raise PermissionDenied
    with transaction.atomic():
        person = person_for_email(email=email)
        membership, created = Membership.objects.get_or_create(
            user=person, cohort=cohort, role=role
        )
        if created:
            language = language_of(person)
            with translation.override(language):
                context = {
                    "person": person,
                    "cohort": cohort,
                    "role": membership.get_role_display(),
                    "by": by,
                    "link": settings.SITE_URL
                    + reverse("account_request_login_code")
                    + "?next="
                    + cohort.get_absolute_url(),
                }
            queue_templated_email(
                key=invitation_key(membership=membership),
                to=person.email,
                template="team-invitation",
                context=context,
                language=language,
            )
    forget_roles(person)
    return membership


def end_membership(*, membership: Membership, by: Any) -> None:
    """End someone's role in the cohort (a participant's place is selection's business)."""
    if membership.role == Role.PARTICIPANT or not may_appoint(
        by=by, cohort=membership.cohort, role=membership.role
    ):
        raise PermissionDenied
    membership.delete()


def team_of(*, cohort: Cohort) -> list[Membership]:
    """The cohort's facilitators, advisors and mentors, with whether each has signed in yet."""
    return list(
        Membership.objects.filter(cohort=cohort, role__in=TEAM_ROLES)
        .select_related("user")
        .order_by("role", "user__display_name", "user__email")
    )
