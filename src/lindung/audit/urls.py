from django.urls import path

from lindung.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.event_list_view, name="list"),
    path("ekspor.xlsx", views.event_export_view, name="export"),
]
