"""URLs of the selection's ranking pages (part of the "nominations" namespace)."""

from django.urls import path

from . import ranking_views

urlpatterns = [
    path(
        "cohorts/<slug:cohort_slug>/selection/ranking/",
        ranking_views.ranking_page,
        name="ranking",
    ),
    path(
        "cohorts/<slug:cohort_slug>/selection/reviews.csv",
        ranking_views.reviews_csv,
        name="reviews_csv",
    ),
    path(
        "cohorts/<slug:cohort_slug>/selection/diversity/",
        ranking_views.diversity_page,
        name="diversity",
    ),
]
