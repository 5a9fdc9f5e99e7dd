from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data and its command (`lindung demo-data`). It sits above every domain app it
    fills (regions, accounts, registry, programmes, contributions, claims, monitoring), so
    that `core`, below them all, imports none of them."""

    name = "lindung.demo"
    label = "demo"
