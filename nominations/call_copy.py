"""Next year's call starts from last year's: its texts, rules and criteria copied."""

from cohorts.models import Cohort

from .models import Call, Criterion


def copy_call(*, source: Cohort, to: Cohort) -> Call | None:
    """Copy ``source``'s call texts, rules and scoring criteria to ``to`` (which has none yet).

    Returns the new call, or None when ``source`` had no call.
    """
    call = Call.objects.filter(cohort=source).first()
    if call is None:
        return None
    # Saved again as a new row, column by column: every language's texts (one column each,
    # nominations/translation.py) come along as they are stored.
    call.pk = None
    call.cohort = to
    call._state.adding = True
    call.save()
    Criterion.objects.bulk_create(
        Criterion(cohort=to, name=c.name, description=c.description, position=c.position)
        for c in Criterion.objects.filter(cohort=source)
    )
    return call
