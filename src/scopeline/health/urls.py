from django.urls import URLPattern, URLResolver, path

from scopeline.health import views

workspace_urlpatterns: list[URLPattern | URLResolver] = [
    path("clients/<int:pk>/health/", views.client_health, name="client_health"),
    path("projects/<int:pk>/exit/", views.project_exit, name="project_exit"),
    path("projects/<int:pk>/lead/", views.project_lead, name="project_lead"),
    path("settings/health/", views.health_settings, name="health_settings"),
]
