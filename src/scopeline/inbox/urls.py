from django.urls import path

from scopeline.inbox import views

workspace_urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/new/", views.request_new, name="request_new"),
    path("inbox/<int:pk>/", views.request_detail, name="request_detail"),
]
