"""The facilitator's calendar pages of a cohort. (Feeds have their own module, feed_urls.)"""

from django.urls import path

from . import attendance_views, details_views, presenter_views, views

app_name = "calendar"

urlpatterns = [
    path("cohorts/<slug:cohort_slug>/calendar/", views.overview, name="overview"),
    path("cohorts/<slug:cohort_slug>/calendar/generate/", views.generate, name="generate"),
    path("cohorts/<slug:cohort_slug>/calendar/add/", views.add, name="add"),
    path(
        "cohorts/<slug:cohort_slug>/calendar/reminders/",
        views.reminder_offsets,
        name="reminders",
    ),
    path("cohorts/<slug:cohort_slug>/calendar/<int:pk>/move/", views.move, name="move"),
    path("cohorts/<slug:cohort_slug>/calendar/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("cohorts/<slug:cohort_slug>/calendar/<int:pk>/restore/", views.restore, name="restore"),
    path(
        "cohorts/<slug:cohort_slug>/calendar/<int:pk>/details/",
        details_views.event_details,
        name="details",
    ),
    path(
        "calendar/preparation/<int:pk>/",
        details_views.preparation_file,
        name="preparation_file",
    ),
    path("cohorts/<slug:cohort_slug>/attendance/", attendance_views.grid, name="attendance"),
    path(
        "cohorts/<slug:cohort_slug>/attendance/<int:pk>/",
        attendance_views.session,
        name="attendance_session",
    ),
    path(
        "cohorts/<slug:cohort_slug>/attendance/mine/",
        attendance_views.mine,
        name="attendance_mine",
    ),
    path(
        "cohorts/<slug:cohort_slug>/calendar/presenters/",
        presenter_views.presenters_page,
        name="presenters",
    ),
]
