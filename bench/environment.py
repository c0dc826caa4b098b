"""The environment the bench runs Django with, in its own process and in gunicorn's.

Production settings (DEBUG off, manifest static files, persistent database connections, the
Redis cache) with what a loopback benchmark needs instead: a test secret key, plain HTTP on
127.0.0.1, no allauth rate limits, and the bench-only URLconf.
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VAR = BASE_DIR / "var" / "bench"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/metlib_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"
CACHE_KEY_PREFIX = "metlib-bench"


def bench_environment(*, database_url: str, redis_url: str) -> dict[str, str]:
    """Every variable the bench sets; anything else comes from the caller's environment."""
    return {
        "DJANGO_SETTINGS_MODULE": "metlib.settings",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-never-used-anywhere-else-0123456789abcdef",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "http://127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "ACCOUNT_RATE_LIMITS_DISABLED": "1",
        "ROOT_URLCONF": "bench.urls",
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "600",
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": CACHE_KEY_PREFIX,
        "CELERY_BROKER_URL": "",  # tasks run in-process; no scenario here enqueues any
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "STATIC_ROOT": str(VAR / "static"),
        "MEDIA_ROOT": str(VAR / "media"),
        "LOG_LEVEL": "WARNING",
    }


def redis_reachable(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def forget_cached(url: str) -> int:
    """Delete what an earlier bench run left in the cache, and nothing else: the database
    behind it is new, so any fragment cached from the old one would be wrong."""
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match=f"{CACHE_KEY_PREFIX}:*", count=1000))
    if keys:
        client.delete(*keys)
    return len(keys)


def apply(variables: dict[str, str]) -> None:
    os.environ.update(variables)
    VAR.mkdir(parents=True, exist_ok=True)
