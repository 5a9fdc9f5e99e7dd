import pytest


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """The fixture users are created with a password; PBKDF2 makes each test seconds slower."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
