import pytest
from django.apps import apps
from django.contrib import admin
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
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for model in our_models():
        info = (model._meta.app_label, model._meta.model_name)
        assert client.get(reverse("admin:{}_{}_changelist".format(*info))).status_code == 200
        assert client.get(reverse("admin:{}_{}_add".format(*info))).status_code == 200
