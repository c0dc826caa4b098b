"""What a scenario is handed: the server, the seeded data and the load settings of the run."""

from collections.abc import Callable
from dataclasses import dataclass

from .database import analyze
from .load import Answer, HttpRequest, LoadSettings, fetch, measure_http
from .registry import Measurement
from .seed import Seeded
from .timing import measure_callable


class ScenarioFailed(Exception):
    """The scenario's page did not answer as it must (a wrong status, a missing form…)."""


@dataclass(frozen=True)
class Context:
    base_url: str
    seed: Seeded
    load: LoadSettings

    def fetch(self, request: HttpRequest) -> Answer:
        """One request, answered in full: for checks and for tokens, never for timing."""
        return fetch(self.base_url, request)

    def check(self, request: HttpRequest, *, contains: str = "") -> Answer:
        """Send ``request`` once and fail the scenario unless it answers as expected."""
        answer = self.fetch(request)
        if answer.status != request.expect_status:
            where = answer.headers.get("Location", "")
            raise ScenarioFailed(
                f"{request.method} {request.path} answered {answer.status} {where}, "
                f"not {request.expect_status}"
            )
        if contains and contains not in answer.body:
            raise ScenarioFailed(f"{request.method} {request.path} lacks {contains!r}")
        return answer

    def http(self, request: HttpRequest) -> Measurement:
        """Measure ``request`` under load on the run's gunicorn."""
        analyze()
        return measure_http(self.base_url, request, self.load)

    def call(self, call: Callable[[], object]) -> Measurement:
        """Measure a callable in this process, with the run's durations."""
        analyze()
        return measure_callable(
            call,
            duration=self.load.duration,
            warmup=self.load.warmup,
            max_calls=self.load.max_requests,
        )
