from django.contrib.auth.models import Permission
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from cohorts.models import Role

from ..factories import NominationFactory, UserFactory


def render_link(obj, user):
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load admin_links %}{% admin_link obj %}")
    return template.render(Context({"obj": obj, "request": request}))


def test_admin_link_renders_nothing_for_non_staff(cohort):
    assert render_link(cohort, UserFactory()) == ""


def test_admin_link_points_superuser_to_the_change_page(cohort):
    html = render_link(cohort, UserFactory(is_staff=True, is_superuser=True))
    assert reverse("admin:cohorts_cohort_change", args=[cohort.pk]) in html
    assert "Edit cohort in admin" in html


def test_admin_link_needs_staff_and_a_permission_on_the_model(cohort):
    staff = UserFactory(is_staff=True)
    assert render_link(cohort, staff) == ""
    staff.user_permissions.add(Permission.objects.get(codename="view_cohort"))
    staff = type(staff).objects.get(pk=staff.pk)  # permissions are cached per object
    assert reverse("admin:cohorts_cohort_change", args=[cohort.pk]) in render_link(cohort, staff)


def test_cohort_page_links_staff_facilitator_to_admin(client, cohort, make_member):
    admin_url = reverse("admin:cohorts_cohort_change", args=[cohort.pk])
    client.force_login(make_member(cohort, Role.FACILITATOR, is_staff=True, is_superuser=True))
    assert admin_url in client.get(cohort.get_absolute_url()).content.decode()
    client.force_login(make_member(cohort, Role.FACILITATOR))
    assert admin_url not in client.get(cohort.get_absolute_url()).content.decode()


def test_nomination_page_links_staff_facilitator_to_admin(client, cohort, make_member):
    nomination = NominationFactory(cohort=cohort, status="submitted")
    url = reverse(
        "nominations:pipeline_detail", kwargs={"cohort_slug": cohort.slug, "pk": nomination.pk}
    )
    admin_url = reverse("admin:nominations_nomination_change", args=[nomination.pk])
    client.force_login(make_member(cohort, Role.FACILITATOR, is_staff=True, is_superuser=True))
    assert admin_url in client.get(url).content.decode()
    client.force_login(make_member(cohort, Role.FACILITATOR))
    assert admin_url not in client.get(url).content.decode()
