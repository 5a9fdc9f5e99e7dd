from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from lindung.api import urls as api_urls

urlpatterns = [
    path("admin/", admin.site.urls),
    # Browsers ask for /favicon.ico whatever the page links: no 404 in the log for it.
    path(
        "favicon.ico",
        login_not_required(RedirectView.as_view(url=static("lindung/favicon.svg"), permanent=True)),
    ),
    path("api/v1/", include("lindung.api.urls")),
    path("api/", include(api_urls.legacy, namespace="api_legacy")),  # before v1: the same views
    path("", include("lindung.accounts.urls")),
    path("", include("lindung.api.page_urls")),  # the account's API tokens
    path("", include("lindung.monitoring.urls")),
    path("monitoring/", include("lindung.monitoring.dashboard_urls")),
    path("sosialisasi/", include("lindung.outreach.urls")),
    path("pekerja/", include("lindung.programs.worker_urls")),  # namespace registry
    path("program/", include("lindung.programs.urls")),
    path("audit/", include("lindung.audit.urls")),
    path("impor/", include("lindung.imports.urls")),
    path("iuran/", include("lindung.contributions.urls")),
    path("klaim/", include("lindung.claims.urls")),
    path("laporan/", include("lindung.reports.urls")),
    path("notifikasi/", include("lindung.notifications.urls")),
]
