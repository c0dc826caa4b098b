from django.urls import path

from . import decision_urls, pipeline_views, ranking_urls, review_urls, views

app_name = "nominations"
urlpatterns = [
    path("calls/<slug:cohort_slug>/", views.call_page, name="call"),
    path("calls/<slug:cohort_slug>/nominate/", views.nominate, name="nominate"),
    path("nominations/", views.my_nominations, name="mine"),
    path("nominations/<int:pk>/", views.detail, name="detail"),
    path("nominations/<int:pk>/edit/", views.edit, name="edit"),
    path("nominations/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("nominations/confirm/<str:token>/", views.confirm, name="confirm"),
    # The facilitator's side of a cohort's nominations.
    path(
        "cohorts/<slug:cohort_slug>/nominations/",
        pipeline_views.pipeline_list,
        name="pipeline",
    ),
    path(
        "cohorts/<slug:cohort_slug>/nominations/export.csv",
        pipeline_views.pipeline_csv,
        name="pipeline_csv",
    ),
    path(
        "cohorts/<slug:cohort_slug>/nominations/<int:pk>/",
        pipeline_views.pipeline_detail,
        name="pipeline_detail",
    ),
    path(
        "cohorts/<slug:cohort_slug>/nominations/<int:pk>/let-in-late/",
        pipeline_views.admit_late,
        name="admit_late",
    ),
    path("cohorts/<slug:cohort_slug>/call/edit/", pipeline_views.call_edit, name="call_edit"),
    path(
        "cohorts/<slug:cohort_slug>/call/publish/",
        pipeline_views.call_publish,
        name="call_publish",
    ),
]

# Selection: each part keeps its own URL module, joined here under the same namespace.
urlpatterns += review_urls.urlpatterns + ranking_urls.urlpatterns + decision_urls.urlpatterns
