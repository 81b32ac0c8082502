from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "scopeline.clients"
    label = "clients"
