from django.urls import path

from . import mentoring_views, views

app_name = "cohorts"
urlpatterns = [
    path("calls/", views.calls, name="calls"),
    path("<slug:cohort_slug>/", views.detail, name="detail"),
    path("<slug:cohort_slug>/mentoring/", mentoring_views.manage, name="mentoring"),
    path("<slug:cohort_slug>/mentoring/mine/", mentoring_views.mine, name="mentoring_mine"),
]
