from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarConfig(AppConfig):
    """Everything on the cohort's calendar.

    The folder is ``sessions/`` but the label is ``calendar``: ``django.contrib.sessions``
    owns the label ``sessions`` and must stay installed for logins. Never change this
    label once migrations exist.
    """

    name = "sessions"
    label = "calendar"
    verbose_name = _("Calendar")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from .feeds import make_digest_function

        post_migrate.connect(make_digest_function, sender=self)
