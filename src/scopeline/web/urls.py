from django.contrib import admin
from django.urls import include, path

from scopeline.accounts import urls as accounts_urls
from scopeline.accounts import views as accounts_views
from scopeline.api import urls as api_urls
from scopeline.changeorders import urls as changeorders_urls
from scopeline.clients import urls as clients_urls
from scopeline.dashboard import urls as dashboard_urls
from scopeline.health import urls as health_urls
from scopeline.inbox import urls as inbox_urls
from scopeline.intake import urls as intake_urls
from scopeline.projects import urls as projects_urls
from scopeline.timeimport import urls as timeimport_urls

workspace_patterns = [
    *dashboard_urls.workspace_urlpatterns,
    *inbox_urls.workspace_urlpatterns,
    *clients_urls.workspace_urlpatterns,
    *projects_urls.workspace_urlpatterns,
    *accounts_urls.workspace_urlpatterns,
    *changeorders_urls.workspace_urlpatterns,
    *health_urls.workspace_urlpatterns,
    *timeimport_urls.workspace_urlpatterns,
    *intake_urls.workspace_urlpatterns,
    *api_urls.workspace_urlpatterns,
]

urlpatterns = [
    path("", accounts_views.home, name="home"),
    path("", include(accounts_urls.urlpatterns)),
    path("w/<slug:ws>/", include(workspace_patterns)),
    path("p/", include(changeorders_urls.portal_urlpatterns)),
    path("admin/", admin.site.urls),
    *api_urls.urlpatterns,
]

admin.site.site_header = "Scopeline operations"
admin.site.site_title = "Scopeline admin"
