"""The finished cohort's end-of-year evaluation: opened in March 2025, answered by most of the
participants, closed by its deadline; the facilitator has results and a CSV to read, each
participant the answer they gave. Keyed on (cohort) and (evaluation, person): a second load
leaves the same rows."""

from datetime import datetime
from typing import Any

from cohorts.evaluation_models import Evaluation, EvaluationAnswer
from cohorts.models import Cohort, Membership, Role

from .data import read


def load_evaluation(*, cohort: Cohort) -> tuple[Evaluation, int]:
    """(the evaluation, how many answered)."""
    data = read("evaluation-2024")
    evaluation, _created = Evaluation.objects.update_or_create(
        cohort=cohort,
        defaults={
            "opens_at": datetime.fromisoformat(data["opened"]),
            "closes_at": datetime.fromisoformat(data["deadline"]),
            "closed_at": None,
        },
    )
    people: list[Any] = [
        membership.user
        for membership in Membership.objects.filter(cohort=cohort, role=Role.PARTICIPANT)
        .select_related("user")
        .order_by("user__display_name", "pk")
    ]
    answers = data["answer"][: max(len(people) - 2, 0)]
    for person, answer in zip(people, answers, strict=False):
        EvaluationAnswer.objects.update_or_create(
            evaluation=evaluation,
            person=person,
            defaults={
                "recommend": answer["recommend"],
                "valued_most": answer.get("valued_most", ""),
                "to_change": answer.get("to_change", ""),
                "comments": answer.get("comments", ""),
            },
        )
    return evaluation, len(answers)
