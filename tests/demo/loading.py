"""The demo, loaded once per test worker for the tests that only read it.

:func:`load_demo_command` behaves as ``manage.py load_demo`` does for the test calling it: the
first call in a test returns the output of the load the package already made (the database
holds exactly what a load leaves, since every test's changes are rolled back); a second call in
the same test really loads the demo again, which is how the idempotence tests check that a
second load changes nothing.
"""

from io import StringIO

from django.core.management import call_command


class _Loads:
    output = ""
    calls_in_this_test = 0


LOADS = _Loads()


def run_load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def load_demo_command() -> str:
    LOADS.calls_in_this_test += 1
    if LOADS.calls_in_this_test == 1 and LOADS.output:
        return LOADS.output
    return run_load_demo()
