from __future__ import annotations

from django.contrib import admin

from scopeline.api.models import ApiToken, Webhook, WebhookDelivery


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ("name", "prefix", "workspace", "scopes", "last_used_at", "revoked_at")
    list_select_related = ("workspace",)
    readonly_fields = ("prefix", "secret_sha256", "last_used_at")
    raw_id_fields = ("workspace", "created_by")
    search_fields = ("name", "prefix")


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin[Webhook]):
    list_display = ("url", "workspace", "events", "active", "created_at")
    list_select_related = ("workspace",)
    readonly_fields = ("secret",)
    raw_id_fields = ("workspace", "created_by")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin[WebhookDelivery]):
    list_display = ("created_at", "event", "webhook", "status", "attempts", "response_code")
    list_filter = ("status", "event")
    list_select_related = ("webhook",)
    readonly_fields = ("payload", "event_id")
    raw_id_fields = ("webhook",)
