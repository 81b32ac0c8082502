from django.apps import AppConfig


class TimeImportConfig(AppConfig):
    name = "scopeline.timeimport"
    label = "timeimport"
