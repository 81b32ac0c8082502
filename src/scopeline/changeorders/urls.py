from django.urls import path

from scopeline.changeorders import portal, views

workspace_urlpatterns = [
    path("change-orders/", views.change_order_list, name="change_order_list"),
    path("change-orders/new/", views.change_order_new, name="change_order_new"),
    path("change-orders/<int:pk>/", views.change_order_detail, name="change_order_detail"),
    path("change-orders/<int:pk>/edit/", views.change_order_edit, name="change_order_edit"),
    path("change-orders/<int:pk>/action/", views.change_order_action, name="change_order_action"),
    path("change-orders/<int:pk>/pdf/", views.change_order_pdf, name="change_order_pdf"),
    path(
        "change-orders/<int:pk>/accepted.html",
        views.change_order_document,
        name="change_order_document",
    ),
    path(
        "change-orders/<int:pk>/acceptance.json",
        views.change_order_record,
        name="change_order_record",
    ),
    path("clients/<int:pk>/portal-links/", views.portal_link_new, name="portal_link_new"),
    path("portal-links/<int:pk>/revoke/", views.portal_link_revoke, name="portal_link_revoke"),
    path("notifications/", views.notifications, name="notifications"),
]

portal_urlpatterns = [
    path("<str:token>/", portal.home, name="portal_home"),
    path("<str:token>/co/<str:number>/", portal.change_order, name="portal_change_order"),
    path("<str:token>/co/<str:number>/pdf/", portal.change_order_pdf, name="portal_pdf"),
    path(
        "<str:token>/co/<str:number>/accepted.html",
        portal.change_order_document,
        name="portal_document",
    ),
    path(
        "<str:token>/co/<str:number>/acceptance.json",
        portal.change_order_record,
        name="portal_record",
    ),
]
