from django.contrib import admin
from django.db import models

from .models import Cohort, Library, Membership, MentoringGroup, Programme, Theme


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "organisation"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "organisation"]


class ThemeInline(admin.TabularInline):
    model = Theme
    extra = 1


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "programme_start", "nominations_deadline", "time_zone"]
    list_filter = ["programme"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
    inlines = [ThemeInline]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
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
