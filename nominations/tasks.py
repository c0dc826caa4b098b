"""Thin Celery wrappers around the nominations' services: take ids, fetch, call, return."""

from celery import shared_task

from cohorts.models import Cohort

from . import selection


@shared_task(name="nominations.publish_results")
def publish_results(*, cohort_id: int) -> int:
    """Tell every applicant of a published selection who has not been told yet; running it
    again tells nobody twice. Returns how many it told."""
    cohort = Cohort.objects.filter(pk=cohort_id).first()
    if cohort is None:
        return 0
    return selection.publish_results(cohort=cohort)


@shared_task(name="nominations.resume_publications")
def resume_publications() -> int:
    """The periodic sweep: finish every publication that was interrupted. Returns how many
    applicants it told."""
    return sum(
        selection.publish_results(cohort=cohort)
        for cohort in Cohort.objects.filter(pk__in=selection.cohorts_with_untold_results())
    )
