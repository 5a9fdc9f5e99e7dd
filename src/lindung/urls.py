from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("lindung.api.urls")),
    path("", include("lindung.accounts.urls")),
    path("", include("lindung.monitoring.urls")),
    path("monitoring/", include("lindung.monitoring.dashboard_urls")),
    path("sosialisasi/", include("lindung.outreach.urls")),
    path("pekerja/", include("lindung.registry.urls")),
    path("program/", include("lindung.programs.urls")),
    path("audit/", include("lindung.audit.urls")),
    path("impor/", include("lindung.imports.urls")),
    path("iuran/", include("lindung.contributions.urls")),
    path("klaim/", include("lindung.claims.urls")),
]
