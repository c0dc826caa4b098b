import logging

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger("metlib")


class MetlibConfig(AppConfig):
    name = "metlib"
    verbose_name = _("MetLib Circle")

    def ready(self) -> None:
        if settings.CELERY_TASK_ALWAYS_EAGER and settings.WARN_EAGER_TASKS:
            logger.warning(
                "CELERY_BROKER_URL is not set: background tasks run eagerly in the web process."
            )
        if settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache"):
            logger.warning(
                "REDIS_URL is not set: rate limits and sessions use the database cache "
                "(table metlib_cache), shared by every process; set REDIS_URL for Redis."
            )
