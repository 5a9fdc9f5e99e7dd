from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "lindung.audit"
    label = "audit"

    def ready(self) -> None:
        # Logins, password changes and the administrator's changes of users reach the trail
        # through signals (accounts does not import audit).
        from lindung.audit import accounts_trail  # noqa: F401
