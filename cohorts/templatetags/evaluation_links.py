"""``{% evaluation_links cohort %}``: the cohort page's links to the end-of-year evaluation."""

from typing import Any

from django import template

from ..evaluation import evaluation_of, own_answer
from ..models import Cohort, Role
from ..permissions import Perm, cohort_roles, has_cohort_perm

register = template.Library()


@register.inclusion_tag("cohorts/evaluation/_links.html", takes_context=True)
def evaluation_links(context: dict[str, Any], cohort: Cohort) -> dict[str, Any]:
    """For a participant: answer (or see) the evaluation once it is open. For a facilitator:
    manage it and read its results. Nobody else sees a link; two queries at most."""
    user = context["request"].user
    manages = has_cohort_perm(user=user, cohort=cohort, perm=Perm.MANAGE_COHORT)
    answers = Role.PARTICIPANT in cohort_roles(user=user, cohort=cohort)
    if not (manages or answers):
        return {"shown": False}
    evaluation = evaluation_of(cohort=cohort)
    opened = evaluation is not None and evaluation.opens_at is not None
    return {
        "shown": True,
        "cohort": cohort,
        "manages": manages,
        "answers": answers and opened,
        "opened": opened,
        "is_open": opened and evaluation.is_open(),
        "answered": answers
        and opened
        and own_answer(evaluation=evaluation, person=user) is not None,
    }
