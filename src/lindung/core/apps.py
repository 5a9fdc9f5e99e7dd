from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lindung.core"
    label = "core"
    verbose_name = "Inti"

    def ready(self) -> None:
        from lindung.core import lookups  # noqa: F401  (registers the `in_array` lookup)
