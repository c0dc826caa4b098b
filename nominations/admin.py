from django.contrib import admin

from .models import Call, Nomination


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["cohort", "min_city_population", "nominations_per_library"]
    search_fields = ["cohort__name"]


@admin.register(Nomination)
class NominationAdmin(admin.ModelAdmin):
    list_display = ["candidate_name", "library", "cohort", "status", "submitted_at"]
    list_filter = ["cohort", "status", "project_kind", "travel_support", "stipend_conditional"]
    search_fields = ["candidate_name", "candidate_email", "nominator_email", "library__name"]
    list_select_related = ["library", "cohort"]
    autocomplete_fields = ["library", "nominator", "late_admitted_by"]
    filter_horizontal = ["themes"]
    readonly_fields = ["creation_token", "candidate_token_hash", "created_at", "updated_at"]
