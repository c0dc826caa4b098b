"""URLs of the selection's review pages (part of the "nominations" namespace)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
