from __future__ import annotations

from django.contrib import admin

from scopeline.projects.models import AgreementVersion, ClientRequest, LedgerEvent, Project


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin[Project]):
    list_display = ("name", "workspace", "client", "status", "fees", "paid", "updated_at")
    list_filter = ("status",)
    search_fields = ("name", "client__name")
    list_select_related = ("workspace", "client")
    raw_id_fields = ("client", "current_version")


@admin.register(AgreementVersion)
class AgreementVersionAdmin(admin.ModelAdmin[AgreementVersion]):
    list_display = ("project", "number", "source", "created_by", "created_at")
    list_select_related = ("project", "created_by")
    raw_id_fields = ("project",)


@admin.register(LedgerEvent)
class LedgerEventAdmin(admin.ModelAdmin[LedgerEvent]):
    list_display = ("date", "type", "project", "created_by")
    list_filter = ("type",)
    list_select_related = ("project", "created_by")
    raw_id_fields = ("project", "request")


@admin.register(ClientRequest)
class ClientRequestAdmin(admin.ModelAdmin[ClientRequest]):
    list_display = ("received_at", "project", "lang", "kind", "suggested_action", "status")
    list_filter = ("status", "kind", "lang")
    search_fields = ("text",)
    list_select_related = ("project",)
    raw_id_fields = ("project", "version")
