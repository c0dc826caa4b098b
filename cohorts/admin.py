import zoneinfo

from django.contrib import admin
from django.db import models
from django.utils import timezone
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from .evaluation_models import Evaluation, EvaluationAnswer
from .models import Cohort, Library, Membership, MentoringGroup, Programme, Theme


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "organisation"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "organisation"]
    autocomplete_fields = ["managers"]


class ThemeInline(TranslationTabularInline):
    model = Theme
    extra = 1


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "programme_start", "nominations_deadline", "time_zone"]
    list_filter = ["programme"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
    inlines = [ThemeInline]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """Dates and times of a cohort are typed and shown in the cohort's zone, as its help
        text says (the zone being typed, on a form sent back; else the one saved)."""
        zone = _zone(request.POST.get("time_zone", "")) if request.method == "POST" else None
        if zone is None and object_id:
            saved = Cohort.objects.filter(pk=object_id).values_list("time_zone", flat=True)
            zone = _zone(saved.first() or "")
        if zone is None:
            return super().changeform_view(request, object_id, form_url, extra_context)
        with timezone.override(zone):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        return response


def _zone(name: str) -> zoneinfo.ZoneInfo | None:
    if name not in zoneinfo.available_timezones():
        return None
    return zoneinfo.ZoneInfo(name)


@admin.register(Theme)
class ThemeAdmin(TranslationAdmin):
    list_display = ["name", "cohort", "position"]
    list_filter = ["cohort"]
    search_fields = ["name"]


@admin.register(Library)
class LibraryAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "city", "country", "city_population"]
    list_filter = ["country"]
    search_fields = ["name", "city"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "cohort", "role", "library"]
    list_filter = ["cohort", "role"]
    search_fields = ["user__email", "user__display_name"]
    autocomplete_fields = ["user", "library"]
    list_select_related = ["user", "cohort", "library"]


@admin.register(MentoringGroup)
class MentoringGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "cohort", "mentor"]
    list_filter = ["cohort"]
    filter_horizontal = ["members"]


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = ["cohort", "opens_at", "closes_at", "closed_at", "reminder_round"]
    list_select_related = ["cohort"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(EvaluationAnswer)
class EvaluationAnswerAdmin(admin.ModelAdmin):
    # No names in the list: the answers are confidential (see cohorts/evaluation.py).
    list_display = ["__str__", "evaluation", "recommend", "updated_at"]
    list_filter = ["evaluation__cohort"]
    list_select_related = ["evaluation__cohort"]
    autocomplete_fields = ["person"]
    readonly_fields = ["created_at", "updated_at"]
