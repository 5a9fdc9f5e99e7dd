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

        # The registry's writes that reach the enrolments (its one seam: registry.links).
        from lindung.programs.selectors import registered_participants
        from lindung.programs.services import (
            enrolments_end_for_life_events,
            enrolments_flag_for_reverification,
            enrolments_merge,
        )
        from lindung.registry import links

        links.provide(
            links.Enrolments(
                participants=registered_participants,
                end_for_life_events=enrolments_end_for_life_events,
                merge=enrolments_merge,
                flag_for_reverification=enrolments_flag_for_reverification,
            )
        )
