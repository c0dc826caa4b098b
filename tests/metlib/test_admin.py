import pytest
from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from ..factories import NominationFactory, UserFactory

OUR_APPS = ("metlib", "cohorts", "nominations", "calendar", "certificates")


def our_models():
    return [model for label in OUR_APPS for model in apps.get_app_config(label).get_models()]


def test_every_model_of_ours_is_in_the_admin():
    missing = [model.__name__ for model in our_models() if model not in admin.site._registry]
    assert missing == []


@pytest.mark.django_db
def test_every_admin_changelist_and_add_page_renders(client):
    NominationFactory()
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    asking = RequestFactory().get("/")
    asking.user = superuser
    for model in our_models():
        info = (model._meta.app_label, model._meta.model_name)
        assert client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200
        # Rows the app makes itself (mailed links, signing keys) have no add page.
        addable = admin.site._registry[model].has_add_permission(asking)
        added = client.get(reverse("admin:{}_{}_add".format(*info)))
        assert added.status_code == (200 if addable else 403)
