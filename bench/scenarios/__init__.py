"""Every scenario module. A scenario module registers its baselines before the scenarios
compared with them (importing them does it: ``nominations`` imports ``web``'s bare view).

Add a module here (e.g. ``calendar``, ``reminders``, ``certificates``) and register its
scenarios with :func:`bench.registry.scenario`.
"""

from .. import assistant  # the selection assistant's solve times (absolute, no ratio)
from . import calendar, certificate_batch, certificates, dashboard, nominations, rush, web
from .attendance import attendance_list  # noqa: F401  (registers the attendance scenarios)

__all__ = [
    "assistant",
    "calendar",
    "certificate_batch",
    "certificates",
    "dashboard",
    "nominations",
    "rush",
    "web",
]
