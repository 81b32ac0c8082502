from django.urls import URLPattern, URLResolver

workspace_urlpatterns: list[URLPattern | URLResolver] = []
