from django.urls import path

from lindung.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.upload_view, name="upload"),
    path("templat.xlsx", views.template_view, name="template"),
    path("riwayat/", views.job_list_view, name="jobs"),
    path("<int:pk>/", views.job_detail_view, name="job"),
    path("<int:pk>/progres/", views.job_progress_view, name="job_progress"),
    path("<int:pk>/kesalahan.xlsx", views.job_errors_view, name="job_errors"),
    path("data-ganda/", views.duplicate_list_view, name="duplicates"),
    path("data-ganda/<int:pk>/", views.duplicate_decide_view, name="duplicate_decide"),
    path("bpjs/", views.bpjs_view, name="bpjs"),
    path("bpjs/<str:code>/batch-baru/", views.bpjs_batch_create_view, name="bpjs_batch_create"),
    path(
        "bpjs/batch/<int:pk>/pendaftaran.<str:fmt>",
        views.bpjs_batch_download_view,
        name="bpjs_batch_download",
    ),
    path(
        "bpjs/batch/<int:pk>/ditolak.xlsx", views.bpjs_batch_refused_view, name="bpjs_batch_refused"
    ),
    path(
        "bpjs/batch/<int:pk>/koreksi.<str:fmt>",
        views.bpjs_batch_corrections_view,
        name="bpjs_batch_corrections",
    ),
]
