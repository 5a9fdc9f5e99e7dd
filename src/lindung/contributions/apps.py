from django.apps import AppConfig


class ContributionsConfig(AppConfig):
    name = "lindung.contributions"
    label = "contributions"
