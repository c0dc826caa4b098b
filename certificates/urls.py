"""The certificates' pages: the facilitator's (eligibility, names, issuing, the ZIP), the
participant's own, and the public verification page."""

from django.urls import path

from . import credential_views, facilitator_views, participant_views, verify_views

app_name = "certificates"

urlpatterns: list = [
    # Helpers add their paths here.
    path("verify/", verify_views.verify_form, name="verify_form"),
    path("verify/credential/", credential_views.verify, name="verify_credential"),
    path("verify/<str:code>/", verify_views.verify, name="verify"),
    path("credentials/jwks.json", credential_views.jwks, name="credential_jwks"),
    path(
        "credentials/issuers/<slug:programme_slug>/",
        credential_views.issuer,
        name="credential_issuer",
    ),
    path(
        "credentials/achievements/<slug:cohort_slug>/",
        credential_views.achievement,
        name="credential_achievement",
    ),
    path(
        "credentials/status/<slug:programme_slug>/",
        credential_views.status,
        name="credential_status",
    ),
    path(
        "certificates/<str:code>/credential/",
        credential_views.download,
        name="credential_download",
    ),
    path(
        "cohorts/<slug:cohort_slug>/certificates/",
        facilitator_views.eligibility_page,
        name="eligibility",
    ),
    path("cohorts/<slug:cohort_slug>/certificates/issue/", facilitator_views.issue, name="issue"),
    path(
        "cohorts/<slug:cohort_slug>/certificates/batches/<int:pk>/",
        facilitator_views.batch_page,
        name="batch",
    ),
    path(
        "cohorts/<slug:cohort_slug>/certificates/batches/<int:pk>/progress.json",
        facilitator_views.batch_progress,
        name="batch_progress",
    ),
    path(
        "cohorts/<slug:cohort_slug>/certificates/batches/<int:pk>/retry/",
        facilitator_views.batch_retry,
        name="batch_retry",
    ),
    path(
        "cohorts/<slug:cohort_slug>/certificates/<int:pk>/revoke/",
        facilitator_views.revoke,
        name="revoke",
    ),
    path(
        "cohorts/<slug:cohort_slug>/certificates/<int:pk>/reissue/",
        facilitator_views.reissue,
        name="reissue",
    ),
    path(
        "cohorts/<slug:cohort_slug>/certificates/names/<int:pk>/",
        facilitator_views.name_change,
        name="name_change",
    ),
    path(
        "cohorts/<slug:cohort_slug>/certificates/zip/", facilitator_views.zip_download, name="zip"
    ),
    path("cohorts/<slug:cohort_slug>/certificate/", participant_views.mine, name="mine"),
    path(
        "cohorts/<slug:cohort_slug>/certificate/reissue/",
        participant_views.reissue_mine,
        name="reissue_mine",
    ),
    path("certificates/<str:code>/download/", participant_views.download, name="download"),
]
