from django.urls import path

from scopeline.projects import views

workspace_urlpatterns = [
    path("projects/", views.project_list, name="project_list"),
    path("projects/new/", views.project_new, name="project_new"),
    path("projects/import/", views.project_import, name="project_import_new"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/agreement/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/import/", views.project_import, name="project_import"),
    path("projects/<int:pk>/export/", views.project_export, name="project_export"),
    path("projects/<int:pk>/versions/", views.project_versions, name="project_versions"),
    path("projects/<int:pk>/ledger/", views.ledger_record, name="ledger_record"),
    path("projects/<int:pk>/status/", views.project_status, name="project_status"),
]
