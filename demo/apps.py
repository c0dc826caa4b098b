from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo: ``manage.py load_demo`` and its data files, above every other app."""

    name = "demo"
    verbose_name = _("Demo")
