from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from scopeline.accounts.models import Workspace

CLIENT_LANGUAGES = [
    ("en", "English"),
    ("fi", "Suomi"),
    ("ro", "Română"),
    ("zh-Hant", "繁體中文"),
    ("zh-Hans", "简体中文"),
]


class Client(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="clients")
    name = models.CharField(_("name"), max_length=200)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=CLIENT_LANGUAGES,
        help_text=_("Replies, status statements and documents for this client use it."),
    )
    contact = models.CharField(_("contact person"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    notes = models.TextField(
        _("notes"),
        blank=True,
        help_text=_("What to remember: how they decide, who approves, what worked before."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["name"]
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["workspace", "name"])]

    def __str__(self) -> str:
        return self.name
