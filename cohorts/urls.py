from django.urls import path

from . import views

app_name = "cohorts"
urlpatterns = [
    path("calls/", views.calls, name="calls"),
]

from .evaluation_urls import urlpatterns as evaluation_urlpatterns  # noqa: E402

urlpatterns += evaluation_urlpatterns

from .team_urls import urlpatterns as team_urlpatterns  # noqa: E402

urlpatterns += team_urlpatterns
