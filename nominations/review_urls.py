"""URLs of the selection's review pages (part of the "nominations" namespace)."""

from django.urls import path

from . import review_views

urlpatterns: list = [
    # The facilitator's side.
    path(
        "cohorts/<slug:cohort_slug>/selection/",
        review_views.selection_overview,
        name="selection_overview",
    ),
    path(
        "cohorts/<slug:cohort_slug>/selection/criteria/",
        review_views.selection_criteria,
        name="selection_criteria",
    ),
    path(
        "cohorts/<slug:cohort_slug>/selection/open-review/",
        review_views.selection_open_review,
        name="selection_open_review",
    ),
    path(
        "cohorts/<slug:cohort_slug>/selection/close/",
        review_views.selection_close,
        name="selection_close",
    ),
    path(
        "cohorts/<slug:cohort_slug>/selection/reopen/",
        review_views.selection_reopen,
        name="selection_reopen",
    ),
    # The advisor's side.
    path("cohorts/<slug:cohort_slug>/reviews/", review_views.review_list, name="review_list"),
    path(
        "cohorts/<slug:cohort_slug>/reviews/<int:pk>/",
        review_views.review_detail,
        name="review_detail",
    ),
    path(
        "cohorts/<slug:cohort_slug>/reviews/<int:pk>/conflict/",
        review_views.review_conflict,
        name="review_conflict",
    ),
    path(
        "cohorts/<slug:cohort_slug>/reviews/<int:pk>/conflict/withdraw/",
        review_views.review_conflict_withdraw,
        name="review_conflict_withdraw",
    ),
]
