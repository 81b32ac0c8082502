from django.urls import URLPattern, URLResolver, path

from scopeline.intake import views

workspace_urlpatterns: list[URLPattern | URLResolver] = [
    path("intake/", views.intake, name="intake"),
    path("intake/upload/", views.intake_upload, name="intake_upload"),
    path("intake/mailbox/", views.intake_mailbox, name="intake_mailbox"),
    path("intake/<int:pk>/", views.intake_email, name="intake_email"),
    path("intake/<int:pk>/message.eml", views.intake_email_raw, name="intake_email_raw"),
    path("intake/files/<int:pk>/", views.intake_attachment, name="intake_attachment"),
]
