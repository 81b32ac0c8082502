"""The Django project: settings, URLs, the WSGI/ASGI entry points and the shared page chrome."""
