"""A counter PostgreSQL moves, in the writing transaction, on every write to a table a calendar
feed shows: events, their presenters, guest speakers and preparation, cohorts, memberships,
mentoring groups and their members, feeds, and people (only the columns feeds show). A feed
kept with the counter's value is proven current while the value is the same, by one cheap
read; when it moved, the poll compares the digest of what the feed shows (sessions.feeds).
Nothing on other databases (SQLite): polls there always build the feed.

The counter is one row: a transaction that writes these tables holds its lock from its first
such statement to its commit, so writers of these tables (rare: schedules, memberships,
profile names) take turns at their commit. It must move in the writing transaction, visible
exactly when the data is: a sequence (never blocking) moves before the commit and would let
a poll keep the old digest under the new number."""

from django.db import migrations

TABLES = (
    "calendar_event",
    "calendar_event_presenters",
    "calendar_guestspeaker",
    "calendar_preparationitem",
    "calendar_calendarfeed",
    "cohorts_cohort",
    "cohorts_membership",
    "cohorts_mentoringgroup",
    "cohorts_mentoringgroup_members",
)
USER_COLUMNS = ("display_name", "email", "is_active", "language", "time_zone")

CREATE = [
    "CREATE TABLE calendar_feed_data_version"
    " (id smallint PRIMARY KEY CHECK (id = 1), version bigint NOT NULL)",
    "INSERT INTO calendar_feed_data_version VALUES (1, 1)",
    "CREATE FUNCTION calendar_feed_data_changed() RETURNS trigger LANGUAGE plpgsql AS $fn$"
    " BEGIN UPDATE calendar_feed_data_version SET version = version + 1 WHERE id = 1;"
    " RETURN NULL; END $fn$",
    *(
        f"CREATE TRIGGER calendar_feed_data_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE"
        f" ON {table} FOR EACH STATEMENT EXECUTE FUNCTION calendar_feed_data_changed()"
        for table in TABLES
    ),
    "CREATE TRIGGER calendar_feed_data_changed AFTER INSERT OR DELETE OR TRUNCATE"
    " ON metlib_user FOR EACH STATEMENT EXECUTE FUNCTION calendar_feed_data_changed()",
    "CREATE TRIGGER calendar_feed_data_changed_user AFTER UPDATE ON metlib_user FOR EACH ROW"
    " WHEN ("
    + " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in USER_COLUMNS)
    + ") EXECUTE FUNCTION calendar_feed_data_changed()",
]
DROP = [
    *(f"DROP TRIGGER IF EXISTS calendar_feed_data_changed ON {table}" for table in TABLES),
    "DROP TRIGGER IF EXISTS calendar_feed_data_changed ON metlib_user",
    "DROP TRIGGER IF EXISTS calendar_feed_data_changed_user ON metlib_user",
    "DROP FUNCTION IF EXISTS calendar_feed_data_changed()",
    "DROP TABLE IF EXISTS calendar_feed_data_version",
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("calendar", "0006_calendar_delivery"),
        ("cohorts", "0011_stipend_rule"),
        ("metlib", "0004_cache_table"),
    ]

    operations = [migrations.RunPython(create, drop)]
