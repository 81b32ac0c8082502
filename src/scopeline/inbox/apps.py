from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "scopeline.inbox"
    label = "inbox"
