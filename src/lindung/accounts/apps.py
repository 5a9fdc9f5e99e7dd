from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lindung.accounts"
    label = "accounts"

    def ready(self) -> None:
        # The login time is recorded by a signal receiver, which must be connected before the
        # first login, not when the middleware module happens to be imported.
        from lindung.accounts import middleware  # noqa: F401
