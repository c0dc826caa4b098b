"""Django admin's own login view had no rate limit: 25 wrong passwords, then the right one,
signed a superuser in. Admin sign-in now goes through allauth's sign-in and its lock-out."""

from django.urls import reverse

from tests.factories import UserFactory

PASSWORD = "a-long-test-password"


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_admin_login_does_not_sign_in_after_many_wrong_passwords(client, db):
    admin = UserFactory(is_staff=True, is_superuser=True)
    for _ in range(25):
        client.post("/admin/login/", {"username": admin.email, "password": "wrong-guess"})
    response = client.post("/admin/login/", {"username": admin.email, "password": PASSWORD})
    assert not _signed_in(client)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_admin_login_sends_a_visitor_to_the_rate_limited_sign_in(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=%2Fadmin%2F"


def test_sign_in_locks_out_after_repeated_failures(client, db):
    admin = UserFactory(is_staff=True, is_superuser=True)
    url = reverse("account_login")
    for _ in range(5):
        client.post(url, {"login": admin.email, "password": "wrong-guess"})
    client.post(url, {"login": admin.email, "password": PASSWORD})
    assert not _signed_in(client)


def test_staff_signed_in_elsewhere_reaches_the_admin(client, db):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_signed_in_non_staff_is_refused_without_a_redirect_loop(client, db):
    client.force_login(UserFactory())
    assert client.get("/admin/login/?next=/admin/").status_code == 403
