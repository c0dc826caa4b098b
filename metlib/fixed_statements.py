"""Statements written once from a model and read back into model instances, for the few
reads on every page (the signed-in person, the page's cohort) where building the ORM's query
each time cost more than running it. PostgreSQL only: elsewhere (SQLite's dates are text)
the callers use the ORM, whose conversions the values need."""

from typing import Any

from django.db import connection
from django.db.models import Model


def selected_columns(model: type[Model]) -> tuple[list[str], list[str]]:
    """Every concrete column of ``model``, qualified by its table and quoted, and the fields'
    names in the same order: what a statement selects, and what ``model.from_db`` takes."""
    meta, quote = model._meta, connection.ops.quote_name
    table = quote(meta.db_table)
    return (
        [f"{table}.{quote(field.column)}" for field in meta.concrete_fields],
        [field.attname for field in meta.concrete_fields],
    )


def instance(model: type[Model], fields: list[str], values: Any) -> Model:
    """A row's ``values`` (in the order of ``fields``) as the ORM would make ``model``."""
    return model.from_db(connection.alias, fields, values)
