from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.http import require_http_methods

from cohorts.selectors import memberships_of, open_calls, upcoming_calls
from nominations.selectors import nominations_by
from sessions.selectors import upcoming_for

from .forms import ProfileForm
from .languages import is_offered


def home(request: HttpRequest) -> HttpResponse:
    """Send each person to what they can do here."""
    signed_in = request.user.is_authenticated
    memberships = list(memberships_of(user=request.user)) if signed_in else []
    nominations = list(nominations_by(user=request.user)[:5]) if signed_in else []
    upcoming = list(upcoming_for(person=request.user, limit=1)) if signed_in else []
    return render(
        request,
        "home.html",
        {
            "memberships": memberships,
            "nominations": nominations,
            "next_event": upcoming[0] if upcoming else None,
            "open_calls": list(open_calls()),
            "upcoming_calls": list(upcoming_calls()[:5]),
        },
    )


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
