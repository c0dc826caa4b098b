"""Next year's call starts from last year's: its texts, rules and criteria copied."""

from cohorts.models import Cohort

from .models import Call, Criterion

_NOT_COPIED = {"id", "cohort"}


def copy_call(*, source: Cohort, to: Cohort) -> Call | None:
    """Copy ``source``'s call texts, rules and scoring criteria to ``to`` (which has none yet).

    Returns the new call, or None when ``source`` had no call.
    """
    old = Call.objects.filter(cohort=source).first()
    if old is None:
        return None
    fields = {
        field.name: getattr(old, field.name)
        for field in Call._meta.concrete_fields
        if field.name not in _NOT_COPIED
    }
    call = Call.objects.create(cohort=to, **fields)
    Criterion.objects.bulk_create(
        Criterion(cohort=to, name=c.name, description=c.description, position=c.position)
        for c in Criterion.objects.filter(cohort=source)
    )
    return call
