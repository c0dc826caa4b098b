"""Benchmarks for MetLib Circle: ``python -m bench`` (``make bench``).

Speed is measured, not guessed, and these machines are noisy: every figure is reported as a
ratio to a baseline measured in the same run (a bare Django view on the same gunicorn, or a
bare callable such as plain WeasyPrint), against the target the issue set.

Layout:
    registry.py    the Scenario type, the ``@scenario`` decorator and the list it fills
    scenarios/     one module per area; each scenario is a small registered function
    load.py        the load generators: wrk (Debian), or a Python keep-alive client
    timing.py      timing a plain callable, for scenarios that are not HTTP
    environment.py the environment the bench runs Django and gunicorn with
    database.py    the throwaway bench database, dropped and recreated each run
    seed.py        the data every scenario uses, made with the project's own factories
    server.py      gunicorn on 127.0.0.1, started and stopped by the run
    report.py      the table on stdout and var/bench/results.json
    urls.py        the bench-only URLconf (production URLs plus ``bench/bare/``)
    profile.py     ``python -m bench.profile``: where the nomination form page spends its time
"""
