"""/monitoring/: drill-down dashboards, village rollout, denominators and targets."""

from django.urls import path

from lindung.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("", views.dashboard_root, name="root"),
    path("wilayah/", views.region_view, name="national"),
    path("wilayah/<str:code>/", views.region_view, name="region"),
    path("peta/<str:code>.geojson", views.map_data_view, name="map_data"),
    path("desa/", views.rollout_view, name="rollout_national"),
    path("desa/<str:code>/", views.rollout_view, name="rollout"),
    path("penyebut/", views.denominators_view, name="denominators"),
    path("penyebut/impor/", views.denominator_import_view, name="denominator_import"),
    path("penyebut/templat.csv", views.denominator_template_view, name="denominator_template"),
    path("penyebut/<int:pk>/hapus/", views.denominator_delete_view, name="denominator_delete"),
    path("target/", views.targets_view, name="targets"),
]
