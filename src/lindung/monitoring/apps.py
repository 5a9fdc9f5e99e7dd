from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "lindung.monitoring"
    label = "monitoring"
