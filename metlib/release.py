"""Which release of the code is running: a short digest of its source, templates and
translations, and of the versions of Django and allauth.

Caches that keep rendered output (see :mod:`metlib.generations`) include it in their keys,
so a deployment of new code never serves what the old code rendered, even when the cache
(Redis) outlives the processes.
"""

import hashlib
import os
from functools import cache
from pathlib import Path

import allauth
import django
from django.conf import settings

SUFFIXES = (".py", ".html", ".txt", ".mo", ".csv")
SKIPPED = {".git", ".venv", "var", "tests", "bench", "node_modules", "__pycache__", "static"}


@cache
def release() -> str:
    """The digest (computed once per process, on first use: a few milliseconds)."""
    digest = hashlib.sha256(f"{django.__version__}:{allauth.__version__}".encode())
    base = Path(settings.BASE_DIR)
    for folder, subfolders, files in os.walk(base):
        subfolders[:] = sorted(name for name in subfolders if name not in SKIPPED)
        for name in sorted(files):
            if name.endswith(SUFFIXES):
                path = Path(folder, name)
                digest.update(str(path.relative_to(base)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
