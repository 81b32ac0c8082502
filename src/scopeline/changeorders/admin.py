from __future__ import annotations

from typing import ClassVar

from django.contrib import admin

from scopeline.changeorders.models import ChangeOrder, ChangeOrderLine, Notification, PortalLink


class LineInline(admin.TabularInline[ChangeOrderLine, ChangeOrder]):
    model = ChangeOrderLine
    extra = 0


@admin.register(ChangeOrder)
class ChangeOrderAdmin(admin.ModelAdmin[ChangeOrder]):
    list_display = ("number", "title", "project", "status", "total", "currency", "issued_on")
    list_filter = ("status",)
    search_fields = ("number", "title")
    list_select_related = ("project",)
    raw_id_fields = ("project", "request", "replaces")
    readonly_fields = ("frozen_html", "document_sha256", "accepted_ip", "accepted_user_agent")
    inlines: ClassVar = [LineInline]


@admin.register(PortalLink)
class PortalLinkAdmin(admin.ModelAdmin[PortalLink]):
    list_display = ("client", "hint", "created_at", "expires_at", "revoked_at", "last_used_at")
    list_select_related = ("client",)
    readonly_fields = ("token_hash",)
    raw_id_fields = ("client",)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    list_display = ("created_at", "user", "kind", "read_at")
    raw_id_fields = ("user", "change_order")
