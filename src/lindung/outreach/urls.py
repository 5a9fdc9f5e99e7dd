"""/sosialisasi/: outreach events."""

from django.urls import path

from lindung.outreach import views

app_name = "outreach"

urlpatterns = [
    path("", views.event_list_view, name="list"),
    path("baru/", views.event_create_view, name="create"),
    path("<int:pk>/ubah/", views.event_edit_view, name="edit"),
    path("<int:pk>/hapus/", views.event_delete_view, name="delete"),
    path("<int:pk>/lampiran/", views.attachment_add_view, name="attachment_add"),
    path("lampiran/<int:pk>/", views.attachment_view, name="attachment"),
]
