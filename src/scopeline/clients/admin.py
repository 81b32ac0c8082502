from django.contrib import admin

from scopeline.clients.models import Client


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin[Client]):
    list_display = ("name", "workspace", "language", "contact", "email")
    list_filter = ("language",)
    search_fields = ("name", "contact", "email")
    list_select_related = ("workspace",)
