"""The home page keeps its un-namespaced name ``home`` (allauth and the layout link to it)."""

from django.urls import path

from . import home_views

urlpatterns = [path("", home_views.home, name="home")]
