"""The evaluation's addresses, included into the ``cohorts`` namespace by cohorts/urls.py."""

from django.urls import path

from . import evaluation_views

urlpatterns = [
    path("<slug:cohort_slug>/evaluation/", evaluation_views.answer, name="evaluation_answer"),
    path(
        "<slug:cohort_slug>/evaluation/manage/",
        evaluation_views.manage,
        name="evaluation_manage",
    ),
    path(
        "<slug:cohort_slug>/evaluation/open/",
        evaluation_views.open_evaluation,
        name="evaluation_open",
    ),
    path(
        "<slug:cohort_slug>/evaluation/close/",
        evaluation_views.close_evaluation,
        name="evaluation_close",
    ),
    path(
        "<slug:cohort_slug>/evaluation/remind/", evaluation_views.remind, name="evaluation_remind"
    ),
    path(
        "<slug:cohort_slug>/evaluation/results/",
        evaluation_views.results,
        name="evaluation_results",
    ),
    path(
        "<slug:cohort_slug>/evaluation/results.csv",
        evaluation_views.results_csv,
        name="evaluation_csv",
    ),
]
