"""The cohort-wide pages, under ``/cohorts/`` beside the cohorts app's own (calls, evaluation)."""

from django.urls import path

from . import (
    alumni_views,
    cohort_views,
    dashboard_views,
    directory_views,
    mentoring_views,
    next_cohort_views,
    roster_views,
    year_views,
)

app_name = "circle"
urlpatterns = [
    path("libraries/", directory_views.libraries, name="libraries"),
    path("libraries/<int:pk>/", directory_views.library, name="library"),
    path("people/me/history/", directory_views.my_history, name="my_history"),
    path("people/<int:user_id>/history/", directory_views.history, name="history"),
    path("programmes/<slug:programme_slug>/alumni/", alumni_views.alumni, name="alumni"),
    path("programmes/<slug:programme_slug>/alumni.csv", alumni_views.alumni_csv, name="alumni_csv"),
    path("<slug:cohort_slug>/", cohort_views.detail, name="detail"),
    path("<slug:cohort_slug>/next/", next_cohort_views.next_cohort, name="next_cohort"),
    path("<slug:cohort_slug>/mentoring/", mentoring_views.manage, name="mentoring"),
    path("<slug:cohort_slug>/roster/", roster_views.roster, name="roster"),
    path("<slug:cohort_slug>/people/<int:user_id>/", roster_views.person, name="person"),
    path("<slug:cohort_slug>/mentoring/mine/", mentoring_views.mine, name="mentoring_mine"),
    path("<slug:cohort_slug>/dashboard/", dashboard_views.dashboard, name="dashboard"),
    path(
        "<slug:cohort_slug>/dashboard/mail/<int:email_id>/retry/",
        dashboard_views.retry_mail,
        name="dashboard_retry_mail",
    ),
    path("<slug:cohort_slug>/roster.csv", dashboard_views.roster_csv, name="roster_csv"),
    path(
        "<slug:cohort_slug>/attendance.csv",
        dashboard_views.attendance_csv,
        name="attendance_csv",
    ),
    path("<slug:cohort_slug>/year/", year_views.year, name="year"),
]
