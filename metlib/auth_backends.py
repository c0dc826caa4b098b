"""The sign-in backends: Django's (passwords, the admin, tests' ``force_login``) and allauth's
(codes and passwords by email), each reading the signed-in person by one statement.

Django asks the session's backend for the person on every signed-in page. Its ``get_user``
builds ``User.objects.get(pk=...)`` through the ORM each time, which cost more than the
query itself: about an eighth of the facilitator's dashboard, sampled. Here the statement is
written once from the model's fields and the row becomes a ``User`` through
``Model.from_db``, as the ORM would make it. Who may sign in is unchanged
(``user_can_authenticate``: inactive people may not).

A session names the backend that signed it in, so sessions from before these classes were
listed in ``AUTHENTICATION_BACKENDS`` end once, at their next page (docs/deploy.md).
"""

from functools import cache
from typing import Any

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import backends
from django.db import connection

from .fixed_statements import instance, selected_columns
from .models import User


@cache
def _user_statement() -> tuple[str, list[str]]:
    """``SELECT`` of every column of a user by id, and the field names in its order."""
    columns, fields = selected_columns(User)
    table = connection.ops.quote_name(User._meta.db_table)
    sql = f'SELECT {", ".join(columns)} FROM {table} WHERE {table}."id" = %s'  # noqa: S608 - names from the model
    return sql, fields


def user_by_id(user_id: Any) -> User | None:
    """The person whose id is ``user_id``, or None. The ORM's query on databases other than
    PostgreSQL, whose values need the backend's conversions (SQLite's dates are text)."""
    if connection.vendor != "postgresql":
        return User._default_manager.filter(pk=user_id).first()
    sql, fields = _user_statement()
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id])
        row = cursor.fetchone()
    return None if row is None else instance(User, fields, row)


class _ReadsUserByOneStatement:
    def get_user(self, user_id: Any) -> User | None:
        user = user_by_id(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None  # type: ignore[attr-defined]


class ModelBackend(_ReadsUserByOneStatement, backends.ModelBackend):
    """Django's backend."""


class AccountBackend(_ReadsUserByOneStatement, AuthenticationBackend):
    """allauth's backend."""
