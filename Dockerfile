# One image for every process of a deployment: gunicorn (the default command), the Celery
# worker and beat (docker-compose.yml picks the command). Configuration comes only from the
# environment; the README lists every variable.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/venv/bin:$PATH \
    WEB_CONCURRENCY=2

# WeasyPrint's runtime: Pango, and HarfBuzz's subsetter (without it PDFs are ~8x slower).
# DejaVu and Noto cover Latin with every European diacritic, Greek, Cyrillic and Arabic;
# Noto CJK covers Chinese (a cohort's certificates may print in it).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-noto-core fonts-noto-cjk \
        gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so a code change does not reinstall them. Every file is hash-checked.
COPY requirements/base.txt requirements/base.txt
RUN python -m venv /opt/venv \
    && pip install --require-hashes -r requirements/base.txt

COPY . .

# Static files are collected into the image and served by whitenoise. The key only lets the
# settings load for this one command; it is not stored in the image's environment.
RUN SECRET_KEY=collectstatic-at-build-time-only python manage.py collectstatic --no-input
# The translation catalogues (locale/) are compiled here; .mo files are not kept in git.
RUN python scripts/translations.py compile

# The code stays root's and read-only; the app may write only its media folder, which the
# compose file mounts as a named volume (a new volume takes this folder's owner).
RUN useradd --system --user-group --create-home --uid 10001 metlib \
    && mkdir -p /app/var/media \
    && chown metlib:metlib /app/var/media
USER metlib

EXPOSE 8000

# Asks /health/ (database and cache) as the public host over "https" (gunicorn trusts
# X-Forwarded-Proto from 127.0.0.1), so a wrong ALLOWED_HOSTS, an unreachable database or
# cache shows as unhealthy.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import http.client, os, sys, urllib.parse; c = http.client.HTTPConnection('127.0.0.1', 8000, timeout=8); c.request('GET', '/health/', headers={'Host': urllib.parse.urlsplit(os.environ.get('SITE_URL', 'http://localhost')).netloc, 'X-Forwarded-Proto': 'https'}); sys.exit(c.getresponse().status >= 400)"]

# gunicorn reads the number of worker processes from WEB_CONCURRENCY.
CMD ["gunicorn", "metlib.wsgi:application", "--bind", "0.0.0.0:8000", "--worker-tmp-dir", "/dev/shm", "--access-logfile", "-"]
