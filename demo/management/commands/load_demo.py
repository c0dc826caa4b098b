"""manage.py load_demo: a finished cohort, a running one and an open call, for a first look."""

from collections import Counter
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Cohort, Role
from demo import nominations as nominations_now
from demo.calendar import RunningCalendar, load_calendar, load_running_calendar
from demo.certificates import load_certificates
from demo.evaluation import load_evaluation
from demo.nominations import creation_token, load_call, load_nominations
from demo.people import COHORT_ZONE, MANAGER_EMAIL, DemoResult, load_demo
from demo.selection import (
    DemoSelection,
    RunningSelection,
    load_open_selection,
    load_running_selection,
    load_selection,
)
from demo.today import load_members, load_year, monthly_dates, open_year, running_year, today
from metlib.models import User
from nominations.models import Call, Nomination
from nominations.review import cohort_advisors
from sessions.models import Event
from sessions.reminders import due_reminders


class Command(BaseCommand):
    help = (
        "Create or update the demo: a finished cohort (the 2024 MetLib call with fictional "
        "libraries, people and nominations), a cohort in the middle of its year and one whose "
        "call for nominations is open, both dated from today. Safe to run again. Demo only: "
        "every demo account shares one known password."
    )

    @transaction.atomic  # all or nothing: a failure leaves nothing half-loaded
    def handle(self, *args: Any, **options: Any) -> None:
        # Each app loads its own part of the demo, in the order the apps depend on each other.
        with transaction.atomic():
            result = load_demo(stdout=self.stdout)
            call = load_call(cohort=result.cohort)
            self._report_call(call)
            nominations = load_nominations(cohort=result.cohort, libraries=result.library_rows)
            self._report_nominations(nominations)
            chosen = load_selection(
                cohort=result.cohort,
                advisors=cohort_advisors(result.cohort),
                facilitator=User.objects.get(email=result.facilitator_email),
            )
            self._report_selection(chosen)
            # The calendar comes after the selection: its mentoring groups take the participants.
            events = load_calendar(cohort=result.cohort)
            self._report_calendar(events)
            # Certificates come after the calendar: attendance is marked on its events.
            certificates = load_certificates(
                cohort=result.cohort, facilitator=User.objects.get(email=result.facilitator_email)
            )
            self.stdout.write(
                f"Certificates: {certificates.marks} attendance marks, {certificates.eligible} "
                f"eligible, {certificates.issued} issued, {certificates.unconfirmed} names "
                "awaiting confirmation; no mail queued"
            )
            _evaluation, answered = load_evaluation(cohort=result.cohort)
            self.stdout.write(
                f"Evaluation: closed 25 Mar 2025, {answered} participants answered; no mail queued"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded the demo cohort “{result.cohort.name}”: {result.libraries} libraries in "
                f"{result.countries} countries on {result.continents} continents, "
                f"{result.people} people, {len(nominations)} nominations, "
                f"{len(chosen.accepted)} participants selected."
            )
        )
        library = chosen.accepted[0].library
        self.stdout.write(
            f"A participant: {chosen.participant.display_name} ({library.name}, {library.city}) "
            f"signs in as {chosen.participant.email} with the same password"
        )
        signins = self._load_today(result=result)
        self._report_signins(signins, password=result.password)
        login_url = settings.SITE_URL + reverse("account_login")
        self.stdout.write(
            f"Sign in at {login_url} as {result.facilitator_email} with password {result.password}"
        )

    def _load_today(self, *, result: DemoResult) -> list[tuple[str, str, str]]:
        """The running cohort and the open call, dated from today; the sign-ins to try."""
        on = today()
        running, later = running_year(on), open_year(on)
        running_rows = nominations_now.running_rows(
            deadline=running.nominations_deadline.astimezone(COHORT_ZONE).date()
        )
        later_rows = nominations_now.open_rows(today=on)
        programme = result.cohort.programme
        facilitator = User.objects.get(email=result.facilitator_email)
        # The open cohort first: on a later day it may hand its slug on to the running one.
        open_cohort = load_year(
            year=later, programme=programme, anchor=creation_token(row=later_rows[0])
        )
        cohort = load_year(
            year=running, programme=programme, anchor=creation_token(row=running_rows[0])
        )

        members = load_members(cohort=cohort, key=running.key)
        nominations_now.load_later_call(cohort=cohort)
        nominations_now.load_rows(cohort=cohort, rows=running_rows, libraries=result.library_rows)
        chosen = load_running_selection(
            cohort=cohort, published_at=running.published_at, facilitator=facilitator
        )
        calendar = load_running_calendar(
            cohort=cohort,
            key=running.key,
            dates=monthly_dates(running),
            facilitator=facilitator,
        )
        self._report_running(cohort=cohort, members=members, chosen=chosen, calendar=calendar)

        open_members = load_members(cohort=open_cohort, key=later.key)
        call = nominations_now.load_later_call(cohort=open_cohort)
        received = nominations_now.load_rows(
            cohort=open_cohort, rows=later_rows, libraries=result.library_rows
        )
        load_open_selection(cohort=open_cohort)
        self._report_open(call=call, members=open_members, nominations=received)

        draft = next(
            n for n in received if n.status == Nomination.Status.DRAFT and n.project_description
        )
        group = calendar.groups[0]
        participant = chosen.participants[0]
        return [
            (
                "facilitator",
                result.facilitator_email,
                f"runs all three cohorts: presenters and attendance of {cohort.slug}, the "
                f"nominations of the open call {open_cohort.slug}, certificates of "
                f"{result.cohort.slug}",
            ),
            (
                "advisor",
                open_members[Role.ADVISOR][0].email,
                f"the open call's nominations as they come in; the {result.cohort.slug} reviews",
            ),
            (
                "mentor",
                group.mentor.email,
                f"{group.name} of {cohort.slug}: its members, their projects, its sessions",
            ),
            (
                "participant",
                participant.email,
                f"{cohort.slug}: the next session in their own time zone, the calendar feed",
            ),
            (
                "nominator",
                draft.nominator.email,
                f"finish and submit the draft nominating {draft.candidate_name} "
                f"({open_cohort.slug})",
            ),
            (
                "manager",
                MANAGER_EMAIL,
                "the programme's page from home: start next year's cohort, teams, alumni",
            ),
            ("admin", result.admin_email, "the admin site, /admin/"),
        ]

    def _report_running(
        self,
        *,
        cohort: Cohort,
        members: dict[str, list[User]],
        chosen: RunningSelection,
        calendar: RunningCalendar,
    ) -> None:
        zone = cohort.zone
        upcoming = calendar.next_session
        starts = upcoming.starts_at.astimezone(zone)
        due = [r for r in due_reminders(now=timezone.now()) if r.event.cohort_id == cohort.pk]
        past = sum(
            1
            for event in calendar.events
            if event.kind == Event.Kind.MONTHLY and event.ends_at <= timezone.now()
        )
        self.stdout.write(
            f"Cohort “{cohort.name}” ({cohort.slug}), running: {cohort.programme_start:%d %b %Y} "
            f"to {cohort.programme_end:%d %b %Y}; {len(members[Role.ADVISOR])} advisors, "
            f"{len(members[Role.MENTOR])} mentors"
        )
        self.stdout.write(
            f"  Selection published {cohort.announcement_date:%d %b %Y}: accepted "
            f"{len(chosen.accepted)} (enrolled as participants), waitlisted {chosen.waitlisted}, "
            f"declined {chosen.declined}; travel stipends {chosen.stipends}"
        )
        self.stdout.write(
            f"  Calendar: {len(calendar.events)} events, {past} of 12 monthly sessions held, "
            f"{len(calendar.groups)} mentoring groups; next: “{upcoming.title}” on "
            f"{starts:%a %d %b %Y %H:%M} {zone.key} with presenters "
            + ", ".join(str(person) for person in upcoming.presenters.order_by("display_name"))
        )
        self.stdout.write(
            f"  Attendance: {calendar.marks} marks for the past events; reminders due now: "
            f"{len(due)} (not sent: the reminder scan sends them)"
        )

    def _report_open(
        self, *, call: Call, members: dict[str, list[User]], nominations: list[Nomination]
    ) -> None:
        cohort = call.cohort
        zone = cohort.zone
        url = settings.SITE_URL + reverse("nominations:call", args=[cohort.slug])
        drafts = [n for n in nominations if n.status == Nomination.Status.DRAFT]
        submitted = [n for n in nominations if n.status == Nomination.Status.SUBMITTED]
        awaiting = sum(1 for n in submitted if n.awaits_candidate)
        self.stdout.write(
            f"Cohort “{cohort.name}” ({cohort.slug}), call open: opened "
            f"{cohort.nominations_open_at.astimezone(zone):%d %b %Y}, deadline "
            f"{cohort.nominations_deadline.astimezone(zone):%d %b %Y %H:%M} {zone.key}; "
            f"programme {cohort.programme_start:%b %Y} to {cohort.programme_end:%b %Y}"
        )
        self.stdout.write(
            f"  Nominations: {len(drafts)} drafts, {len(submitted)} submitted "
            f"({len(submitted) - awaiting} confirmed by their candidate, {awaiting} awaiting); "
            f"{len(members[Role.ADVISOR])} advisors, review opens when the call closes"
        )
        self.stdout.write(f"  Call for nominations: {url}")

    def _report_signins(self, rows: list[tuple[str, str, str]], *, password: str) -> None:
        header = ("role", "email", "what to try")
        width = [max(len(row[i]) for row in [header, *rows]) for i in range(2)]
        self.stdout.write(f"Demo sign-ins (password {password} for every one):")
        for role, email, what in [header, *rows]:
            self.stdout.write(f"  {role:<{width[0]}}  {email:<{width[1]}}  {what}")

    def _report_calendar(self, events: list[Event]) -> None:
        kinds = Counter(event.kind for event in events)
        groups = {event.mentoring_group_id for event in events if event.mentoring_group_id}
        self.stdout.write(
            f"Calendar: {len(events)} events ("
            + ", ".join(
                f"{str(label).lower()} {kinds[kind]}"
                for kind, label in Event.Kind.choices
                if kinds[kind]
            )
            + f"); {len(groups)} mentoring groups; no invitations queued"
        )

    def _report_call(self, call: Call) -> None:
        url = settings.SITE_URL + reverse("nominations:call", args=[call.cohort.slug])
        self.stdout.write(
            f"Call for nominations: {url} ({len(call.timeline.splitlines())} timeline lines; "
            f"contact {call.contact_name} <{call.contact_email}>)"
        )

    def _report_nominations(self, nominations: list[Nomination]) -> None:
        statuses = Counter(nomination.status for nomination in nominations)
        libraries = {nomination.library_id for nomination in nominations}
        self.stdout.write(
            f"Nominations: {len(nominations)} from {len(libraries)} libraries; "
            + ", ".join(
                f"{str(label).lower()} {statuses[status]}"
                for status, label in Nomination.Status.choices
                if statuses[status]
            )
        )
        submitted = [n for n in nominations if n.status == Nomination.Status.SUBMITTED]
        awaiting = sum(1 for n in submitted if n.awaits_candidate)
        late = sum(1 for n in nominations if n.late_admitted_at is not None)
        self.stdout.write(
            f"Submitted: {len(submitted) - awaiting} confirmed by their candidate, {awaiting} "
            f"awaiting the candidate's confirmation; drafts let in late: {late}"
        )

    def _report_selection(self, chosen: DemoSelection) -> None:
        self.stdout.write(
            f"Reviews: {chosen.reviews} submitted ({chosen.not_applicable} scores "
            f"\N{LEFT DOUBLE QUOTATION MARK}not applicable\N{RIGHT DOUBLE QUOTATION MARK}), "
            f"{chosen.conflicts} conflict{'' if chosen.conflicts == 1 else 's'} of interest "
            f"declared; {chosen.kept_apart} kept apart "
            "automatically (an advisor's own library or own nominee)"
        )
        self.stdout.write(
            f"Selection published: accepted {len(chosen.accepted)} from {chosen.countries} "
            f"countries on {chosen.continents} continents, waitlisted {chosen.waitlisted}, "
            f"declined {chosen.declined}; travel stipends {chosen.stipends}"
        )
