"""The IANA time zones people may choose, and validation of a chosen one."""

import zoneinfo
from functools import cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


@cache
def available_time_zones() -> tuple[str, ...]:
    """Every canonical IANA zone name, sorted; legacy aliases such as "US/Eastern" are left out."""
    names = zoneinfo.available_timezones()
    legacy = ("Etc/", "SystemV/", "US/", "posix/", "right/")
    return (*sorted(n for n in names if "/" in n and not n.startswith(legacy)), "UTC")


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _(
                "“%(value)s” is not a time zone we know. "
                "Choose one from the list, e.g. Europe/Paris."
            ),
            params={"value": value},
            code="unknown_time_zone",
        )
