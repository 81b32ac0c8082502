from django.apps import AppConfig


class ChangeOrdersConfig(AppConfig):
    name = "scopeline.changeorders"
    label = "changeorders"
    verbose_name = "Change orders and the client portal"
