from django.urls import path

from lindung.monitoring import views

urlpatterns = [
    path("", views.home, name="home"),
]
