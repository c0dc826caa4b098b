from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
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
