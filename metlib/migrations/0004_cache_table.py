"""The database cache's table: production without REDIS_URL keeps rate limits and sessions
there (metlib/settings.py). Made whatever the cache setting, so switching Redis off later
needs no extra command."""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

TABLE = "metlib_cache"


def create_table(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("metlib", "0003_single_line_text")]

    operations = [migrations.RunPython(create_table, drop_table, elidable=False)]
