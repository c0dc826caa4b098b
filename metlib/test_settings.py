"""Settings for the test suite, chosen by pytest's configuration (pyproject.toml).

The production settings never guess whether they run under a test: everything the tests need
different is said here, once. A process that only happens to import pytest gets production
settings.
"""

import os

# Read by the production settings at import; the tests need no operator-supplied secret.
os.environ.setdefault("SECRET_KEY", "test-suite-only-key-never-used-elsewhere-0123456789")

from .settings import *  # noqa: F403
from .settings import REDIS_URL, STORAGES, envlist

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost")
# Tests create many users; the real hasher is deliberately slow.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The test client and the test servers speak plain HTTP.
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# No collectstatic before a test run: files are served from the apps' folders.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# One process: without Redis, its own memory is a shared cache (production would use the
# database's, which tests without database access could not clear).
if not REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Eager tasks are what most tests want; the ones that need a worker start one.
WARN_EAGER_TASKS = False
