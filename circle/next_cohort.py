"""Start next year's cohort from a previous one: its dates and size typed, the rest copied."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from certificates.models import CertificateSettings, Signatory
from cohorts.models import Cohort, Membership
from cohorts.permissions import Perm, has_cohort_perm
from cohorts.team import TEAM_ROLES
from cohorts.themes import copy_themes
from nominations.call_copy import copy_call
from sessions.models import CalendarSettings


@dataclass(frozen=True)
class NextCohort:
    name: str
    slug: str
    nominations_open_at: datetime
    nominations_deadline: datetime
    announcement_date: date
    programme_start: date
    programme_end: date
    capacity_min: int
    capacity_max: int
    copy_call: bool = True
    copy_themes: bool = True
    carry_team: bool = True
    copy_reminders: bool = True
    copy_certificate: bool = True


def start_next_cohort(*, previous: Cohort, plan: NextCohort, by: Any) -> Cohort:
    """Create the cohort after ``previous`` in the same programme and zone, copying its call
    (texts, rules, criteria), its themes, its team (facilitators, advisors, mentors), its
    events' reminder offsets and its certificate (rule, title, wording, logo, signatories) as
    ``plan`` asks. Participants are never carried over: they come from the new selection.
    The new call is a preview until published."""
    if not has_cohort_perm(user=by, cohort=previous, perm=Perm.MANAGE_PROGRAMME):
        raise PermissionDenied
    with transaction.atomic():
        cohort = Cohort(
            programme=previous.programme,
            name=plan.name,
            slug=plan.slug,
            nominations_open_at=plan.nominations_open_at,
            nominations_deadline=plan.nominations_deadline,
            announcement_date=plan.announcement_date,
            programme_start=plan.programme_start,
            programme_end=plan.programme_end,
            capacity_min=plan.capacity_min,
            capacity_max=plan.capacity_max,
            time_zone=previous.time_zone,
            main_language=previous.main_language,
            stipends_available=previous.stipends_available,
            stipend_rule=previous.stipend_rule,  # the programme's call keeps its promise
            call_published_at=None,  # a preview until its facilitator publishes it
        )
        cohort.full_clean()
        cohort.save()
        if plan.copy_call:
            copy_call(source=previous, to=cohort)
        if plan.copy_themes:
            copy_themes(source=previous, to=cohort)
        if plan.carry_team:
            Membership.objects.bulk_create(
                Membership(user_id=m.user_id, cohort=cohort, role=m.role, library_id=m.library_id)
                for m in previous.memberships.filter(role__in=TEAM_ROLES)
            )
        if plan.copy_reminders:
            _copy_reminders(previous=previous, to=cohort)
        if plan.copy_certificate:
            _copy_certificate(previous=previous, to=cohort)
    return cohort


def _copy_reminders(*, previous: Cohort, to: Cohort) -> None:
    chosen = CalendarSettings.objects.filter(cohort=previous).first()
    if chosen is not None:
        CalendarSettings.objects.create(cohort=to, reminder_offsets=chosen.reminder_offsets)


def _copy_certificate(*, previous: Cohort, to: Cohort) -> None:
    """The certificate's rule, title, wording and logo, and its signatories with their
    signature images (the files are shared, not duplicated: neither cohort changes them in
    place, an upload stores a new file)."""
    chosen = CertificateSettings.objects.filter(cohort=previous).first()
    if chosen is not None:
        CertificateSettings.objects.create(
            cohort=to,
            monthly_share=chosen.monthly_share,
            mentoring_minimum=chosen.mentoring_minimum,
            title=chosen.title,
            statement=chosen.statement,
            logo=chosen.logo.name,
        )
    Signatory.objects.bulk_create(
        Signatory(
            cohort=to,
            name=s.name,
            title=s.title,
            signature=s.signature.name,
            position=s.position,
        )
        for s in Signatory.objects.filter(cohort=previous)
    )
