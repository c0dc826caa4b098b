"""A health check for load balancers and orchestrators: can this process reach its database
and its cache right now? Answers 200 "ok" or 503 naming what failed, and nothing else."""

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any failure means "not healthy"; the reason is in the server's log
        return False


def _cache_answers() -> bool:
    try:
        cache.set("metlib:health", "1", 10)
        return cache.get("metlib:health") == "1"
    except Exception:  # as above
        return False


@never_cache
@require_safe
def health(request: HttpRequest) -> HttpResponse:
    failed = [
        name
        for name, check in (("database", _database_answers), ("cache", _cache_answers))
        if not check()
    ]
    if failed:
        return HttpResponse(
            "unavailable: " + ", ".join(failed), status=503, content_type="text/plain"
        )
    return HttpResponse("ok", content_type="text/plain")
