from django.urls import path

from lindung.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox_view, name="inbox"),
    path("<int:pk>/buka/", views.open_view, name="open"),
    path("<int:pk>/dibaca/", views.mark_read_view, name="mark_read"),
    path("semua-dibaca/", views.mark_all_read_view, name="mark_all_read"),
]
