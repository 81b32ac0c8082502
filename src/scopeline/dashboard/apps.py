from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "scopeline.dashboard"
    label = "dashboard"
