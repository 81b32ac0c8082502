from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "scopeline.projects"
    label = "projects"
