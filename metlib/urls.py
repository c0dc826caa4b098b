from django.contrib import admin
from django.urls import include, path

from . import health, views

urlpatterns = [
    path("", include("circle.home_urls")),
    path("health/", health.health, name="health"),
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/", include("allauth.urls")),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("cohorts/", include("cohorts.urls")),
    path("cohorts/", include("circle.urls")),
    path("", include("nominations.urls")),
    path("", include("sessions.urls")),
    path("calendar/", include(("sessions.feed_urls", "feeds"))),
    path("", include("certificates.urls")),
    path("admin/", admin.site.urls),
]
