from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "lindung.registry"
    label = "registry"

    def ready(self) -> None:
        from lindung.audit.presentation import register_labels, register_names
        from lindung.registry.models import Occupation, Worker

        # The audit trail shows "Nelayan" for `occupation: 7`, "Meninggal dunia" for a status.
        register_labels(Worker.Status.choices)
        register_labels(Worker.Sex.choices)
        register_names(
            ("occupation", "occupation_id"),
            lambda ids: dict(Occupation.objects.filter(pk__in=ids).values_list("pk", "name")),
        )
