from django.urls import path

from . import team_views

urlpatterns = [
    path("programmes/<slug:programme_slug>/", team_views.programme, name="programme"),
    path("<slug:cohort_slug>/team/", team_views.team, name="team"),
    path(
        "<slug:cohort_slug>/team/<int:membership_id>/end/",
        team_views.team_remove,
        name="team_remove",
    ),
]
