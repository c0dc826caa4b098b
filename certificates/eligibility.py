"""Who receives a certificate: the cohort's attendance rule, and the facilitator's overrides.

The rule (:class:`~certificates.models.CertificateSettings`, or its defaults when a cohort
has none: three quarters of the monthly sessions, no mentoring minimum):

- **Monthly sessions counted** are the cohort's monthly sessions that are not cancelled and
  have *started* by ``now``. Counting only what has taken place lets the facilitator read the
  page during the year as "so far": someone who attended 3 of the first 4 sessions is shown
  eligible now, and the same rule gives the final answer once the year is over. A session
  that has not happened yet cannot be held against anyone.
- **Attended** means marked *present*. An excused absence is still an absence: the call asks
  for active participation, so excused marks do not count, and the reason says so when a
  person has any.
- **Needed** is ``ceil(share * sessions counted)``: with 10 sessions and 75 %, 8. With no
  monthly session held yet nobody is eligible by the rule (there is nothing to have
  attended), unless the share is 0 %.
- **Mentoring**: sessions of the person's own mentoring group(s) they were present at.
- **Conference**: present at any conference event (shown on the certificate, not required).
- An :class:`~certificates.models.EligibilityOverride` wins over the rule, with its reason.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cohorts.models import Cohort, Library, Membership, MentoringGroup, Role
from sessions.models import Attendance, Event

from .models import Certificate, CertificateSettings, EligibilityOverride, PrintedName

DEFAULT_MONTHLY_SHARE = 75
DEFAULT_MENTORING_MINIMUM = 0


@dataclass(frozen=True)
class Rule:
    monthly_share: int  # percent
    mentoring_minimum: int

    def monthly_needed(self, total: int) -> int:
        # Integers only: 75 % of 10 is 7.5 → 8, and 75 % of 4 is exactly 3, never 3.0000001.
        return math.ceil(self.monthly_share * total / 100) if total else 0


@dataclass(frozen=True)
class EligibilityRow:
    person: Any
    library: Library | None
    eligible: bool
    reason: str
    monthly_attended: int
    monthly_total: int
    monthly_needed: int
    monthly_excused: int
    mentoring_attended: int
    mentoring_needed: int
    attended_conference: bool
    by_rule: bool  # what the attendance rule alone says, whatever the override
    override: EligibilityOverride | None
    printed_name: PrintedName | None
    certificate: Certificate | None  # the valid one, if any

    @property
    def name_confirmed(self) -> bool:
        return self.printed_name is not None and self.printed_name.confirmed_at is not None


def rule_for(cohort: Cohort) -> Rule:
    """The cohort's rule, or the defaults when it has no settings row."""
    row = CertificateSettings.objects.filter(cohort=cohort).first()
    if row is None:
        return Rule(DEFAULT_MONTHLY_SHARE, DEFAULT_MENTORING_MINIMUM)
    return Rule(row.monthly_share, row.mentoring_minimum)


@dataclass(frozen=True)
class Held:
    """The cohort's events that count so far: not cancelled and started, by kind."""

    ids: list[int]
    id_set: frozenset[int]
    monthly: frozenset[int]
    conference: frozenset[int]
    mentoring_group_of: dict[int, int]  # a mentoring session's group

    @classmethod
    def of(cls, events: Iterable[tuple[int, str, int | None]]) -> "Held":
        """From (pk, kind, mentoring group id) of the events held."""
        events = list(events)
        return cls(
            ids=[pk for pk, _kind, _group in events],
            id_set=frozenset(pk for pk, _kind, _group in events),
            monthly=frozenset(pk for pk, kind, _group in events if kind == Event.Kind.MONTHLY),
            conference=frozenset(
                pk for pk, kind, _group in events if kind == Event.Kind.CONFERENCE
            ),
            mentoring_group_of={
                pk: group for pk, kind, group in events if kind == Event.Kind.MENTORING and group
            },
        )


def meets_rule(
    *, rule: Rule, held: Held, present: set[int], own_groups: set[int]
) -> tuple[bool, int, int]:
    """Whether someone present at the events ``present`` (ids) and member of the mentoring
    groups ``own_groups`` meets the rule; with the monthly and mentoring sessions attended."""
    attended = len(present & held.monthly)
    mentoring = sum(1 for e in present if held.mentoring_group_of.get(e) in own_groups)
    total = len(held.monthly)
    met = (
        _meets_monthly(
            attended=attended,
            total=total,
            needed=rule.monthly_needed(total),
            share=rule.monthly_share,
        )
        and mentoring >= rule.mentoring_minimum
    )
    return met, attended, mentoring


def _meets_monthly(*, attended: int, total: int, needed: int, share: int) -> bool:
    if total == 0:
        return share == 0  # nothing held yet: only a 0 % rule is met
    return attended >= needed


def _rule_reason(
    *, attended: int, total: int, needed: int, excused: int, mentoring: int, mentoring_needed: int
) -> str:
    if total == 0:
        parts = [_("No monthly session has taken place yet.")]
    else:
        parts = [
            ngettext(
                "Attended %(attended)d of %(total)d monthly session; needs %(needed)d.",
                "Attended %(attended)d of %(total)d monthly sessions; needs %(needed)d.",
                total,
            )
            % {"attended": attended, "total": total, "needed": needed}
        ]
    if mentoring_needed:
        parts.append(
            ngettext(
                "Attended %(attended)d mentoring session; needs %(needed)d.",
                "Attended %(attended)d mentoring sessions; needs %(needed)d.",
                mentoring,
            )
            % {"attended": mentoring, "needed": mentoring_needed}
        )
    if excused:
        parts.append(
            ngettext(
                "%(count)d excused absence does not count as attendance.",
                "%(count)d excused absences do not count as attendance.",
                excused,
            )
            % {"count": excused}
        )
    return " ".join(parts)


def eligibility_for_cohort(
    *, cohort: Cohort, now: datetime | None = None, people: list[Any] | None = None
) -> list[EligibilityRow]:
    """One row per participant of ``cohort`` (ordered by name): eligible or not and why, with
    their confirmed name and valid certificate. A fixed number of queries, however many
    participants and sessions. ``people`` restricts the rows to those users."""
    now = now or timezone.now()
    rule = rule_for(cohort)
    memberships = (
        Membership.objects.filter(cohort=cohort, role=Role.PARTICIPANT)
        .select_related("user", "library")
        .order_by("user__display_name", "user__email")
    )
    if people is not None:
        memberships = memberships.filter(user__in=[p.pk for p in people])
    memberships = list(memberships)
    person_ids = [m.user_id for m in memberships]

    held = Held.of(
        Event.objects.filter(cohort=cohort, starts_at__lte=now)
        .exclude(status=Event.Status.CANCELLED)
        .values_list("pk", "kind", "mentoring_group_id")
    )
    monthly_ids = held.monthly
    conference_ids = held.conference
    groups_of: dict[int, set[int]] = {}
    for group_id, user_id in MentoringGroup.members.through.objects.filter(
        mentoringgroup__cohort=cohort, user_id__in=person_ids
    ).values_list("mentoringgroup_id", "user_id"):
        groups_of.setdefault(user_id, set()).add(group_id)

    present: dict[int, set[int]] = {}
    excused: dict[int, int] = {}
    if held.ids and person_ids:
        for event_id, person_id, status in Attendance.objects.filter(
            event_id__in=held.ids,
            person_id__in=person_ids,
            status__in=[Attendance.Status.PRESENT, Attendance.Status.EXCUSED],
        ).values_list("event_id", "person_id", "status"):
            if status == Attendance.Status.PRESENT:
                present.setdefault(person_id, set()).add(event_id)
            elif event_id in monthly_ids:
                excused[person_id] = excused.get(person_id, 0) + 1

    overrides = {
        o.person_id: o
        for o in EligibilityOverride.objects.filter(cohort=cohort, person_id__in=person_ids)
    }
    names = {
        n.person_id: n for n in PrintedName.objects.filter(cohort=cohort, person_id__in=person_ids)
    }
    certificates = {
        c.person_id: c
        for c in Certificate.objects.filter(
            cohort=cohort, person_id__in=person_ids, revoked_at__isnull=True
        )
    }

    total = len(monthly_ids)
    needed = rule.monthly_needed(total)
    rows = []
    for membership in memberships:
        pid = membership.user_id
        attended_ids = present.get(pid, set())
        by_rule, attended, mentoring = meets_rule(
            rule=rule, held=held, present=attended_ids, own_groups=groups_of.get(pid, set())
        )
        reason = _rule_reason(
            attended=attended,
            total=total,
            needed=needed,
            excused=excused.get(pid, 0),
            mentoring=mentoring,
            mentoring_needed=rule.mentoring_minimum,
        )
        override = overrides.get(pid)
        eligible = by_rule
        if override is not None:
            eligible = override.eligible
            decided = (
                _("Made eligible by the facilitator: %(reason)s")
                if override.eligible
                else _("Made not eligible by the facilitator: %(reason)s")
            )
            reason = f"{decided % {'reason': override.reason}} ({reason})"
        rows.append(
            EligibilityRow(
                person=membership.user,
                library=membership.library,
                eligible=eligible,
                reason=reason,
                monthly_attended=attended,
                monthly_total=total,
                monthly_needed=needed,
                monthly_excused=excused.get(pid, 0),
                mentoring_attended=mentoring,
                mentoring_needed=rule.mentoring_minimum,
                attended_conference=bool(attended_ids & conference_ids),
                by_rule=by_rule,
                override=override,
                printed_name=names.get(pid),
                certificate=certificates.get(pid),
            )
        )
    return rows


def eligibility_of(*, cohort: Cohort, person: Any, now: datetime | None = None) -> EligibilityRow:
    """The row of one person. Raises ``LookupError`` when they are not a participant."""
    rows = eligibility_for_cohort(cohort=cohort, now=now, people=[person])
    if not rows:
        raise LookupError(f"{person} is not a participant of {cohort}")
    return rows[0]


def set_override(
    *, cohort: Cohort, person: Any, eligible: bool, reason: str, by: Any
) -> EligibilityOverride:
    """Record (or change) the facilitator's decision for ``person``; the reason is required."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValueError("An override needs a reason.")
    if not Membership.objects.filter(cohort=cohort, user=person, role=Role.PARTICIPANT).exists():
        raise LookupError(f"{person} is not a participant of {cohort}")
    override, _created = EligibilityOverride.objects.update_or_create(
        cohort=cohort,
        person=person,
        defaults={"eligible": eligible, "reason": reason[:500], "decided_by": by},
    )
    return override


def clear_override(*, cohort: Cohort, person: Any) -> None:
    """Let the attendance rule decide again for ``person``."""
    EligibilityOverride.objects.filter(cohort=cohort, person=person).delete()


def participants(cohort: Cohort) -> Any:
    """The cohort's participants as a queryset of users."""
    return (
        get_user_model()
        .objects.filter(memberships__cohort=cohort, memberships__role=Role.PARTICIPANT)
        .distinct()
    )
