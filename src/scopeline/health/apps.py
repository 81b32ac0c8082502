from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "scopeline.health"
    label = "health"
