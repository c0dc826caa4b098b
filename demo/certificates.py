"""The demo cohort's certificates: a year of attendance, confirmed names and issued PDFs.

Attendance follows a fixed pattern per participant (in order of user id), so loading the
demo twice writes the same marks: most people are present almost every time, some miss a
session or are excused, and two fall below the three-quarter threshold (one of them
because excused absences do not count); the facilitator makes the other eligible with a
reason. Every participant confirms their name except one,
who is eligible but still has to confirm: the facilitator's page shows them as waiting.
Certificates are issued (PDFs rendered and stored) to everyone eligible with a confirmed
name who has none yet; no mail is queued for invented people.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO

from django.core.files.base import ContentFile
from django.db.models import Q
from django.utils.text import slugify

from certificates import issuing
from certificates.eligibility import eligibility_for_cohort, set_override
from certificates.models import Certificate, CertificateSettings, PrintedName, Signatory
from cohorts.models import Cohort, Membership, MentoringGroup, Role
from metlib.models import User
from sessions.models import Attendance, Event

CONFIRMED_AT = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
ISSUED_AT = datetime(2025, 4, 2, 12, 0, tzinfo=UTC)
# The chair, then the cohort's own facilitator (by the name they go by).
CHAIR = ("Alex Moreau", "Chair, Metropolitan Libraries Section (demo)")
FACILITATOR_TITLE = "Learning circle facilitator"

# Per participant (by position in user-id order), the monthly sessions (0-based) they
# missed as absent and as excused. Everyone else is present everywhere.
ABSENT = {2: (3,), 5: (0, 6), 7: (1, 2, 4), 11: (8,)}
EXCUSED = {4: (5,), 7: (7,), 9: (1, 3, 5, 8), 13: (2, 9)}
UNCONFIRMED = 14  # eligible, has not confirmed the name yet
# Below the threshold, made eligible by the facilitator: the certificate says so.
OVERRIDDEN = (7, "Missed three sessions for a city-wide library strike; caught up on each.")
NOT_AT_CONFERENCE = (3, 9, 12, 16)


@dataclass(frozen=True)
class DemoCertificates:
    marks: int
    eligible: int
    issued: int
    unconfirmed: int


def _status(position: int, number: int) -> str:
    if number in ABSENT.get(position, ()):
        return Attendance.Status.ABSENT
    if number in EXCUSED.get(position, ()):
        return Attendance.Status.EXCUSED
    return Attendance.Status.PRESENT


def load_attendance(*, cohort: Cohort, facilitator: User) -> int:
    """Mark every participant at every event of the (past) demo year; safe to run again."""
    people = list(
        Membership.objects.filter(cohort=cohort, role=Role.PARTICIPANT)
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()
    )
    events = list(
        Event.objects.filter(cohort=cohort)
        .exclude(status=Event.Status.CANCELLED)
        .order_by("starts_at", "pk")
    )
    members: dict[int, set[int]] = {}
    for group_id, user_id in MentoringGroup.members.through.objects.filter(
        mentoringgroup__cohort=cohort
    ).values_list("mentoringgroup_id", "user_id"):
        members.setdefault(group_id, set()).add(user_id)
    monthly = [e for e in events if e.kind == Event.Kind.MONTHLY]
    marks = []
    for position, person_id in enumerate(people):
        for event in events:
            if event.kind == Event.Kind.MONTHLY:
                status = _status(position, monthly.index(event))
            elif event.kind == Event.Kind.MENTORING:
                if person_id not in members.get(event.mentoring_group_id, set()):
                    continue
                status = Attendance.Status.ABSENT if position == 7 else Attendance.Status.PRESENT
            elif position in NOT_AT_CONFERENCE:
                status = Attendance.Status.ABSENT
            else:
                status = Attendance.Status.PRESENT
            marks.append(
                Attendance(event=event, person_id=person_id, status=status, recorded_by=facilitator)
            )
    Attendance.objects.bulk_create(
        marks,
        update_conflicts=True,
        unique_fields=["event", "person"],
        update_fields=["status", "recorded_by"],
    )
    return len(marks)


def signature_png(name: str) -> bytes:
    """A stand-in signature for the demo: the name in an italic face, in ink, on a clear
    ground (PNG)."""
    from PIL import Image, ImageDraw, ImageFont

    try:
        font = ImageFont.truetype("NotoSerif-Italic.ttf", 72)
    except OSError:  # no Noto on this machine: Pillow's own face
        font = ImageFont.load_default(size=72)
    left, top, right, bottom = font.getbbox(name)
    image = Image.new("RGBA", (right - left + 40, bottom - top + 30), (255, 255, 255, 0))
    ImageDraw.Draw(image).text((20 - left, 15 - top), name, font=font, fill=(20, 40, 90, 255))
    buffer = BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def load_letterhead(*, cohort: Cohort, facilitator: User) -> None:
    CertificateSettings.objects.update_or_create(
        cohort=cohort,
        defaults={
            "statement": (
                "A year-long learning circle for leaders of metropolitan libraries: monthly "
                "sessions, group mentoring and the MetLib Conference."
            )
        },
    )
    people = (CHAIR, (facilitator.display_name or facilitator.email, FACILITATOR_TITLE))
    Signatory.objects.filter(cohort=cohort).exclude(name__in=[n for n, _t in people]).delete()
    for position, (name, title) in enumerate(people):
        signatory, _created = Signatory.objects.update_or_create(
            cohort=cohort, name=name, defaults={"title": title, "position": position}
        )
        if not signatory.signature:
            signatory.signature.save(f"{slugify(name)}.png", ContentFile(signature_png(name)))


def load_certificates(*, cohort: Cohort, facilitator: User) -> DemoCertificates:
    """Attendance, letterhead, confirmed names and issued certificates; safe to run again.
    Run it after :func:`demo.calendar.load_calendar`."""
    marks = load_attendance(cohort=cohort, facilitator=facilitator)
    load_letterhead(cohort=cohort, facilitator=facilitator)
    people = list(
        User.objects.filter(memberships__cohort=cohort, memberships__role=Role.PARTICIPANT)
        .order_by("pk")
        .distinct()
    )
    for position, person in enumerate(people):
        if position == UNCONFIRMED:
            PrintedName.objects.filter(cohort=cohort, person=person).delete()
            continue
        PrintedName.objects.update_or_create(
            cohort=cohort,
            person=person,
            defaults={"name": person.display_name or person.email, "confirmed_at": CONFIRMED_AT},
        )
    position, reason = OVERRIDDEN
    set_override(
        cohort=cohort, person=people[position], eligible=True, reason=reason, by=facilitator
    )
    rows = eligibility_for_cohort(cohort=cohort)
    for row in rows:
        if issuing.left_out_reason(row) is not None:
            continue
        certificate = issuing.certificate_for(
            cohort=cohort, person=row.person, batch=None, by=facilitator
        )
        if certificate.issued_at != ISSUED_AT:
            certificate.issued_at = ISSUED_AT
            certificate.save(update_fields=["issued_at"])
        issuing.render_and_store(certificate=certificate)
    return DemoCertificates(
        marks=marks,
        eligible=sum(row.eligible for row in rows),
        issued=Certificate.objects.filter(cohort=cohort, revoked_at__isnull=True)
        .filter(~Q(pdf=""))
        .count(),
        unconfirmed=sum(not row.name_confirmed for row in rows),
    )
