"""A fast password hasher for tests that create users.

The `users` fixture creates eight users; with Django's default PBKDF2 each costs up to two
seconds on a loaded machine. Import `fast_password_hashing` into a directory's conftest.py."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
