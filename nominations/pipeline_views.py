"""The facilitator's pages for a cohort's nominations: the pipeline, one nomination, the CSV
export, letting a nomination in late, and the call editor. Thin: parse, call, render."""

import copy
import html
from functools import lru_cache
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cohorts.permissions import Perm, cohort_perm_required, cohort_perms
from cohorts.themes import set_theme_translations, set_themes
from metlib.spreadsheets import csv_download

from . import call_texts, pipeline, submission
from . import review as reviewing
from .facilitator_forms import CallDatesForm, CallForm, LateAdmissionForm
from .forms import PipelineFilterForm
from .models import Call, Nomination


def _filtered(request: HttpRequest) -> tuple[PipelineFilterForm, pipeline.PipelineFilters]:
    form = PipelineFilterForm(request.GET)
    form.is_valid()  # an unknown value leaves its filter out; the form says so beside it
    return form, form.filters()


def _filters_given(request: HttpRequest) -> pipeline.PipelineFilters:
    """The valid filters of the request; with none given, without building the form (a tenth
    of the page's time: 250 countries to choose from)."""
    if not any(name in request.GET for name in PipelineFilterForm.base_fields):
        return pipeline.PipelineFilters()
    return _filtered(request)[1]


def _filter_values(query: QueryDict) -> str:
    """Every value given to the filter form: with the language, all its markup depends on."""
    return urlencode(
        [(name, value) for name in PipelineFilterForm.base_fields for value in query.getlist(name)]
    )


@lru_cache(maxsize=64)
def _filter_fields_html(*, language: str, values: str) -> SafeString:
    """The filter form's fields given ``values``, in ``language`` (the active one).

    Nothing else changes it, and rendering it (250 countries to choose from) was a fifth of
    the page. Kept in the process rather than in Redis, whose round trip cost half a
    millisecond; a deploy, which may change the markup, starts afresh.
    """
    form = PipelineFilterForm(QueryDict(values))
    return format_html_join(
        "", '<div class="field">{}</div>', ((field.as_field_group(),) for field in form)
    )


# A row of the pipeline's table. Written in Python rather than in the template: for a page of
# rows the template engine's per-variable work was the largest part of the page's time.
ROW_HTML = (
    '<tr><th scope="row"><a href="{url}">{candidate}</a></th>'
    "<td>{library}</td><td>{city}</td><td>{country}</td>"
    '<td><span class="status">{status}</span>{notes}</td>'
    "<td>{project_kind}</td><td>{stipend}</td><td>{submitted}</td></tr>"
)
NOTE_HTML = "<br><small>{}</small>"
TIME_HTML = '<time datetime="{}">{}</time>'


def _rows_html(*, rows: list[pipeline.PipelineRow], cohort_slug: str) -> SafeString:
    """The table's rows, every value escaped; a date in a ``<time>`` holding the UTC instant."""
    # Every row links to the same route with its own pk: reverse it once, put each pk in.
    head, _zero, tail = reverse(
        "nominations:pipeline_detail", kwargs={"cohort_slug": cohort_slug, "pk": 0}
    ).rpartition("0")
    awaiting = NOTE_HTML.format(html.escape(_("awaiting the candidate's confirmation")))
    declined = NOTE_HTML.format(html.escape(_("declined by the candidate")))
    late = NOTE_HTML.format(html.escape(_("let in late")))
    lines = []
    for row in rows:
        submitted = "—"
        if row["submitted"]:
            submitted = TIME_HTML.format(
                html.escape(row["submitted_utc"]), html.escape(row["submitted"])
            )
        lines.append(
            ROW_HTML.format(
                url=html.escape(f"{head}{row['pk']}{tail}"),
                candidate=html.escape(row["candidate"]),
                library=html.escape(row["library"]),
                city=html.escape(row["city"]),
                country=html.escape(row["country"]),
                status=html.escape(row["status"]),
                notes=(awaiting if row["awaiting"] else "")
                + (declined if row["declined"] else "")
                + (late if row["late"] else ""),
                project_kind=html.escape(row["project_kind"]),
                stipend=html.escape(row["stipend"]),
                submitted=submitted,
            )
        )
    return mark_safe("\n".join(lines))  # noqa: S308 — every value above is escaped


def _page_links(page: Page, query: QueryDict) -> list[dict[str, object]]:
    """The numbered links of the pagination, first and last always, gaps as an ellipsis."""
    links: list[dict[str, object]] = []
    for number in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1):
        if number == Paginator.ELLIPSIS:
            links.append({"ellipsis": number})
        else:
            links.append(
                {
                    "number": number,
                    "url": _page_url(query, number),
                    "current": number == page.number,
                }
            )
    return links


def _query_without_page(given: QueryDict) -> QueryDict:
    """The filters of this request, empty values left out, for links to other pages."""
    query = QueryDict(mutable=True)
    for name, values in given.lists():
        kept = [value for value in values if value]
        if name != "page" and kept:
            query.setlist(name, kept)
    return query


def _page_url(query: QueryDict, number: int) -> str:
    """The query string of another page with every filter kept."""
    query = query.copy()
    query["page"] = str(number)
    return f"?{query.urlencode()}"


@cohort_perm_required(Perm.VIEW_NOMINATIONS)
def pipeline_list(request: HttpRequest) -> HttpResponse:
    """One page of the cohort's nominations, filtered, with the counts by status (of all)."""
    cohort = request.cohort
    filters = _filters_given(request)
    counts = pipeline.status_counts(cohort=cohort)
    page = pipeline.pipeline_page(
        cohort=cohort,
        filters=filters,
        number=request.GET.get("page"),
        count=pipeline.known_match_count(filters=filters, counts=counts),
    )
    query = _query_without_page(request.GET)
    return render(
        request,
        "nominations/pipeline.html",
        {
            "cohort": cohort,
            "filter_fields": _filter_fields_html(
                language=get_language(), values=_filter_values(request.GET)
            ),
            "page": page,
            "rows": _rows_html(
                rows=pipeline.pipeline_rows(
                    nominations=page.object_list, zone=timezone.get_current_timezone()
                ),
                cohort_slug=cohort.slug,
            ),
            "zone_name": timezone.get_current_timezone_name(),
            "query": query.urlencode(),
            "page_links": _page_links(page, query),
            "previous_url": _page_url(query, page.number - 1) if page.has_previous() else "",
            "next_url": _page_url(query, page.number + 1) if page.has_next() else "",
            "counts": [
                (value, Nomination.Status(value).label, count) for value, count in counts.items()
            ],
            "total": sum(counts.values()),
            "filtered": filters != pipeline.PipelineFilters(),
            "can_manage": Perm.MANAGE_COHORT in cohort_perms(user=request.user, cohort=cohort),
        },
    )


@cohort_perm_required(Perm.VIEW_NOMINATIONS)
def pipeline_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One nomination with every field and its history."""
    cohort = request.cohort
    nomination = pipeline.pipeline_nomination(cohort=cohort, pk=pk)
    if nomination is None:
        raise Http404
    can_manage = Perm.MANAGE_COHORT in cohort_perms(user=request.user, cohort=cohort)
    side_by_side = reviewing.reviews_side_by_side(nomination=nomination, viewer=request.user)
    return render(
        request,
        "nominations/pipeline_detail.html",
        {
            "cohort": cohort,
            "nomination": nomination,
            "themes": list(nomination.themes.all()),
            "geography": nomination.library.geography if nomination.library else None,
            "can_admit_late": can_manage
            and pipeline.late_admission_refusal(nomination=nomination) is None,
            "late_form": LateAdmissionForm(),
            "review_criteria": side_by_side[0] if side_by_side else None,
            "review_rows": side_by_side[1] if side_by_side else None,
        },
    )


@cohort_perm_required(Perm.VIEW_NOMINATIONS)
def pipeline_csv(request: HttpRequest) -> HttpResponse:
    """The pipeline as it is filtered, every field, as CSV that Excel opens (UTF-8 with BOM)."""
    cohort = request.cohort
    _form, filters = _filtered(request)
    nominations = pipeline.pipeline_nominations(cohort=cohort, filters=filters)
    return csv_download(
        rows=pipeline.csv_rows(nominations=nominations), name=f"{cohort.slug}-nominations"
    )


@cohort_perm_required(Perm.MANAGE_COHORT)
@require_POST
def admit_late(request: HttpRequest, pk: int) -> HttpResponse:
    """Let one draft in after the deadline, so its nominator can still submit it."""
    cohort = request.cohort
    nomination = pipeline.pipeline_nomination(cohort=cohort, pk=pk)
    if nomination is None:
        raise Http404
    form = LateAdmissionForm(request.POST)
    refusal = pipeline.late_admission_refusal(nomination=nomination)
    if refusal:
        messages.error(request, refusal)
    elif not form.is_valid():
        for error in form.errors["note"]:
            messages.error(request, error)
    else:
        try:
            submission.admit_late(
                nomination=nomination, by=request.user, note=form.cleaned_data["note"]
            )
        except submission.SubmissionRefused as refused:
            for reason in refused.messages:
                messages.error(request, reason)
        else:
            messages.success(
                request,
                _("The nomination of %(candidate)s is let in: its nominator can now submit it.")
                % {"candidate": nomination},
            )
    return redirect("nominations:pipeline_detail", cohort_slug=cohort.slug, pk=nomination.pk)


def _save_themes(call_form: CallForm, *, cohort) -> None:
    names = call_form.theme_names()
    if names is not None:
        set_themes(cohort=cohort, names=names)
    translations = call_form.theme_translations()
    if translations:
        set_theme_translations(cohort=cohort, language=call_form.language, names=translations)


@cohort_perm_required(Perm.MANAGE_COHORT)
@require_POST
def call_publish(request: HttpRequest) -> HttpResponse:
    """Publish the call previewed on its page: the public sees it from now on."""
    cohort = request.cohort
    if submission.publish_call(cohort=cohort, by=request.user):
        messages.success(
            request, _("The call is published: it is listed on the home page for everyone.")
        )
    else:
        messages.info(request, _("The call was published already."))
    return redirect("nominations:call", cohort_slug=cohort.slug)


@cohort_perm_required(Perm.MANAGE_COHORT)
@require_http_methods(["GET", "POST"])
def call_edit(request: HttpRequest) -> HttpResponse:
    """Edit the public call and the cohort's nomination dates; the call is made on first save."""
    cohort = request.cohort
    call = submission.call_of(cohort) or Call(cohort=cohort)
    # ?language=fr edits the texts in French; without it, in the call's main language.
    language = request.GET.get("language")
    language = language if language in call_texts.PLANNED else None
    # The dates form works on a copy so refused values never reach the page's own cohort.
    dated = copy.copy(cohort)
    if request.method == "POST":
        call_form = CallForm(request.POST, instance=call, language=language)
        dates_form = CallDatesForm(request.POST, instance=dated)
        if call_form.is_valid() and dates_form.is_valid():
            with transaction.atomic():
                dates_form.save(commit=False).save(update_fields=CallDatesForm.Meta.fields)
                call_form.save()
                _save_themes(call_form, cohort=cohort)
            messages.success(request, _("The call for nominations is saved."))
            url = reverse("nominations:call_edit", kwargs={"cohort_slug": cohort.slug})
            return redirect(f"{url}?language={language}" if language else url)
        messages.error(request, _("Nothing is saved yet: correct the marked fields."))
    else:
        call_form = CallForm(instance=call, language=language)
        dates_form = CallDatesForm(instance=dated)
    given_in = call_texts.call_languages(call=call) if call.pk else []
    return render(
        request,
        "nominations/call_edit.html",
        {
            "cohort": cohort,
            "call_form": call_form,
            "dates_form": dates_form,
            "is_new": call.pk is None,
            "languages": [
                (code, get_language_info(code)["name_local"], code in given_in)
                for code in call_texts.PLANNED
            ],
            "writing_in": call_form.language,
            "main_language": cohort.main_language,
        },
    )
