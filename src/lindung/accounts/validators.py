"""Password rules beyond Django's own (settings.AUTH_PASSWORD_VALIDATORS).

Django's UserAttributeSimilarityValidator measures how *similar* a password is to the user name
as a whole; `op.desa.2026` is not similar enough to `op.desa` by its ratio, yet whoever knows the
user name guesses it in a few tries. This validator refuses any password that contains the user
name (ignoring case, dots, dashes and the like), the case issue 14 found accepted.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# A user name this short ("ab") occurs in many good passwords by chance.
MIN_NAME_LENGTH = 3


def _letters_and_digits(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


class UsernameInPasswordValidator:
    """Refuse a password that equals or contains the user's name."""

    def validate(self, password: str, user: Any = None) -> None:
        username = getattr(user, "username", "") or ""
        name = _letters_and_digits(username)
        if len(name) < MIN_NAME_LENGTH:
            return
        if name in _letters_and_digits(password):
            raise ValidationError(
                _(
                    "Kata sandi tidak boleh memuat nama pengguna (%(username)s). Pilih kata sandi "
                    "yang tidak bisa ditebak dari nama pengguna."
                ),
                code="password_contains_username",
                params={"username": username},
            )

    def get_help_text(self) -> str:
        return _("Kata sandi tidak boleh memuat nama pengguna.")
