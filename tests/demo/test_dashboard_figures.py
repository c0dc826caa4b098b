"""The dashboard's figures read the same through the ORM (SQLite's way, the embedded default)
as through the one PostgreSQL statement, for each of the demo's cohorts."""

import pytest

from circle.dashboard import _figures_by_orm, cohort_figures
from cohorts.models import Cohort

pytestmark = pytest.mark.django_db


def _comparable(figures: dict) -> dict:
    lists = ("made_eligible", "made_not_eligible", "certified", "names_confirmed")
    return {
        **figures,
        **{name: sorted(figures[name]) for name in lists},
        "status_counts": figures["status_counts"] or {},
    }


@pytest.mark.parametrize("slug", ["metlib-2024", "metlib-2026", "metlib-2027"])
def test_figures_by_orm_are_the_statements(slug):
    cohort = Cohort.objects.get(slug=slug)
    assert _comparable(_figures_by_orm(cohort=cohort)) == _comparable(cohort_figures(cohort=cohort))
