from django.urls import path

from . import views

app_name = "cohorts"
urlpatterns = [
    path("calls/", views.calls, name="calls"),
    path("<slug:cohort_slug>/", views.detail, name="detail"),
]
