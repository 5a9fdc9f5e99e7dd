from django.urls import path

from lindung.registry import views

app_name = "registry"

urlpatterns = [
    path("", views.worker_list_view, name="list"),
    path("baru/", views.worker_create_view, name="create"),
    path("ekspor.<str:fmt>", views.worker_export_view, name="export"),
    path("lapor-bpjs/", views.bpjs_notices_view, name="bpjs_notices"),
    path(
        "lapor-bpjs/<int:pk>/dilaporkan/",
        views.bpjs_notice_reported_view,
        name="bpjs_notice_reported",
    ),
    path("<int:pk>/", views.worker_detail_view, name="detail"),
    path("<int:pk>/ubah/", views.worker_edit_view, name="edit"),
    path("<int:pk>/tampilkan-nik/", views.worker_reveal_view, name="reveal"),
    path("<int:pk>/usulkan/", views.worker_propose_view, name="propose"),
]
