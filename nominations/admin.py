from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from .models import (
    Call,
    CandidateLink,
    Criterion,
    Decision,
    DecisionEvent,
    Nomination,
    Pin,
    Review,
    Score,
    Selection,
)


@admin.register(Call)
class CallAdmin(TranslationAdmin):  # each text once per language
    list_display = ["cohort", "min_city_population", "nominations_per_library"]
    search_fields = ["cohort__name"]


class CandidateLinkInline(admin.TabularInline):
    """The links mailed to the candidate, read only: only the candidate's answers change them."""

    model = CandidateLink
    extra = 0
    can_delete = False
    fields = ["email", "state", "created_at", "answered_at", "superseded_at", "correction"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Nomination)
class NominationAdmin(admin.ModelAdmin):
    list_display = ["candidate_name", "library", "cohort", "status", "submitted_at"]
    list_filter = ["cohort", "status", "project_kind", "travel_support", "stipend_conditional"]
    search_fields = ["candidate_name", "candidate_email", "nominator_email", "library__name"]
    list_select_related = ["library", "cohort"]
    autocomplete_fields = ["library", "nominator", "late_admitted_by"]
    filter_horizontal = ["themes"]
    readonly_fields = ["creation_token", "created_at", "updated_at"]
    inlines = [CandidateLinkInline]


@admin.register(Selection)
class SelectionAdmin(admin.ModelAdmin):
    list_display = ["cohort", "assignment", "review_opened_at", "closed_at", "published_at"]
    readonly_fields = ["review_opened_at", "review_opened_by", "published_at", "published_by"]


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["name", "cohort", "position"]
    list_filter = ["cohort"]


class ScoreInline(admin.TabularInline):
    model = Score
    extra = 0


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["nomination", "advisor", "status", "recommendation", "submitted_at"]
    list_filter = ["status", "nomination__cohort"]
    list_select_related = ["nomination", "advisor"]
    search_fields = ["nomination__candidate_name", "advisor__email"]
    inlines = [ScoreInline]


@admin.register(Score)
class ScoreAdmin(admin.ModelAdmin):
    list_display = ["review", "criterion", "value"]
    list_select_related = ["review__nomination", "review__advisor", "criterion"]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["nomination", "outcome", "stipend_awarded", "decided_by", "published_at"]
    list_filter = ["outcome", "stipend_awarded", "nomination__cohort"]
    list_select_related = ["nomination", "decided_by"]


@admin.register(DecisionEvent)
class DecisionEventAdmin(admin.ModelAdmin):
    list_display = ["nomination", "action", "outcome", "by", "at"]
    list_filter = ["action"]
    list_select_related = ["nomination", "by"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # the audit trail is append-only

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Pin)
class PinAdmin(admin.ModelAdmin):
    list_display = ["nomination", "direction", "by", "at"]


@admin.register(CandidateLink)
class CandidateLinkAdmin(admin.ModelAdmin):
    """Each confirmation link mailed to a candidate; the token itself is never stored."""

    list_display = ["nomination", "email", "state", "created_at"]
    list_filter = ["state"]
    search_fields = ["email", "nomination__candidate_name"]
    list_select_related = ["nomination"]
    readonly_fields = ["nomination", "email", "state", "contents", "correction", "created_at"]
    exclude = ["token_hash"]

    def has_add_permission(self, request) -> bool:
        return False  # links are made by mailing them
