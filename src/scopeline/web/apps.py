from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "scopeline.web"
    label = "web"
    verbose_name = "Scopeline"

    def ready(self) -> None:
        import gc

        from scopeline.web import checks  # noqa: F401  (registers the start-up checks)

        # Everything loaded at start-up lives as long as the process: keep it out of the
        # garbage collector's full passes, which otherwise walk it on every collection.
        gc.freeze()
