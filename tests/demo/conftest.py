"""Every test here starts from the demo as ``load_demo`` leaves it, loaded once per worker.

The load runs in a transaction held open for the whole package; each test runs in a savepoint
inside it (pytest-django's ``django_db``), rolled back after the test, and the package's
transaction is rolled back at the end. The tests share one xdist group, so one worker loads it.
"""

import pytest
from django.db import transaction

from .loading import LOADS, run_load_demo


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/demo/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.xdist_group("demo"))


@pytest.fixture(scope="package", autouse=True)
def demo_loaded_once(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            LOADS.output = run_load_demo()
            yield LOADS.output
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            LOADS.output = ""


@pytest.fixture(autouse=True)
def _count_loads_per_test():
    LOADS.calls_in_this_test = 0
