from django.contrib import admin
from django.db import models

from .models import (
    Attendance,
    CalendarDelivery,
    CalendarFeed,
    CalendarSettings,
    Event,
    GuestSpeaker,
    PreparationItem,
)


class GuestSpeakerInline(admin.TabularInline):
    model = GuestSpeaker
    extra = 0


class PreparationInline(admin.TabularInline):
    model = PreparationItem
    extra = 0
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "cohort", "kind", "starts_at", "status", "sequence"]
    list_filter = ["cohort", "kind", "status"]
    search_fields = ["title"]
    readonly_fields = ["uid", "sequence"]
    filter_horizontal = ["presenters"]
    inlines = [GuestSpeakerInline, PreparationInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(GuestSpeaker)
class GuestSpeakerAdmin(admin.ModelAdmin):
    list_display = ["name", "affiliation", "event"]


@admin.register(PreparationItem)
class PreparationItemAdmin(admin.ModelAdmin):
    list_display = ["title", "event", "minutes"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["event", "person", "status", "recorded_by", "recorded_at"]
    list_filter = ["status", "event__cohort"]
    list_select_related = ["event", "person", "recorded_by"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["person", "rotated_at"]
    exclude = ["secret"]


@admin.register(CalendarSettings)
class CalendarSettingsAdmin(admin.ModelAdmin):
    list_display = ["cohort", "reminder_offsets"]


@admin.register(CalendarDelivery)
class CalendarDeliveryAdmin(admin.ModelAdmin):
    list_display = ["person", "choice"]
    list_filter = ["choice"]
    raw_id_fields = ["person"]
