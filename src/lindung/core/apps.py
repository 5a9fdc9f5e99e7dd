from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lindung.core"
    label = "core"
    verbose_name = "Inti"
