from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "lindung.api"
    label = "api"
