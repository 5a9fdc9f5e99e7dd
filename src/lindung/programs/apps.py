from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "lindung.programs"
    label = "programs"

    def ready(self) -> None:
        from lindung.audit.presentation import register_labels
        from lindung.programs.models import Enrolment

        # The audit trail shows "Diverifikasi", not "diverifikasi".
        register_labels(Enrolment.Status.choices)
        register_labels(Enrolment.EndReason.choices)
