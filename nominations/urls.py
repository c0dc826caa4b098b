from django.urls import path

from . import views

app_name = "nominations"
urlpatterns = [
    path("calls/<slug:cohort_slug>/", views.call_page, name="call"),
    path("calls/<slug:cohort_slug>/nominate/", views.nominate, name="nominate"),
    path("nominations/", views.my_nominations, name="mine"),
    path("nominations/<int:pk>/", views.detail, name="detail"),
    path("nominations/<int:pk>/edit/", views.edit, name="edit"),
    path("nominations/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("nominations/confirm/<str:token>/", views.confirm, name="confirm"),
]
