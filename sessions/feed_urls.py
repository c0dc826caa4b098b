"""Calendar feed URLs, included from metlib/urls.py under ``calendar/`` as ``feeds``."""

from django.urls import path

from . import feed_views, schedule_views

urlpatterns = [
    path("feed/<int:person_id>/<str:secret>.ics", feed_views.feed, name="feed"),
    path("events/<uuid:uid>.ics", feed_views.event_ics, name="event_ics"),
    path("subscribe/", feed_views.subscribe, name="subscribe"),
    path("mine/", schedule_views.my_schedule, name="mine"),
]
