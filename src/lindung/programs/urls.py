from django.urls import path

from lindung.programs import views

app_name = "programs"

urlpatterns = [
    path("", views.programme_list_view, name="list"),
    path("baru/", views.programme_create_view, name="create"),
    path(
        "kepesertaan/<int:pk>/<slug:action>/", views.enrolment_action_view, name="enrolment_action"
    ),
    path("<slug:code>/", views.programme_detail_view, name="detail"),
    path("<slug:code>/ubah/", views.programme_edit_view, name="edit"),
    path("<slug:code>/anggaran/", views.budget_line_add_view, name="budget_add"),
    path("<slug:code>/kuota/", views.quota_set_view, name="quota_set"),
    path("<slug:code>/daftar-tunggu/", views.promote_waiting_view, name="promote_waiting"),
    path("<slug:code>/verifikasi-massal/", views.bulk_verify_view, name="bulk_verify"),
    path("<slug:code>/kpj/", views.kpj_paste_view, name="kpj_paste"),
]
