from django.contrib import admin

from .models import (
    BatchItem,
    Certificate,
    CertificateSettings,
    CredentialKey,
    EligibilityOverride,
    IssueBatch,
    PrintedName,
    Signatory,
)


@admin.register(CertificateSettings)
class CertificateSettingsAdmin(admin.ModelAdmin):
    list_display = ["cohort", "title", "monthly_share", "mentoring_minimum"]


@admin.register(Signatory)
class SignatoryAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "cohort", "position"]
    list_filter = ["cohort"]


@admin.register(EligibilityOverride)
class EligibilityOverrideAdmin(admin.ModelAdmin):
    list_display = ["person", "cohort", "eligible", "reason", "decided_by", "decided_at"]
    list_filter = ["cohort", "eligible"]
    list_select_related = ["person", "cohort", "decided_by"]


@admin.register(PrintedName)
class PrintedNameAdmin(admin.ModelAdmin):
    list_display = ["name", "person", "cohort", "confirmed_at"]
    list_filter = ["cohort"]
    list_select_related = ["person", "cohort"]


class BatchItemInline(admin.TabularInline):
    model = BatchItem
    extra = 0
    readonly_fields = ["person", "status", "attempts", "error", "certificate"]


@admin.register(IssueBatch)
class IssueBatchAdmin(admin.ModelAdmin):
    list_display = ["cohort", "created_at", "total", "done", "failed", "finished_at"]
    list_filter = ["cohort"]
    inlines = [BatchItemInline]


@admin.register(BatchItem)
class BatchItemAdmin(admin.ModelAdmin):
    list_display = ["batch", "person", "status", "attempts", "updated_at"]
    list_filter = ["status"]
    list_select_related = ["batch__cohort", "person"]


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["name", "cohort", "issued_at", "revoked_at"]
    list_filter = ["cohort"]
    search_fields = ["name", "person__email"]
    exclude = ["code"]
    readonly_fields = ["issued_at", "batch", "replaces"]
    list_select_related = ["cohort"]


@admin.register(CredentialKey)
class CredentialKeyAdmin(admin.ModelAdmin):
    """The keys credentials are signed with; the private half is never shown."""

    list_display = ["kid", "created_at", "retired_at"]
    readonly_fields = ["kid", "created_at"]
    exclude = ["private_jwk"]

    def has_add_permission(self, request) -> bool:
        return False  # made on first use
