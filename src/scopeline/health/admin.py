from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from scopeline.health.models import ClientHealth, ExitKitChoice, HealthSettings


@admin.register(HealthSettings)
class HealthSettingsAdmin(admin.ModelAdmin[HealthSettings]):
    list_display = ("workspace", "consider_ending_below", "rate_floor_percent", "updated_at")
    list_select_related = ("workspace",)
    raw_id_fields = ("workspace",)


@admin.register(ClientHealth)
class ClientHealthAdmin(admin.ModelAdmin[ClientHealth]):
    """Readings are computed (services.refresh_client_health): shown, never edited here."""

    list_display = ("client", "workspace", "score", "consider_ending", "computed_on")
    list_filter = ("consider_ending",)
    search_fields = ("client__name",)
    list_select_related = ("client", "workspace")
    readonly_fields = (
        "workspace",
        "client",
        "score",
        "consider_ending",
        "creep_rate",
        "flags",
        "trend",
        "computed_on",
        "computed_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        del request  # nobody adds a reading by hand
        return False


@admin.register(ExitKitChoice)
class ExitKitChoiceAdmin(admin.ModelAdmin[ExitKitChoice]):
    list_display = ("project", "workspace", "tone", "money_option", "leave_out_of_portfolio")
    list_select_related = ("project", "workspace")
    raw_id_fields = ("project", "workspace")
