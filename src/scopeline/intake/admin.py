from typing import ClassVar

from django.contrib import admin

from scopeline.intake.models import EmailAttachment, IncomingEmail, IntakeMailbox


@admin.register(IntakeMailbox)
class IntakeMailboxAdmin(admin.ModelAdmin[IntakeMailbox]):
    list_display = ("workspace", "host", "username", "folder", "enabled", "last_polled_at")
    list_filter = ("enabled",)
    # The password never leaves the database through a page.
    exclude = ("password",)
    readonly_fields = ("uid_validity", "last_uid", "polling_since", "last_polled_at", "last_error")


class AttachmentInline(admin.TabularInline[EmailAttachment, IncomingEmail]):
    model = EmailAttachment
    extra = 0
    fields = ("filename", "content_type", "size", "sha256")
    readonly_fields = fields
    can_delete = False


@admin.register(IncomingEmail)
class IncomingEmailAdmin(admin.ModelAdmin[IncomingEmail]):
    list_display = ("received_at", "workspace", "from_address", "subject", "status", "source")
    list_filter = ("status", "source")
    search_fields = ("from_address", "subject", "message_id")
    raw_id_fields = ("client", "project", "request")
    readonly_fields = ("message_id", "sha256", "size", "raw", "imap_uid")
    inlines: ClassVar = [AttachmentInline]
