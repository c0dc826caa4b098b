"""``{% admin_link obj %}``: an "Edit in admin" link for staff, nothing for anyone else."""

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


def admin_change_url(*, obj: Any, user: Any) -> str:
    """The admin change page of ``obj`` if ``user`` may open it there, else ""."""
    if obj is None or not getattr(user, "is_staff", False) or not user.is_active:
        return ""
    meta = obj._meta
    may_open = user.has_perm(f"{meta.app_label}.change_{meta.model_name}") or user.has_perm(
        f"{meta.app_label}.view_{meta.model_name}"
    )
    if not may_open:
        return ""
    try:
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    except NoReverseMatch:  # the model is not in the admin
        return ""


@register.simple_tag(takes_context=True)
def admin_link(context: template.Context, obj: Any) -> str:
    """A small link to ``obj``'s admin change page, shown only to staff who may use it."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    url = admin_change_url(obj=obj, user=user)
    if not url:
        return ""
    return format_html(
        '<p class="admin-link"><a href="{}">{}</a></p>',
        url,
        _("Edit %(thing)s in admin") % {"thing": obj._meta.verbose_name},
    )
