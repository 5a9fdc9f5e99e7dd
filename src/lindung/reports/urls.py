"""/laporan/: the monev report, its archive and downloads, the letterhead, Paritrana."""

from django.urls import path, re_path

from lindung.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.home_view, name="home"),
    path("arsip/", views.archive_view, name="archive"),
    path("<int:pk>/", views.run_detail_view, name="run"),
    path("<int:pk>/kemajuan/", views.run_progress_view, name="run_progress"),
    path("<int:pk>/unduh/", views.run_download_view, name="run_download"),
    # A bill's statement, linked from the contributions pages (money: CONTRIBUTIONS_READ).
    re_path(
        r"^tagihan/(?P<pk>[0-9]+)/laporan\.(?P<fmt>xlsx|pdf)$",
        views.statement_view,
        name="statement",
    ),
    path("kop/", views.letterhead_view, name="letterhead"),
    path("kop/<str:code>/logo/", views.letterhead_logo_view, name="letterhead_logo"),
    path("kop/<str:code>/logo.img", views.letterhead_logo_image_view, name="letterhead_image"),
    path("paritrana/", views.paritrana_home_view, name="paritrana_home"),
    path("paritrana/<str:code>/<int:year>/", views.paritrana_view, name="paritrana"),
    path(
        "paritrana/<str:code>/<int:year>/inovasi/", views.innovation_add_view, name="innovation_add"
    ),
    path(
        "paritrana/<str:code>/<int:year>/unduh/",
        views.paritrana_export_view,
        name="paritrana_export",
    ),
    path(
        "paritrana/inovasi/<int:pk>/hapus/", views.innovation_delete_view, name="innovation_delete"
    ),
    path(
        "paritrana/banding/<str:code>/<int:year>/",
        views.paritrana_compare_view,
        name="paritrana_compare",
    ),
]
