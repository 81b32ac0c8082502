from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "scopeline.api"
    label = "api"
