import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """The fixture users are created with a password; PBKDF2 makes each test seconds slower."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def indonesian_by_default():
    """A request in English leaves English active in the thread; services called directly by
    the next test would then write English audit summaries."""
    with translation.override("id"):
        yield
