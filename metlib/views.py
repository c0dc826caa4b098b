from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_http_methods

from .forms import ProfileForm
from .languages import is_offered


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile is saved."))
        return redirect("profile")
    return render(request, "account/profile.html", {"form": form})


def set_language(request: HttpRequest) -> HttpResponse:
    """The footer's switch: Django's own (a cookie, then back to the page), and for a
    signed-in person their profile's language too, which is the one that counts for them
    (pages, and the mails they are sent). As Django's, a GET only goes back."""
    response = i18n.set_language(request)
    language = request.POST.get(i18n.LANGUAGE_QUERY_PARAMETER)
    user = request.user
    changes = request.method == "POST" and is_offered(language)
    if changes and user.is_authenticated and user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return response


def admin_login(request: HttpRequest) -> HttpResponse:
    """Django admin's own login has no rate limit: send everyone through allauth's sign-in,
    which locks out after repeated failures (ACCOUNT_RATE_LIMITS)."""
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("admin:index")
    if request.user.is_authenticated:
        if request.user.is_active and request.user.is_staff:
            return redirect(next_url)
        raise PermissionDenied  # signed in without admin rights: no loop back to the sign-in
    return redirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")
