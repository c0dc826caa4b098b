"""The settings as an operator meets them: manage.py run in a fresh process, configured only
through environment variables, against SQLite and PostgreSQL databases made from nothing.

The production settings are ``metlib.settings`` and never look at what a process imported; the
suite's own are ``metlib.test_settings``, chosen by pytest's configuration.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from .test_deployment import settings_env_names

ROOT = Path(__file__).resolve().parent.parent
EAGER_LINE = "tasks run eagerly"


def clean_environment(tmp_path: Path, **values: str) -> dict[str, str]:
    """This process's environment without any variable the settings read, plus `values`."""
    # Django reads these two itself; the test run sets both.
    dropped = settings_env_names() | {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {key: value for key, value in os.environ.items() if key not in dropped}
    environment.update(
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    environment.update(values)
    return environment


def production_environment(tmp_path: Path, **values: str) -> dict[str, str]:
    return clean_environment(
        tmp_path,
        SECRET_KEY=secrets.token_urlsafe(45),  # 60 characters
        ALLOWED_HOSTS="metlib.example.org",
        SITE_URL="https://metlib.example.org",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/15",
        **values,
    )


def manage(*args: str, environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def assert_every_migration_applied(environment: dict[str, str]) -> None:
    plan = manage("showmigrations", "--plan", environment=environment)
    assert plan.returncode == 0, plan.stderr
    lines = plan.stdout.splitlines()
    assert any("metlib.0001_initial" in line for line in lines)
    assert all(line.startswith("[X]") for line in lines), plan.stdout


def test_check_deploy_is_clean_with_production_values(tmp_path):
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", environment=production_environment(tmp_path)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
    assert EAGER_LINE not in result.stderr


@pytest.mark.parametrize(
    "command",
    [["manage.py", "check"], ["-c", "import metlib.wsgi"]],
    ids=["manage.py", "wsgi"],
)
def test_start_without_secret_key_fails_naming_it(tmp_path, command):
    environment = production_environment(tmp_path)
    del environment["SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, *command],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr.strip().splitlines()[-1]


def test_manage_py_reports_a_bad_environment_in_one_line(tmp_path):
    environment = production_environment(tmp_path)
    del environment["SECRET_KEY"]
    result = manage("migrate", environment=environment)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Configuration error: SECRET_KEY is not set: set it to a long random string, "
        "or set DEBUG=1 for development."
    ]
    assert not (tmp_path / "db.sqlite3").exists()


def test_eager_tasks_are_logged_once_with_debug_and_no_broker(tmp_path):
    result = manage("check", environment=clean_environment(tmp_path, DEBUG="1"))
    assert result.returncode == 0, result.stderr
    assert result.stderr.count(EAGER_LINE) == 1


def test_media_storage_is_chosen_by_the_environment(tmp_path):
    environment = clean_environment(
        tmp_path,
        DEBUG="1",
        MEDIA_STORAGE="django.core.files.storage.InMemoryStorage",
        MEDIA_STORAGE_OPTIONS='{"base_url": "https://files.example.org/"}',
    )
    result = manage(
        "shell",
        "-c",
        "from django.core.files.storage import storages; s = storages['default']; "
        "print(type(s).__name__, s.url('certificate.pdf'))",
        environment=environment,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [
        "InMemoryStorage",
        "https://files.example.org/certificate.pdf",
    ]


def test_models_and_migrations_agree(tmp_path):
    result = manage(
        "makemigrations", "--check", "--dry-run", environment=production_environment(tmp_path)
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


@pytest.mark.slow
def test_migrations_apply_from_zero_on_sqlite(tmp_path):
    environment = production_environment(tmp_path)
    result = manage("migrate", "--no-input", environment=environment)
    assert result.returncode == 0, result.stdout + result.stderr
    assert_every_migration_applied(environment)


@pytest.fixture
def empty_postgresql_database():
    """A new, empty database on the local PostgreSQL server, dropped afterwards."""
    name = f"metlib_deploy_{secrets.token_hex(6)}"
    admin = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield f"postgres://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.mark.slow
def test_migrations_apply_from_zero_on_postgresql(tmp_path, empty_postgresql_database):
    environment = production_environment(tmp_path, DATABASE_URL=empty_postgresql_database)
    result = manage("migrate", "--no-input", environment=environment)
    assert result.returncode == 0, result.stdout + result.stderr
    assert_every_migration_applied(environment)


def test_importing_pytest_does_not_change_the_production_settings(tmp_path):
    """A process that imports pytest (a tool, a worker started by a test) gets production settings:
    no development secret key, no fast hasher, HTTPS and secure cookies."""
    environment = production_environment(tmp_path, DJANGO_SETTINGS_MODULE="metlib.settings")
    script = (
        "import pytest, django; django.setup(); from django.conf import settings as s; "
        "print(s.PASSWORD_HASHERS[0], s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "True",
        "True",
        "31536000",
    ]
    del environment["SECRET_KEY"]
    missing = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "SECRET_KEY is not set" in missing.stderr


def test_the_suite_runs_on_its_own_settings():
    from django.conf import settings

    assert os.environ["DJANGO_SETTINGS_MODULE"] == "metlib.test_settings"
    assert settings.PASSWORD_HASHERS == ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.slow
def test_the_demo_on_sqlite_answers_every_page_its_people_reach(tmp_path):
    """``make demo`` without PostgreSQL: SQLite refuses some SQL PostgreSQL takes (an ordered
    UNION once took every signed-in cohort page down), so each demo person walks the site."""
    environment = clean_environment(tmp_path, DEBUG="1", ALLOWED_HOSTS="127.0.0.1")
    for command in (["migrate", "--no-input"], ["load_demo"]):
        result = manage(*command, environment=environment)
        assert result.returncode == 0, result.stdout + result.stderr
    script = (ROOT / "tests" / "demo" / "sqlite_crawl.py").read_text()
    result = manage("shell", "-c", script, environment=environment)
    assert result.returncode == 0, result.stderr
    answers = [line.split(" ", 1) for line in result.stdout.splitlines() if line[:1].isdigit()]
    assert len(answers) > 200, result.stdout
    assert not [path for status, path in answers if status.startswith("5")], result.stdout
