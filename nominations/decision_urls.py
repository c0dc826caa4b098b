"""URLs of the selection's decision pages (part of the "nominations" namespace)."""

from django.urls import path

from . import decision_views

SELECTION = "cohorts/<slug:cohort_slug>/selection/"

urlpatterns = [
    path(f"{SELECTION}assistant/", decision_views.assistant_page, name="assistant"),
    path(f"{SELECTION}assistant/run/", decision_views.assistant_run, name="assistant_run"),
    path(
        f"{SELECTION}assistant/settings/",
        decision_views.assistant_settings,
        name="assistant_settings",
    ),
    path(
        f"{SELECTION}assistant/pins/<int:pk>/",
        decision_views.assistant_pin,
        name="assistant_pin",
    ),
    path(f"{SELECTION}assistant/apply/", decision_views.assistant_apply, name="assistant_apply"),
    path(f"{SELECTION}decisions/", decision_views.decisions, name="decisions"),
    path(f"{SELECTION}decisions/<int:pk>/", decision_views.decide, name="decide"),
    path(f"{SELECTION}decisions/<int:pk>/promote/", decision_views.promote, name="promote"),
    path(f"{SELECTION}publish/", decision_views.publish, name="publish"),
    path(f"{SELECTION}publish/resume/", decision_views.publish_resume, name="publish_resume"),
]
