from django.urls import URLPattern, URLResolver, path

from scopeline.timeimport import views

workspace_urlpatterns: list[URLPattern | URLResolver] = [
    path("projects/<int:pk>/import-time/", views.time_import, name="time_import"),
    path("time-imports/<int:pk>/", views.time_import_preview, name="time_import_preview"),
    path("time-imports/<int:pk>/confirm/", views.time_import_confirm, name="time_import_confirm"),
]
