"""The throwaway bench database: dropped, created and migrated at the start of every run."""

import dj_database_url
import psycopg
from psycopg import sql


def recreate_database(url: str) -> str:
    """Drop and create the database ``url`` names; refuse any whose name lacks "bench"."""
    params = dj_database_url.parse(url)
    if "postgresql" not in params["ENGINE"]:
        raise SystemExit(f"The bench needs PostgreSQL; DATABASE_URL is {url!r}")
    name = params["NAME"]
    if "bench" not in name:
        raise SystemExit(f"Refusing to drop {name!r}: the bench drops only a *bench* database")
    with psycopg.connect(
        host=params.get("HOST") or None,
        port=params.get("PORT") or None,
        user=params.get("USER") or None,
        password=params.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    ) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return name


def migrate_and_collect_static() -> None:
    """Migrate, and collect static files: DEBUG is off, so pages need the manifest."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def analyze() -> None:
    """Give PostgreSQL the statistics of what the seed and the scenarios wrote, as autovacuum
    gives a database in use: without them it plans for empty tables, which can make a page
    faster or slower than it is in production."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
