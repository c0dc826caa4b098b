"""Calendar feed URLs, included from metlib/urls.py under ``calendar/`` as ``feeds``."""

from django.urls import path

from . import delivery_views, feed_views, schedule_views

urlpatterns = [
    path("feed/<int:person_id>/<str:secret>.ics", feed_views.feed, name="feed"),
    path("events/<uuid:uid>.ics", feed_views.event_ics, name="event_ics"),
    path("subscribe/", feed_views.subscribe, name="subscribe"),
    path("subscribe/delivery/", delivery_views.delivery, name="delivery"),
    path("mine/", schedule_views.my_schedule, name="mine"),
]
