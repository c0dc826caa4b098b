"""manage.py load_demo: load the demo cohort for a first look."""

from collections import Counter
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse

from demo.calendar import load_calendar
from demo.certificates import load_certificates
from demo.nominations import load_call, load_nominations
from demo.people import load_demo
from demo.selection import DemoSelection, load_selection
from metlib.models import User
from nominations.models import Call, Nomination
from nominations.review import cohort_advisors
from sessions.models import Event


class Command(BaseCommand):
    help = (
        "Create or update the demo cohort (the 2024 MetLib call with fictional libraries, "
        "people and nominations). Safe to run again. Demo only: every demo account shares one "
        "known password."
    )

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
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded the demo cohort “{result.cohort.name}”: {result.libraries} libraries in "
                f"{result.countries} countries on {result.continents} continents, "
                f"{result.people} people, {len(nominations)} nominations, "
                f"{len(chosen.accepted)} participants selected."
            )
        )
        login_url = settings.SITE_URL + reverse("account_login")
        library = chosen.accepted[0].library
        self.stdout.write(
            f"A participant: {chosen.participant.display_name} ({library.name}, {library.city}) "
            f"signs in as {chosen.participant.email} with the same password"
        )
        self.stdout.write(
            f"Sign in at {login_url} as {result.facilitator_email} with password {result.password}"
        )

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
            f"{chosen.conflicts} conflicts of interest declared"
        )
        self.stdout.write(
            f"Selection published: accepted {len(chosen.accepted)} from {chosen.countries} "
            f"countries on {chosen.continents} continents, waitlisted {chosen.waitlisted}, "
            f"declined {chosen.declined}; travel stipends {chosen.stipends}"
        )
