from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CircleConfig(AppConfig):
    """The pages that show a cohort as a whole, reading across the domain apps.

    It sits above cohorts, nominations, sessions and certificates and has no models of its own:
    the home page, the cohort's page, the facilitator's dashboard, the participant's year, the
    roster, the directory of libraries and people, the exports and the mentoring pages.
    """

    name = "circle"
    verbose_name = _("Learning circle")
