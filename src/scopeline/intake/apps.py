from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "scopeline.intake"
    label = "intake"
