"""Enrolment: an accepted candidate becomes a participant, with an account."""

from allauth.account.models import EmailAddress

from cohorts.models import Membership, Role
from metlib.models import User

from ..models import Nomination


def enrol_participant(*, nomination: Nomination) -> User:
    """The accepted candidate's account and participant membership, made once.

    The account is found by the candidate's address (a known address of anyone's, or an
    account's own) or made with an unusable password: they sign in by a code sent to that
    address. The address counts as verified when the candidate confirmed their nomination
    through the link mailed to it; otherwise signing in by code verifies it. The nomination
    keeps the membership it made (``Nomination.participant``), and a blank display name takes
    the candidate's name.
    """
    email = nomination.candidate_email.strip().lower()
    confirmed = nomination.candidate_confirmed_at is not None
    address = EmailAddress.objects.filter(email__iexact=email).select_related("user").first()
    user = address.user if address else User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=None, display_name=nomination.candidate_name[:150]
        )
    if address is None:
        EmailAddress.objects.create(
            user=user,
            email=email,
            verified=confirmed,
            primary=not EmailAddress.objects.filter(user=user, primary=True).exists(),
        )
    elif confirmed and not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])
    if not user.display_name.strip() and nomination.candidate_name.strip():
        # Certificates and the roster print the display name: never leave it blank.
        user.display_name = nomination.candidate_name.strip()[:150]
        user.save(update_fields=["display_name"])
    membership, _created = Membership.objects.get_or_create(
        user=user,
        cohort=nomination.cohort,
        role=Role.PARTICIPANT,
        defaults={"library": nomination.library},
    )
    linked = Nomination.objects.filter(participant=membership).exists()
    if not linked:  # a second accepted nomination of one person keeps the first as the project
        nomination.participant = membership
        nomination.save(update_fields=["participant"])
    return user
