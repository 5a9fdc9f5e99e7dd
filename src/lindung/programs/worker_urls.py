"""/pekerja/: the worker pages, under the namespace `registry` (`registry:detail`, ...).

The registry's own pages (registration, edit, the BPJS notices) are `registry.views`; the
pages that show enrolments (list, export, detail, proposal) are `programs.worker_views`. The
URLs are declared here, above both, since the registry imports no programme."""

from django.urls import path

from lindung.programs import worker_views
from lindung.registry import views

app_name = "registry"

urlpatterns = [
    path("", worker_views.worker_list_view, name="list"),
    path("baru/", views.worker_create_view, name="create"),
    path("ekspor.<str:fmt>", worker_views.worker_export_view, name="export"),
    path("lapor-bpjs/", views.bpjs_notices_view, name="bpjs_notices"),
    path(
        "lapor-bpjs/<int:pk>/dilaporkan/",
        views.bpjs_notice_reported_view,
        name="bpjs_notice_reported",
    ),
    path("<int:pk>/", worker_views.worker_detail_view, name="detail"),
    path("<int:pk>/ubah/", views.worker_edit_view, name="edit"),
    path("<int:pk>/tampilkan-nik/", worker_views.worker_reveal_view, name="reveal"),
    path("<int:pk>/usulkan/", worker_views.worker_propose_view, name="propose"),
]
