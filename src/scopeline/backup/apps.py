from django.apps import AppConfig


class BackupConfig(AppConfig):
    name = "scopeline.backup"
    label = "backup"
