"""One cohort with someone in every role, and the objects every URL of the project needs.

The permission matrix resolves each URL pattern with these objects and asks it as each
person. Objects belong to the cohort's people (the participant's certificate and feed, the
nominator's nomination, the advisor's review), so "someone else's" is always one of them.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from certificates.models import BatchItem, IssueBatch
from cohorts.evaluation import open_evaluation
from cohorts.models import MentoringGroup, Role
from metlib.models import Email
from nominations.models import CandidateLink, Nomination
from sessions.feeds import feed_of
from sessions.models import Event, PreparationItem

from ..factories import (
    CallFactory,
    CertificateFactory,
    CohortFactory,
    LibraryFactory,
    MembershipFactory,
    NominationFactory,
    ReviewFactory,
    SelectionFactory,
    UserFactory,
)

ROLES = (
    "anonymous",
    "nominator",
    "other_nominator",
    "candidate",
    "participant",
    "mentor",
    "advisor",
    "facilitator",
    "other_facilitator",
    "staff",
    "manager",
)

CANDIDATE_TOKEN = "candidate-token-for-the-permission-matrix"


@dataclass
class World:
    people: dict[str, Any]
    objects: dict[str, Any] = field(default_factory=dict)


def build_world() -> World:
    cohort = CohortFactory(slug="matrix-cohort")
    other = CohortFactory(slug="matrix-other")
    CallFactory(cohort=cohort)
    SelectionFactory(cohort=cohort)
    library = LibraryFactory(city_population=1_500_000)

    people: dict[str, Any] = {"anonymous": None}
    for role, cohort_role in (
        ("participant", Role.PARTICIPANT),
        ("mentor", Role.MENTOR),
        ("advisor", Role.ADVISOR),
        ("facilitator", Role.FACILITATOR),
    ):
        person = UserFactory(email=f"{role}@matrix.example")
        MembershipFactory(user=person, cohort=cohort, role=cohort_role, library=library)
        people[role] = person
    people["other_facilitator"] = UserFactory(email="other-facilitator@matrix.example")
    MembershipFactory(user=people["other_facilitator"], cohort=other, role=Role.FACILITATOR)
    people["staff"] = UserFactory(email="staff@matrix.example", is_staff=True)
    people["manager"] = UserFactory(email="manager@matrix.example")
    cohort.programme.managers.add(people["manager"])
    people["nominator"] = UserFactory(email="nominator@matrix.example")
    people["other_nominator"] = UserFactory(email="other-nominator@matrix.example")
    people["candidate"] = UserFactory(email="candidate@matrix.example")

    nomination = NominationFactory(
        cohort=cohort,
        nominator=people["nominator"],
        library=library,
        candidate_email="candidate@matrix.example",
        status=Nomination.Status.UNDER_REVIEW,
    )
    CandidateLink.objects.create(
        nomination=nomination,
        email="candidate@matrix.example",
        token_hash=Nomination.hash_token(CANDIDATE_TOKEN),
    )
    NominationFactory(cohort=cohort, nominator=people["other_nominator"])
    review = ReviewFactory(nomination=nomination, advisor=people["advisor"])
    # Someone whose role the team page may end (the first allowed to ends it; later: 404).
    spare = MembershipFactory(
        user=UserFactory(email="spare-mentor@matrix.example"), cohort=cohort, role=Role.MENTOR
    )

    group = MentoringGroup.objects.create(cohort=cohort, name="Group 1", mentor=people["mentor"])
    group.members.add(people["participant"])
    start = timezone.now() - dt.timedelta(days=3)
    event = Event.objects.create(
        cohort=cohort,
        title="Monthly session",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
    )
    preparation = PreparationItem.objects.create(event=event, title="Reading", minutes=30)
    preparation.file.save("reading.pdf", ContentFile(b"%PDF-1.4\n%matrix\n"), save=True)
    feed = feed_of(person=people["participant"])
    certificate = CertificateFactory(cohort=cohort, person=people["participant"])
    certificate.pdf.save("certificate.pdf", ContentFile(b"%PDF-1.4\n%matrix\n"), save=True)
    open_evaluation(cohort=cohort, by=people["facilitator"])
    batch = IssueBatch.objects.create(cohort=cohort, requested_by=people["facilitator"], total=1)
    BatchItem.objects.create(batch=batch, person=people["participant"])
    failed_mail = Email.objects.create(
        key="matrix:failed",
        to=people["participant"].email,
        subject="A failed mail",
        body_text="x",
        status=Email.Status.FAILED,
    )
    return World(
        people=people,
        objects={
            "cohort": cohort,
            "other_cohort": other,
            "library": library,
            "nomination": nomination,
            "review": review,
            "event": event,
            "preparation": preparation,
            "feed": feed,
            "certificate": certificate,
            "batch": batch,
            "failed_mail": failed_mail,
            "group": group,
            "spare_membership": spare,
        },
    )
