"""An event's details page for the facilitator, and preparation files for the cohort's
members. Thin: parse, call :mod:`sessions.details`, render."""

import posixpath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from cohorts.permissions import Perm, cohort_perm_required
from metlib.uploads import safe_name, sniff

from . import details
from .feeds import events_for_person
from .forms import EventDetailsForm, GuestSpeakerFormSet, PreparationFormSet
from .models import Event, PreparationItem

# What a sniffed kind is served as, and whether a browser may show it in the page.
SERVED_AS = {
    "PDF": ("application/pdf", True),
    "PNG": ("image/png", True),
    "JPEG": ("image/jpeg", True),
    "DOCX": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", False),
}
UNKNOWN = ("application/octet-stream", False)


@cohort_perm_required(Perm.MANAGE_COHORT)
@require_http_methods(["GET", "POST"])
def event_details(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = request.cohort
    event = get_object_or_404(Event.objects.select_related("cohort"), pk=pk, cohort=cohort)
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    form = EventDetailsForm(data, instance=event)
    speakers = GuestSpeakerFormSet(data, instance=event, prefix="speakers")
    preparation = PreparationFormSet(data, files, instance=event, prefix="preparation")
    status = 200
    if request.method == "POST":
        if form.is_valid() and speakers.is_valid() and preparation.is_valid():
            try:
                saved = details.save_event_details(
                    event=event,
                    by=request.user,
                    form=form,
                    speakers=speakers,
                    preparation=preparation,
                )
            except details.DetailsProblem as problem:
                form.add_error(None, problem.message)
            else:
                messages.success(request, _message(saved, event))
                return redirect("calendar:details", cohort_slug=cohort.slug, pk=event.pk)
        status = 400
        messages.error(request, _("Nothing is saved yet: correct the marked fields."))
        if request.FILES:
            messages.info(
                request, _("Files are not kept when a page is refused: choose them again.")
            )
    return render(
        request,
        "calendar/details.html",
        {
            "cohort": cohort,
            "event": event,
            "form": form,
            "speakers": speakers,
            "preparation": preparation,
            "formsets": [speakers, preparation],
        },
        status=status,
    )


def _message(saved: details.DetailsSaved, event: Event) -> str:
    if not saved.changed:
        return _("Nothing had changed.")
    if not saved.calendars:
        return _("“%(title)s” is saved.") % {"title": event.title}
    return ngettext(
        "“%(title)s” is saved; %(count)d person gets the updated calendar entry.",
        "“%(title)s” is saved; %(count)d people get the updated calendar entry.",
        saved.mails,
    ) % {"title": event.title, "count": saved.mails}


@require_GET
@login_required
def preparation_file(request: HttpRequest, pk: int) -> HttpResponse:
    """A preparation file, for the people whose calendar holds its event (404 for anyone
    else, as for a file that does not exist). Never served as HTML: the type comes from the
    file's first bytes, and browsers are told not to guess."""
    item = (
        PreparationItem.objects.filter(
            pk=pk, event__in=events_for_person(person=request.user).values("pk")
        )
        .exclude(file="")
        .first()
    )
    if item is None:
        raise Http404
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    kind = sniff(handle.read(16))
    content_type, inline = SERVED_AS.get(kind or "", UNKNOWN)
    handle.seek(0)
    response = FileResponse(
        handle,
        as_attachment=not inline,
        # Rebuilt from the kind, as new uploads are stored: files kept from before keep no
        # misleading name ("evil.html" holding a ZIP).
        filename=safe_name(posixpath.basename(item.file.name), kind=kind),
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-cache"
    return response
