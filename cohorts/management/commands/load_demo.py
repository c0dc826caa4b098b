"""manage.py load_demo: load the demo cohort for a first look."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse

from cohorts.demo import load_demo


class Command(BaseCommand):
    help = (
        "Create or update the demo cohort (the 2024 MetLib call with fictional libraries and "
        "people). Safe to run again. Demo only: every demo account shares one known password."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            result = load_demo(stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded the demo cohort “{result.cohort.name}”: {result.libraries} libraries in "
                f"{result.countries} countries on {result.continents} continents, "
                f"{result.people} people."
            )
        )
        login_url = settings.SITE_URL + reverse("account_login")
        self.stdout.write(
            f"Sign in at {login_url} as {result.facilitator_email} with password {result.password}"
        )
