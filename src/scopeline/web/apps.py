from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "scopeline.web"
    label = "web"
    verbose_name = "Scopeline"

    def ready(self) -> None:
        from scopeline.web import checks  # noqa: F401  (registers the start-up checks)
