from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "lindung.monitoring"
    label = "monitoring"

    def ready(self) -> None:
        from lindung.audit.signals import events_recorded
        from lindung.monitoring.tasks import on_events_recorded

        events_recorded.connect(on_events_recorded, dispatch_uid="monitoring-aggregates")
